import Foundation
import HopsFlow
import HopsLang
import Testing

@testable import HopsRun

@Suite struct SecretsTests {
    static let files = [
        ".env": "# local secrets\nhomeops/slack_token=\"xoxb-secret-123\"\nexport plain=value-1\n",
        "windmill/resources/services/webhook.yaml": "url: http://hooks.local/abc\ntoken: hook-secret-999\nport: 8080\n",
        "windmill/resources/databases/main.resource.yaml":
            "resource_type: postgresql\nvalue:\n  host: db.local\n  password: pg-secret-777\n",
    ]

    @Test func variablesFromEnvFileAndEnvironmentWithWindmillPrefixes() throws {
        let repository = try TestRepository(files: Self.files)
        defer { repository.remove() }
        let context = repository.context(extraEnvironment: ["WM_VAR_API_KEY": "from-env"])
        #expect(try context.variable("f/homeops/slack_token").value == "xoxb-secret-123")
        #expect(try context.variable("u/admin/plain").value == "value-1")
        #expect(try context.variable("f/x/api_key").value == "from-env")
        #expect(throws: RunError.missingVariable(path: "f/x/nope", environmentName: "WM_VAR_NOPE")) {
            try context.variable("f/x/nope")
        }
    }

    @Test func resourcesFromYAMLIncludingWindmillsOwnFormat() throws {
        let repository = try TestRepository(files: Self.files)
        defer { repository.remove() }
        let context = repository.context()
        #expect(json(try context.resource("u/admin/services/webhook").value) == #"{"port":8080,"token":"hook-secret-999","url":"http://hooks.local/abc"}"#)
        #expect(json(try context.resource("f/databases/main").value) == #"{"host":"db.local","password":"pg-secret-777"}"#)
        #expect("\(RunError.missingResource(path: "f/x/gone", unreadable: []))".contains("resource not found: f/x/gone"))
    }

    /// A resource file that is not YAML is named when a `$res:` is not found, without what it holds.
    @Test func aResourceFileThatCannotBeReadIsNamedButNotQuoted() throws {
        var files = Self.files
        files["windmill/resources/broken.yaml"] = "password: [unclosed-secret-4711\n"
        let repository = try TestRepository(files: files)
        defer { repository.remove() }
        let context = repository.context()
        let error = try #require(#expect(throws: RunError.self) { try context.resource("f/x/broken") })
        let message = "\(error)"
        #expect(message.contains("resource not found: f/x/broken"))
        #expect(message.contains(repository.root + "/windmill/resources/broken.yaml"))
        #expect(!message.contains("unclosed-secret-4711"))
        // The files that can be read are read as before.
        #expect(json(try context.resource("f/databases/main").value) == #"{"host":"db.local","password":"pg-secret-777"}"#)
    }

    @Test func onlyTheSecretFieldsOfAResourceAreSecret() throws {
        var files = Self.files
        files["windmill/resources/mail.resource.yaml"] =
            "resource_type: smtp_custom\nvalue:\n  host: localhost\n  login: ops-user\n  word: hunter2-mail\n  relay_token: $var:f/homeops/slack_token\n"
        files["windmill/smtp_custom.resource-type.yaml"] =
            "schema:\n  properties:\n    host: {type: string}\n    word: {type: string, password: true}\n"
        let repository = try TestRepository(files: files)
        defer { repository.remove() }
        let context = repository.context()
        let mail = try context.resolvedResource("mail")
        // The type marks `word`; `relay_token` is a variable reference; host and login are not secret.
        #expect(Set(mail.secrets) == ["hunter2-mail", "xoxb-secret-123"])
        #expect(json(mail.value).contains(#""relay_token":"xoxb-secret-123""#))
        let database = try context.resolvedResource("f/databases/main")
        #expect(database.secrets == ["pg-secret-777"])
        let webhook = try context.resolvedResource("services/webhook")
        #expect(webhook.secrets == ["hook-secret-999"])
    }

    @Test func credentialHeadersAreMaskedOnRecord() {
        let arguments = Value.array([
            .string("https://example.test/api"),
            .object(ObjectValue([("headers", .object(ObjectValue([
                ("Authorization", .string("Bearer abcd-1234-token")), ("X-Api-Key", .string("k-998877")),
                ("Accept", .string("application/json")),
            ])))])),
        ])
        let masked = json(SensitiveHeaders.masked(arguments))
        #expect(masked.contains(#""Authorization":"***""#))
        #expect(masked.contains(#""X-Api-Key":"***""#))
        #expect(masked.contains(#""Accept":"application/json""#))
        #expect(!masked.contains("abcd-1234-token") && !masked.contains("k-998877"))
        #expect(SensitiveHeaders.isSensitive("x-auth-token") && SensitiveHeaders.isSensitive("Cookie"))
        #expect(!SensitiveHeaders.isSensitive("Content-Type"))
    }

    @Test func secretArgumentsResolveAndAreMaskedInOutput() throws {
        let repository = try TestRepository(files: Self.files)
        defer { repository.remove() }
        let script = try Script.inline(
            "def main(token, hook):\n    print('token is', token)\n    return {'n': len(token), 'url': hook['url']}\n",
            language: "python3", name: "p")
        let outcome = repository.runner().run(
            script, arguments: object([("token", .string("$var:f/homeops/slack_token")), ("hook", .string("$res:services/webhook"))]),
            timeout: 60)
        #expect(json(outcome.result) == #"{"n":15,"url":"http://hooks.local/abc"}"#)
        #expect(outcome.stdout == "token is ***\n")
        #expect(outcome.secretValues.contains("xoxb-secret-123"))

        let missing = repository.runner().run(script, arguments: object([("token", .string("$var:f/nope"))]))
        #expect(missing.error?.message.contains("variable not found: f/nope") == true)
    }

    @Test func windmillClientStandInFromTypeScript() throws {
        let repository = try TestRepository(files: Self.files)
        defer { repository.remove() }
        let source = """
            import * as wmill from "windmill-client";
            import { getResource } from "npm:windmill-client@1.412.0";
            export async function main() {
              const token = await wmill.getVariable("f/homeops/slack_token");
              const db = await getResource("f/databases/main");
              const before = await wmill.getState();
              await wmill.setState({ runs: (before?.runs ?? 0) + 1 });
              console.log("using", token);
              let missing = "";
              try { await wmill.getVariable("f/none/here"); } catch (e) { missing = (e as Error).message; }
              return { token_length: token.length, host: db.host, runs: (await wmill.getState()).runs, missing };
            }
            """
        try repository.write("scripts/client.ts", source)
        let script = try Script.file(repository.root + "/scripts/client.ts")
        let first = repository.runner().run(script, arguments: ObjectValue(), timeout: 60)
        #expect(first.error == nil, "\(first.error.map { "\($0)" } ?? "")")
        #expect(json(first.result).contains(#""host":"db.local""#))
        #expect(json(first.result).contains(#""runs":1"#))
        #expect(json(first.result).contains("variable not found: f/none/here"))
        #expect(first.stdout == "using ***\n")
        let second = repository.runner().run(script, arguments: ObjectValue(), timeout: 60)
        #expect(json(second.result).contains(#""runs":2"#))
    }

    @Test func windmillClientStandInFromPython() throws {
        let repository = try TestRepository(files: Self.files)
        defer { repository.remove() }
        let source = """
            import wmill

            def main():
                token = wmill.get_variable("f/homeops/slack_token")
                hook = wmill.get_resource("u/me/services/webhook")
                wmill.set_state({"seen": True})
                print("secret", hook["token"])
                return {"token": token[:4], "port": hook["port"], "state": wmill.get_state()}
            """
        try repository.write("scripts/client.py", source)
        let outcome = repository.runner().run(try Script.file(repository.root + "/scripts/client.py"), arguments: ObjectValue(), timeout: 60)
        #expect(json(outcome.result) == #"{"port":8080,"state":{"seen":true},"token":"xoxb"}"#)
        #expect(outcome.stdout == "secret ***\n")
    }

    @Test func variableAndResourceInFlowExpressions() throws {
        let repository = try TestRepository(files: Self.files)
        defer { repository.remove() }
        let step = FlowModule(
            id: "use",
            value: .rawScript(
                RawScript(
                    content: "echo \"$1 $2\"", language: "bash",
                    inputTransforms: InputTransforms([
                        ("n", .javascript(FlowExpression("variable('f/homeops/slack_token').length"))),
                        ("url", .javascript(FlowExpression("resource('services/webhook').url"))),
                    ]))))
        let result = FlowExecutor(flow: Flow(modules: [step]), runner: repository.runner()).run()
        #expect(json(result.result) == #""15 http://hooks.local/abc""#)
        let missing = FlowModule(
            id: "bad", value: .rawScript(RawScript(content: "echo", language: "bash", inputTransforms: InputTransforms([
                ("x", .javascript(FlowExpression("resource('services/none')")))]))))
        let failed = FlowExecutor(flow: Flow(modules: [missing]), runner: repository.runner()).run()
        #expect(failed.error?.description.contains("step bad: argument x:") == true)
        #expect(failed.error?.description.contains("resource not found: services/none") == true)
    }
}
