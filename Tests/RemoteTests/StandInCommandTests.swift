import Foundation
import HopsRemote
import Testing

/// The hops binary against the stand-in Windmill server, as a user runs it.
@Suite(.serialized) struct StandInCommandTests {
    let server: StandInServer
    let folder: String

    init() throws {
        server = try StandInServer()
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("hops-commands-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    /// Runs hops from the repository root with the token in WM_TOKEN and a store of the test's own.
    func hops(_ arguments: [String], input: String = "", in directory: String = StandInServer.repositoryRoot) throws
        -> (status: Int32, output: String, error: String)
    {
        let root = StandInServer.repositoryRoot
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ProcessInfo.processInfo.environment["HOPS_BINARY"] ?? root + "/.build/debug/hops")
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var environment = ProcessInfo.processInfo.environment
        environment["WMILL_CONFIG_DIR"] = folder + "/config"
        environment["WM_TOKEN"] = StandInServer.token
        environment["HOPS_STORE"] = folder + "/store.db"
        environment["HOPS_HOME"] = folder + "/home"
        process.environment = environment
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let errorData = ReadAll(stderr.fileHandleForReading)
        let outputData = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (
            process.terminationStatus, String(decoding: outputData, as: UTF8.self),
            String(decoding: errorData.wait(), as: UTF8.self)
        )
    }

    @Test func pushRunReplayThroughTheCommandLineKeepTheTokenOutOfEverything() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let remote = ["--remote", server.base, "--workspace", "main"]
        let push = try hops(["push", "--json"] + remote)
        #expect(push.status == 0, "\(push.error)")
        #expect(push.output.contains("\"created\" : 8") || push.output.contains("\"created\": 8"), "\(push.output)")

        try server.control(
            "POST", "rules", StandInServer.json(#"{"flow": "f/homeops/system_health", "step": "check_memory", "fail": "meminfo unreadable"}"#))
        let run = try hops(["flow", "run", "windmill/f/homeops/system_health.flow", "--json", "-i", "threshold=100"] + remote)
        #expect(run.status == 1)
        #expect(run.error.contains("check_memory … failed"), "\(run.error)")
        #expect(run.output.contains("\"status\" : \"failed\"") || run.output.contains("\"status\": \"failed\""), "\(run.output)")

        let listed = try hops(["runs", "--failed", "--json"] + remote)
        #expect(listed.status == 0, "\(listed.error)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(listed.output.utf8)) as? [[String: Any]])
        let job = try #require(rows.first?["job"] as? String)

        let replay = try hops(["replay", job] + remote, input: ":next\n:next\n")
        #expect(replay.status == 0, "\(replay.error)")
        #expect(replay.output.contains("[2/3] check_memory: failed (recorded)"), "\(replay.output)")

        let badToken = try hops(["remote", "whoami", "--remote", server.base, "--workspace", "other"])
        #expect(badToken.status == 1)
        #expect(badToken.error.contains("401 Unauthorized (workspace other)"))

        // The token is in no output, no error and nowhere in the store's files.
        for text in [push.output, push.error, run.output, run.error, replay.output, replay.error, badToken.error] {
            #expect(!text.contains(StandInServer.token))
        }
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where name.hasPrefix("store.db") {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name))
            #expect(bytes.range(of: Data(StandInServer.token.utf8)) == nil, "\(name)")
        }
        #expect(try server.violations() == [])
    }

    @Test func pullWritesWhatTheServerHasIntoTheTree() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let copy = try TreeCopy()
        defer { copy.remove() }
        let remote = ["--remote", server.base, "--workspace", "main"]
        #expect(try hops(["push"] + remote, in: copy.repository).status == 0)
        let homeops = copy.repository + "/windmill/f/homeops"
        try FileManager.default.removeItem(atPath: homeops + "/check_load.ts")
        try FileManager.default.removeItem(atPath: homeops + "/system_health.flow")

        let pulled = try hops(["pull", "f/homeops/system_health", "f/homeops/check_load"] + remote, in: copy.repository)
        #expect(pulled.status == 0, "\(pulled.error)")
        #expect(pulled.output.contains("wrote windmill/f/homeops/check_load.ts"), "\(pulled.output)")
        #expect(pulled.output.contains("wrote windmill/f/homeops/system_health.flow/flow.yaml"), "\(pulled.output)")
        let original = try String(contentsOfFile: StandInServer.repositoryRoot + "/windmill/f/homeops/check_load.ts", encoding: .utf8)
        #expect(try String(contentsOfFile: homeops + "/check_load.ts", encoding: .utf8) == original)
        #expect(try hops(["check", "windmill/f/homeops/system_health.flow"], in: copy.repository).status == 0)

        let missing = try hops(["pull", "f/homeops/nothing"] + remote, in: copy.repository)
        #expect(missing.status == 1)
        #expect(missing.error.contains("no flow or script at f/homeops/nothing in workspace main"))
        #expect(try server.violations() == [])
    }
}
