import Foundation
import HopsRemote
import Testing

/// `notebooks/remote.hops` through the built hops binary, against the stand-in Windmill server.
@Suite struct StandInNotebookTests {
    @Test func theRemoteNotebookPushesRunsImportsAndResumesAgainstTheStandIn() throws {
        let server = try StandInServer()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hops-notebook-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let files = ProfileFiles(environment: ["WMILL_CONFIG_DIR": folder + "/config"])
        try files.add(RemoteProfile(name: "standin", remote: server.base, workspaceID: "main", token: StandInServer.token))

        let root = StandInServer.repositoryRoot
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ProcessInfo.processInfo.environment["HOPS_BINARY"] ?? root + "/.build/debug/hops")
        process.arguments = [
            "run", "notebooks/remote.hops", "--store", folder + "/store.db", "-p", "server=\(server.base)",
        ]
        process.currentDirectoryURL = URL(fileURLWithPath: root)
        var environment = ProcessInfo.processInfo.environment
        environment["WMILL_CONFIG_DIR"] = folder + "/config"
        environment["WM_TOKEN"] = nil
        environment["HOPS_HOME"] = folder + "/home"
        process.environment = environment
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let errorData = ReadAll(errors.fileHandleForReading)
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let stderr = String(decoding: errorData.wait(), as: UTF8.self)
        #expect(process.terminationStatus == 0, "\(stderr)")

        // One progress line per cell on standard error: `[6/9] title … raised 658 ms`.
        let statuses = stderr.split(separator: "\n").filter { $0.hasPrefix("[") && $0.contains("/9] ") }.compactMap { line in
            line.components(separatedBy: " … ").last?.split(separator: " ").first.map(String.init)
        }
        #expect(statuses == ["ok", "ok", "ok", "ok", "ok", "raised", "ok", "ok", "ok"], "\(statuses)\n\(stderr)")
        let text = String(decoding: outputData, as: UTF8.self) + stderr
        #expect(text.contains("user:      admin <admin@standin.test>"))
        #expect(text.contains("created, 0 updated, 0 unchanged"))
        #expect(text.contains("meminfo unreadable on the worker"))
        #expect(text.contains("already recorded: job "))
        #expect(text.contains("tied to windmill/f/homeops/system_health.flow: the same steps as ran"))
        #expect(text.range(of: #"check_disk +reused +key matches"#, options: .regularExpression) != nil)
        #expect(text.contains("check_memory               ran         failed before"))
        #expect(!text.contains(StandInServer.token))
        #expect(try server.violations() == [])
    }
}

/// Reads a file handle to its end on another thread.
final class ReadAll: @unchecked Sendable {
    // Written once by the reading thread before the semaphore is signalled.
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    func wait() -> Data {
        done.wait()
        return data
    }
}
