import Foundation
import Testing

/// A secret planted in `.env` and in a resource, with a quote, a backslash and a non-ASCII letter, is
/// looked for in every encoding (as is, JSON-escaped both ways, URL-encoded, base64) in everything hops
/// writes: standard output and error, the store and its WAL, `hops show` in each format, a notebook
/// after `--update` and `-o`, and the prompt.
@Suite(.serialized) struct PlantedSecretTests {
    let token = "tr1cky\"q/sl\\\u{fc}-PW-\(UUID().uuidString.prefix(8))"
    let password = "pg-SEKRET-\(UUID().uuidString.prefix(8))"

    /// A repository whose flow leaks the planted secrets every way a script can.
    func makeRepository() throws -> URL {
        let root = try HopsProcess.temporaryDirectory()
        let files: [String: String] = [
            ".env": "f/ops/token=\(token)\n",
            "windmill/resources/db.resource.yaml":
                "resource_type: postgresql\nvalue:\n  host: localhost\n  user: operator\n  password: \(password)\n",
            "windmill/scripts/leak/leak.py": """
                import base64, json, sys, urllib.parse

                def main(token: str, db: dict):
                    for secret in (token, db["password"]):
                        print("raw:", secret)
                        print("json:", json.dumps({"t": secret}), json.dumps(secret, ensure_ascii=False))
                        print("url:", urllib.parse.quote(secret, safe=""), urllib.parse.quote_plus(secret))
                        print("b64:", base64.b64encode(secret.encode()).decode())
                        print("b64 inside:", base64.b64encode(("x" + secret + "yz").encode()).decode())
                        print("err:", secret, file=sys.stderr)
                    return {"token": token, "host": db["host"], "user": db["user"], "password": db["password"]}

                """,
            "windmill/scripts/leak/deny.py": """
                import json

                def main(token: str):
                    raise RuntimeError("denied for " + json.dumps(token))

                """,
            "windmill/flows/leak.yaml": """
                summary: Leaks a planted secret every way it can
                steps:
                  - id: leak
                    script: leak/leak.py
                    args:
                      token: $var:f/ops/token
                      db: $res:db
                  - id: deny
                    script: leak/deny.py
                    args:
                      token: $var:f/ops/token

                """,
            "leak.hops": """
                # %% load
                :load windmill/flows/leak.yaml

                # %% [raises] run
                :run -q

                # %% the token
                results.leak.token

                # %% the host
                results.leak.host

                """,
        ]
        try FileManager.default.createDirectory(at: root.appendingPathComponent(".git"), withIntermediateDirectories: true)
        for (path, text) in files {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        return root
    }

    /// Every form the secrets can take once printed by a program.
    var forms: [String] {
        [token, password].flatMap { secret -> [String] in
            let bytes = Array(secret.utf8)
            var forms = [
                secret,
                secret.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\""),
                secret.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                    .replacingOccurrences(of: "\u{fc}", with: "\\u00fc"),
                secret.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? secret,
                Data(bytes).base64EncodedString(),
                // Inside "x…yz": the secret starts at offset 1, so its bytes from the second on are aligned.
                Data(bytes[2..<(2 + (bytes.count - 2) / 3 * 3)]).base64EncodedString(),
            ]
            // Long enough to be the secret and not a word of the output.
            forms.append(String(secret.prefix(12)))
            return forms
        }
    }

    func expectNoSecret(in text: String, _ place: String, sourceLocation: SourceLocation = #_sourceLocation) {
        for form in forms {
            #expect(!text.contains(form), "\(place) holds the secret as \(form)", sourceLocation: sourceLocation)
        }
    }

    func hops(_ arguments: [String], in root: URL, input: String = "") throws -> HopsProcess.Result {
        let temporary = root.appendingPathComponent("tmp")
        try FileManager.default.createDirectory(at: temporary, withIntermediateDirectories: true)
        return try HopsProcess.run(
            arguments, input: input,
            environment: ["PWD": root.path, "TMPDIR": temporary.path, "HOPS_HOME": root.appendingPathComponent("home").path],
            currentDirectory: root)
    }

    @Test func aPlantedSecretIsFoundNowhere() throws {
        let root = try makeRepository()
        defer { try? FileManager.default.removeItem(at: root) }
        let store = root.appendingPathComponent(".hops/hops.db").path

        let run = try hops(["flow", "run", "windmill/flows/leak.yaml"], in: root)
        #expect(run.status == 1, "\(run.error)")
        #expect(run.error.contains("leak … ok"), "\(run.error)")
        expectNoSecret(in: run.output + run.error, "flow run")

        let json = try hops(["flow", "run", "windmill/flows/leak.yaml", "--json"], in: root)
        expectNoSecret(in: json.output + json.error, "flow run --json")
        // Only what is secret is masked: the host and user of the resource are shown.
        #expect(json.output.contains(#""host": "localhost""#), "\(json.output)")
        #expect(json.output.contains(#""user": "operator""#), "\(json.output)")
        #expect(json.output.contains(#""token": "***""#), "\(json.output)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])
        let runID = try #require(object["run"] as? String)

        for format in [[], ["--json"]] {
            let shown = try hops(["show", runID] + format, in: root)
            #expect(shown.status == 0, "\(shown.error)")
            #expect(shown.output.contains("deny"))
            expectNoSecret(in: shown.output + shown.error, "show \(format)")
        }

        let notebook = try hops(["run", "leak.hops", "--update"], in: root)
        #expect(notebook.status == 0, "\(notebook.output)\(notebook.error)")
        let updated = try String(contentsOf: root.appendingPathComponent("leak.hops"), encoding: .utf8)
        #expect(updated.contains("# => \"localhost\""), "\(updated)")
        #expect(updated.contains("# => \"***\""), "\(updated)")
        expectNoSecret(in: updated + notebook.output + notebook.error, "notebook --update")
        let copy = try hops(["run", "leak.hops", "-o", "copy.hops", "--json"], in: root)
        let copied = try String(contentsOf: root.appendingPathComponent("copy.hops"), encoding: .utf8)
        expectNoSecret(in: copied + copy.output + copy.error, "notebook -o --json")

        let prompt = try hops(
            [], in: root,
            input: ":load windmill/flows/leak.yaml\n:run\nresults.leak\nlet t = results.leak.token\n`<${t}>`\n")
        #expect(prompt.output.contains("\"<***>\""), "\(prompt.output)")
        expectNoSecret(in: prompt.output + prompt.error, "the prompt")

        for suffix in ["", "-wal"] {
            let path = store + suffix
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            expectNoSecret(in: String(decoding: data, as: UTF8.self), "the store file \(path)")
        }
        #expect(FileManager.default.fileExists(atPath: store))
        // What a step leaves in the temporary folder: nothing once hops has exited.
        let leftovers = FileManager.default.enumerator(atPath: root.appendingPathComponent("tmp").path)?.allObjects ?? []
        for case let file as String in leftovers {
            let data = FileManager.default.contents(atPath: root.appendingPathComponent("tmp/\(file)").path) ?? Data()
            expectNoSecret(in: String(decoding: data, as: UTF8.self), "the leftover \(file)")
        }
    }

    @Test func anExportThatWouldHoldASecretIsRefused() throws {
        let root = try makeRepository()
        defer { try? FileManager.default.removeItem(at: root) }
        // An action run at the prompt with the secret's value, composed into a flow, then exported.
        let input = """
            :load windmill/flows/leak.yaml
            :step leak -q
            let r = sh(`echo ${results.leak.token}`)
            :compose leaky
            :export out

            """
        let result = try hops([], in: root, input: input)
        #expect(result.error.contains("not exported: out/windmill/flows/drafts/leaky.yaml would hold the value of a secret"), "\(result.error)")
        expectNoSecret(in: result.output + result.error, "an export's messages")
        let written = FileManager.default.enumerator(atPath: root.appendingPathComponent("out").path)?.allObjects ?? []
        for case let file as String in written {
            let data = FileManager.default.contents(atPath: root.appendingPathComponent("out/\(file)").path) ?? Data()
            expectNoSecret(in: String(decoding: data, as: UTF8.self), "the exported \(file)")
        }
    }
}
