import Foundation
import Testing

@testable import HopsStore

/// A fresh temporary folder for one test, removed when the fixture goes away.
final class StoreFixture {
    let folder: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("hops-store-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    /// `<folder>/.hops/hops.db`, as in a repository.
    var storePath: String { folder.appendingPathComponent(".hops/hops.db").path }

    func open(secrets: [String] = []) throws -> RunStore {
        try RunStore.open(path: storePath, redactor: SecretRedactor(secrets: secrets))
    }

    /// The bytes of the store file and its write-ahead log, if any.
    func storeBytes() -> Data {
        [storePath, storePath + "-wal"].reduce(into: Data()) { bytes, file in
            bytes.append(FileManager.default.contents(atPath: file) ?? Data())
        }
    }

    /// Runs the `sqlite3` command-line shell on `path` with `sql`.
    @discardableResult
    func sqlite3(_ path: String, _ sql: String) throws -> String {
        let result = try run("/usr/bin/env", ["sqlite3", path, sql])
        #expect(result.status == 0, "sqlite3 failed: \(result.stderr)")
        return result.stdout
    }

    /// Runs a program to completion and returns its status and output.
    func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let outData = output.fileHandleForReading.readDataToEndOfFile()
        let errData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (
            process.terminationStatus, String(decoding: outData, as: UTF8.self),
            String(decoding: errData, as: UTF8.self)
        )
    }

    /// Writes a python3 script into the folder and returns its path.
    func script(_ name: String, _ source: String) throws -> String {
        let url = folder.appendingPathComponent(name)
        try source.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }
}

/// Reads one line from a child's stdout (blocking), without the newline.
func readLine(from handle: FileHandle) -> String {
    var line = Data()
    while true {
        guard let byte = try? handle.read(upToCount: 1), !byte.isEmpty else { break }
        if byte == Data("\n".utf8) { break }
        line.append(byte)
    }
    return String(decoding: line, as: UTF8.self)
}
