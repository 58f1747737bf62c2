import Foundation
import Testing

/// Runs the built `hops` binary as a user would, through pipes.
enum HopsProcess {
    struct Result {
        var status: Int32
        var output: String
        var error: String
        /// stdout as the bytes it was.
        var outputData = Data()
    }

    /// The repository root, found from this file's path.
    static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The built binary: `HOPS_BINARY`, else `.build/debug/hops` in the repository.
    static func binary() throws -> String {
        if let path = ProcessInfo.processInfo.environment["HOPS_BINARY"] { return path }
        let path = repositoryRoot.appendingPathComponent(".build/debug/hops").path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw HarnessError("no hops binary at \(path): run `swift build` (or `make test`) first, or set HOPS_BINARY")
        }
        return path
    }

    /// Runs hops with arguments and standard input, in this process's environment with `environment` over it.
    static func run(
        _ arguments: [String], input: String = "", environment: [String: String] = [:], currentDirectory: URL? = nil
    ) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try binary())
        process.arguments = arguments
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = nil
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        // Read both pipes before waiting, so a large output cannot block the child.
        let errorData = ReadInBackground(stderr.fileHandleForReading)
        let outputData = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, output: String(decoding: outputData, as: UTF8.self),
            error: String(decoding: errorData.wait(), as: UTF8.self), outputData: outputData)
    }

    /// A fresh temporary directory, removed by the caller.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("hops-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// Reads a file handle to its end on another thread.
final class ReadInBackground: @unchecked Sendable {
    // The data is written once by the reading thread before the semaphore is signalled.
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

struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
