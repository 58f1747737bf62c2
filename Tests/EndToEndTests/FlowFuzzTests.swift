import Foundation
import Testing

/// The flow loader, checker and dry-run under mutated real flows (`Tests/Fuzz/fuzz_flows.py`): a
/// fixed seed and a small count here, a larger run with `make fuzz`. Each input runs in a `hops`
/// process of its own, so a crash is a signal exit, a hang the time limit, memory the peak size.
@Suite(.serialized) struct FlowFuzzTests {
    static let fuzzer = HopsProcess.repositoryRoot.appendingPathComponent("Tests/Fuzz/fuzz_flows.py").path

    struct Summary: Decodable {
        struct Failure: Decodable {
            var kind: String
            var input: String
            var command: String
            var detail: String
        }

        var inputs: Int
        var runs: Int
        var crashes: Int
        var hangs: Int
        var over_memory: Int
        var peak_resident_kb: Int
        var failures: [Failure]
    }

    func fuzz(hops: String, seed: Int, count: Int, timeout: Double) throws -> (status: Int32, summary: Summary) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", Self.fuzzer, "--hops", hops, "--seed", String(seed), "--count", String(count), "--timeout", String(timeout), "--json",
        ]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, try JSONDecoder().decode(Summary.self, from: data))
    }

    @Test func mutatedFlowsNeitherCrashNorHangNorGrow() throws {
        let (status, summary) = try fuzz(hops: try HopsProcess.binary(), seed: 1, count: 40, timeout: 20)
        let report = summary.failures.map { "\($0.kind): \($0.input)\n  \($0.command)\n  \($0.detail)" }.joined(separator: "\n")
        #expect(summary.inputs == 40)
        #expect(summary.runs >= 3 * 40)
        #expect(summary.crashes == 0 && summary.hangs == 0 && summary.over_memory == 0, "\(report)")
        #expect(status == 0, "\(report)")
        #expect(summary.peak_resident_kb > 0 && summary.peak_resident_kb < 1024 * 1024)
    }

    /// The fuzzer itself tells a crash and a hang from a refusal: a stand-in `hops` that dies on an
    /// alias bomb and sleeps on deep nesting is caught at both.
    @Test func theFuzzerCatchesCrashesAndHangs() throws {
        let folder = try HopsProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let standIn = folder.appendingPathComponent("hops-stand-in")
        try """
            #!/bin/bash
            file="${@: -1}"; [ -d "$file" ] && file="$file/flow.yaml"
            grep -q x-bomb "$file" 2>/dev/null && kill -SEGV $$
            grep -q x-deep "$file" 2>/dev/null && exec sleep 60
            exit 1

            """.write(to: standIn, atomically: true, encoding: .utf8)
        chmod(standIn.path, 0o755)
        let (status, summary) = try fuzz(hops: standIn.path, seed: 3, count: 8, timeout: 1)
        #expect(status == 1)
        #expect(summary.crashes > 0 && summary.hangs > 0, "\(summary.crashes) crashes, \(summary.hangs) hangs")
        #expect(summary.failures.contains { $0.kind == "crash" && $0.input.contains("alias bomb") && $0.detail.contains("SIGSEGV") })
        #expect(summary.failures.contains { $0.kind == "hang" && $0.input.contains("nested") })
    }
}
