import CProcess
import Foundation
import HopsLang

@testable import HopsRun

/// A throw-away repository in a temporary folder, with hops's own stdlib and deno wired in.
struct TestRepository {
    let root: String

    /// The hops checkout these tests belong to, found from this file's path.
    static let hopsRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.path
    }()

    init(files: [String: String] = [:]) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("hops-test-\(UUID().uuidString)").path
        for (path, content) in files { try write(path, content) }
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    func write(_ path: String, _ content: String) throws {
        let file = root + "/" + path
        try FileManager.default.createDirectory(
            atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try content.write(toFile: file, atomically: true, encoding: .utf8)
    }

    var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["HOPS_STDLIB"] = Self.hopsRoot + "/stdlib"
        let bundled = Self.hopsRoot + "/tools/deno/bin/deno"
        if environment["HOPS_DENO"] == nil, FileManager.default.isExecutableFile(atPath: bundled) {
            environment["HOPS_DENO"] = bundled
        }
        // Shared across tests so Deno's cache is built once.
        environment["DENO_DIR"] = FileManager.default.temporaryDirectory.path + "/hops-test-deno-dir"
        return environment
    }

    func context(extraEnvironment: [String: String] = [:]) -> WorkspaceContext {
        WorkspaceContext(repositoryRoot: root, environment: environment.merging(extraEnvironment) { $1 })
    }

    func runner(extraEnvironment: [String: String] = [:]) -> ScriptRunner {
        ScriptRunner(context: context(extraEnvironment: extraEnvironment))
    }

    func remove() { try? FileManager.default.removeItem(atPath: root) }
}

func object(_ entries: [(String, Value)]) -> ObjectValue { ObjectValue(entries) }

func json(_ value: Value?) -> String { value?.canonicalJSON() ?? "nil" }

/// Whether `pid` still runs 10 s from now (a zombie waiting to be reaped has ended).
func processStaysAlive(_ pid: pid_t) -> Bool {
    // Waits on a pidfd for the end of the process, for 10 s at most.
    hops_wait_for_process_end(pid, 10_000) != 1
}
