import Foundation
import Testing

/// Running flows through the binary: JSON output, fixture paths, a fresh store per test.
enum FlowSupport {
    static let windmill = HopsProcess.repositoryRoot.appendingPathComponent("windmill")
    static let fixtures = HopsProcess.repositoryRoot.appendingPathComponent("Tests/EndToEndTests/Fixtures/flows")

    /// `windmill/<relative>`.
    static func windmillPath(_ relative: String) -> String { windmill.appendingPathComponent(relative).path }

    /// `Tests/EndToEndTests/Fixtures/flows/<relative>`.
    static func fixture(_ relative: String) -> String { fixtures.appendingPathComponent(relative).path }

    /// Writes the wmill flow folder `<repository>/windmill/<path>.flow`: `yaml` as its `flow.yaml`,
    /// `files` (name → text) beside it; returns the folder's path.
    static func writeWmillFlow(
        _ path: String, _ yaml: String, files: [String: String] = [:], in repository: URL
    ) throws -> String {
        let folder = repository.appendingPathComponent("windmill/\(path).flow")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for (name, text) in files.merging(["flow.yaml": yaml], uniquingKeysWith: { $1 }) {
            try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        return folder.path
    }

    /// `hops flow run PATH -i … --json` with the store in `folder`; the JSON object it printed.
    static func runJSON(
        _ path: String, inputs: [String] = [], in folder: URL, environment: [String: String] = [:],
        options: [String] = []
    ) throws -> (HopsProcess.Result, [String: Any]) {
        var arguments = ["flow", "run", path, "--json", "--store", folder.appendingPathComponent("store.db").path]
        for input in inputs { arguments += ["-i", input] }
        arguments += options
        let result = try HopsProcess.run(arguments, environment: environment)
        let object = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any]
        return (result, try #require(object, "not one JSON object: \(result.output)\n\(result.error)"))
    }

    /// The report of step `id` at the top level (or at `place`) in a `--json` result.
    static func step(_ id: String, in object: [String: Any], place: String? = nil) -> [String: Any]? {
        let steps = object["steps"] as? [[String: Any]] ?? []
        return steps.last { $0["id"] as? String == id && ($0["place"] as? String) == place }
    }
}

/// A python3 http.server on a free loopback port, stopped by `stop()`.
final class LoopbackServer {
    let process = Process()
    let port: Int

    /// Serves `folder` on 127.0.0.1.
    init(serving folder: URL) throws {
        port = try Self.freePort()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-m", "http.server", "--bind", "127.0.0.1", "--directory", folder.path, String(port)]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Ready once it accepts a connection (asked from python: no URL loading in the test process).
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        probe.arguments = [
            "python3", "-c",
            "import socket, sys, time\nfor _ in range(100):\n    try:\n        socket.create_connection(('127.0.0.1', \(port)), 0.5).close(); sys.exit(0)\n    except OSError:\n        time.sleep(0.1)\nsys.exit(1)",
        ]
        try probe.run()
        probe.waitUntilExit()
        guard probe.terminationStatus == 0 else {
            stop()
            throw HarnessError("the loopback HTTP server did not start")
        }
    }

    func stop() {
        // SIGKILL: the test runner may start children with SIGTERM blocked.
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// A port nothing listens on at the moment of asking.
    static func freePort() throws -> Int {
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        probe.arguments = ["python3", "-c", "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"]
        let output = Pipe()
        probe.standardOutput = output
        try probe.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        probe.waitUntilExit()
        guard let port = Int(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw HarnessError("no free port")
        }
        return port
    }
}
