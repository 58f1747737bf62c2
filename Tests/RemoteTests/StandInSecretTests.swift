import Foundation
import HopsLang
import HopsRemote
import HopsRun
import Testing

/// `$var:` and `$res:` that the repository does not define, read from the stand-in Windmill server.
@Suite(.serialized) struct StandInSecretTests {
    let server: StandInServer

    init() throws { server = try StandInServer() }

    @Test func referencesNotDefinedLocallyResolveFromTheServerAndStayReferencesInTheRecord() throws {
        try server.control(
            "POST", "variables",
            StandInServer.json(#"[{"path": "f/homeops/remote_token", "value": "s3cr3t-from-server", "is_secret": true}]"#))
        try server.control(
            "POST", "resources",
            StandInServer.json(#"[{"path": "f/homeops/remote_db", "value": {"host": "db.internal", "password": "$var:f/homeops/remote_token"}}]"#))
        var context = WorkspaceContext(repositoryRoot: StandInServer.repositoryRoot, environment: [:])
        context.fallback = RemoteSecrets(target: server.target())
        let arguments = ObjectValue([
            ("token", .string("$var:f/homeops/remote_token")), ("db", .string("$res:f/homeops/remote_db")),
        ])
        let resolved = try context.resolveArguments(arguments)
        #expect(resolved.values["token"]?.jsonString() == "\"s3cr3t-from-server\"")
        #expect(resolved.values["db"]?.jsonString() == #"{"host":"db.internal","password":"s3cr3t-from-server"}"#)
        #expect(resolved.references["token"]?.jsonString() == "\"$var:f/homeops/remote_token\"")
        #expect(resolved.secretValues.contains("s3cr3t-from-server"))
        #expect(try server.violations() == [])
    }

    @Test func aMissingOrForbiddenVariableIsAClearError() throws {
        try server.control(
            "POST", "variables", StandInServer.json(#"[{"path": "f/homeops/locked", "value": "x", "forbidden": true}]"#))
        var context = WorkspaceContext(repositoryRoot: StandInServer.repositoryRoot, environment: [:])
        context.fallback = RemoteSecrets(target: server.target())
        #expect(throws: RunError.self) { _ = try context.variable("f/homeops/absent") }
        #expect { _ = try context.variable("f/homeops/locked") } throws: { error in
            "\(error)".contains("401") && "\(error)".contains("variables/get_value/f/homeops/locked")
                && !"\(error)".contains(StandInServer.token)
        }
    }
}
