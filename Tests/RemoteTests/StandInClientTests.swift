import Foundation
import HopsLang
import HopsRemote
import Testing

/// The client against the stand-in Windmill server: identity and errors.
@Suite(.serialized) struct StandInClientTests {
    let server: StandInServer

    init() throws { server = try StandInServer() }

    @Test func whoamiAgainstTheStandIn() throws {
        let identity = try RemoteIdentity.fetch(try server.client())
        #expect(identity.username == "admin")
        #expect(identity.email == "admin@standin.test")
        #expect(identity.workspace == "main")
        #expect(identity.version.hasPrefix("CE v1.743"))
        #expect(try server.violations() == [])
    }

    @Test func aWrongTokenIsOneLineWithPathWorkspaceAndAdvice() throws {
        #expect {
            _ = try RemoteIdentity.fetch(try server.client(token: "wrong-token-123"))
        } throws: { error in
            let text = "\(error)"
            return text.hasPrefix("GET /api/w/main/users/whoami: 401 Unauthorized (workspace main): Not authorized")
                && text.contains("check the token") && !text.contains("wrong-token-123") && !text.contains("\n")
        }
    }

    @Test func statusesFromTheServerAreNamed() throws {
        let client = try server.client()
        try server.control("POST", "faults", StandInServer.json(#"[{"status": 403, "count": 1}]"#))
        #expect { _ = try client.whoami() } throws: { "\($0)".contains("403 Forbidden (workspace main)") }
        #expect(try client.flow(at: "f/none/such") == nil)
        #expect { _ = try client.job("00000000-0000-0000-0000-000000000001") } throws: { error in
            "\(error)".hasPrefix("GET /api/w/main/jobs_u/get/00000000-0000-0000-0000-000000000001: 404 Not Found")
        }
    }

    @Test func readsAreRetriedOn5xxAndWritesAreNot() throws {
        let client = try server.client()
        try server.control("POST", "faults", StandInServer.json(#"[{"status": 500, "count": 2, "method": "GET"}]"#))
        #expect(try client.whoami().jsonString()?.contains("\"admin\"") == true)
        try server.control("POST", "faults", StandInServer.json(#"[{"status": 500, "count": 1, "method": "POST"}]"#))
        #expect {
            _ = try client.runFlow(path: "f/x/y", arguments: .object(ObjectValue()))
        } throws: { "\($0)".contains("500 Internal Server Error") }
    }

    @Test func anHTMLPageFromAProxyIsRecognised() throws {
        let client = try server.client()
        try server.control("POST", "faults", StandInServer.json(#"[{"html": true, "count": 4}]"#))
        #expect { _ = try client.whoami() } throws: { error in
            "\(error)".contains("an HTML page") && "\(error)".contains("proxy")
        }
    }

    @Test func aServerThatIsDownFailsAtOnce() throws {
        let client = try WindmillClient(target: RemoteTarget(baseURL: "http://127.0.0.1:1", workspace: "main", token: "t"))
        client.retryDelays = []
        #expect { _ = try client.whoami() } throws: { error in
            "\(error)".contains("cannot connect") && "\(error)".contains("is the server at http://127.0.0.1:1/ up")
        }
    }

    @Test func aSlowServerTimesOutWithTheMethodAndURL() throws {
        let client = try server.client()
        client.timeout = 0.5
        try server.control("POST", "faults", StandInServer.json(#"[{"delay_ms": 3000, "count": 1}]"#))
        #expect { _ = try client.whoami() } throws: { error in
            "\(error)" == "GET \(server.base)/api/w/main/users/whoami timed out after 0.5s"
        }
    }

    @Test func noTokenIsSaidBeforeAnyRequest() throws {
        #expect(throws: RemoteError.noToken(remote: server.base + "/")) { _ = try server.client(token: nil).whoami() }
    }
}

@Suite struct ProfileTests {
    @Test func profilesAreReadAndWrittenInTheWmillFormat() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hops-profiles-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let files = ProfileFiles(environment: ["WMILL_CONFIG_DIR": folder])
        #expect(files.directory == folder + "/windmill")
        try files.add(RemoteProfile(name: "prod", remote: "https://wm.example.com", workspaceID: "main", token: "tok-1"))
        try files.add(RemoteProfile(name: "dev", remote: "http://127.0.0.1:8000/", workspaceID: "dev", token: nil))
        let text = try String(contentsOfFile: folder + "/windmill/remotes.ndjson", encoding: .utf8)
        #expect(
            text == """
                {"name":"prod","remote":"https://wm.example.com/","workspaceId":"main","token":"tok-1"}
                {"name":"dev","remote":"http://127.0.0.1:8000/","workspaceId":"dev"}

                """)
        let mode = try FileManager.default.attributesOfItem(atPath: folder + "/windmill/remotes.ndjson")[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(files.activeName() == "prod")

        let active = try RemoteTarget.resolve(remote: nil, workspace: nil, files: files, environment: [:])
        #expect(active.baseURL == "https://wm.example.com/" && active.workspace == "main" && active.hasToken)
        let fromEnvironment = try RemoteTarget.resolve(remote: "dev", workspace: nil, files: files, environment: ["WM_TOKEN": "x"])
        #expect(fromEnvironment.workspace == "dev" && fromEnvironment.hasToken)
        let byURL = try RemoteTarget.resolve(remote: "https://wm.example.com", workspace: nil, files: files, environment: [:])
        #expect(byURL.profileName == "prod" && byURL.hasToken)
        #expect { _ = try RemoteTarget.resolve(remote: "nope", workspace: nil, files: files, environment: [:]) } throws: {
            "\($0)".contains("no remote named nope") && "\($0)".contains("prod, dev")
        }
        #expect(RemoteListing.table(try files.profiles(), active: "prod").contains("* prod"))
        #expect(!RemoteListing.table(try files.profiles(), active: "prod").contains("tok-1"))
    }
}
