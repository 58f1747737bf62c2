import Foundation
import Testing

/// Each way a step can fail, through `hops flow run`: the step is named, the error and the tail of
/// stderr are shown, the steps before it keep their results, and the steps after it do not run.
@Suite struct FlowFailureTests {
    struct Case: CustomStringConvertible, Sendable {
        var flow: String
        /// What the error message says.
        var message: String
        /// What the step wrote to stderr before failing; nil when it never ran.
        var stderr: String?

        var description: String { flow }
    }

    static let cases = [
        Case(flow: "fail-exit-status.yaml", message: "exit", stderr: "cannot reach the backup disk"),
        Case(flow: "fail-throws.yaml", message: "disk on fire at /srv/data", stderr: "checking /srv/data"),
        Case(flow: "fail-hangs.yaml", message: "timed out", stderr: "about to hang"),
        Case(flow: "fail-not-json.yaml", message: "not JSON", stderr: "returning a set"),
        Case(flow: "fail-missing-script.yaml", message: "does-not-exist.ts", stderr: nil),
        Case(flow: "fail-no-main.yaml", message: "main", stderr: nil),
    ]

    @Test(arguments: cases)
    func aFailingStepIsNamedWithItsErrorAndStderr(_ failure: Case) throws {
        let folder = try HopsProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = FlowSupport.fixture("flows/\(failure.flow)")
        let store = folder.appendingPathComponent("store.db").path
        let plain = try HopsProcess.run(["flow", "run", path, "--store", store])
        #expect(plain.status == 1, "\(plain.error)")
        #expect(plain.error.contains("error: step broken: "), "\(plain.error)")
        #expect(plain.error.lowercased().contains(failure.message.lowercased()), "\(plain.error)")
        if let stderr = failure.stderr {
            #expect(plain.error.contains("stderr:"), "\(plain.error)")
            #expect(plain.error.contains(stderr), "\(plain.error)")
        }
        #expect(plain.error.contains("first … ok"))
        #expect(plain.error.contains("broken … failed"))
        #expect(!plain.error.contains("never …"))

        let (json, object) = try FlowSupport.runJSON(path, in: folder)
        #expect(json.status == 1)
        #expect(object["status"] as? String == "failed")
        #expect((FlowSupport.step("first", in: object)?["result"] as? [String: Any])?["value"] as? Int == 7)
        let broken = try #require(FlowSupport.step("broken", in: object))
        #expect(broken["status"] as? String == "failed")
        let error = try #require(broken["error"] as? [String: Any])
        #expect((error["message"] as? String)?.lowercased().contains(failure.message.lowercased()) == true, "\(error)")
        #expect(FlowSupport.step("never", in: object) == nil)
    }

    @Test func aTimeoutKillsTheWholeProcessTree() throws {
        let folder = try HopsProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        // A duration of this run's own, so that no other process on the machine is mistaken for its child.
        let seconds = "61.\(Int.random(in: 1000...9999))"
        let started = Date()
        let result = try HopsProcess.run(
            ["flow", "run", FlowSupport.fixture("flows/fail-hangs.yaml"), "-i", "seconds=\(seconds)",
             "--store", folder.appendingPathComponent("s.db").path])
        #expect(result.status == 1)
        #expect(Date().timeIntervalSince(started) < 40)
        // The script's own child (`sleep 61.NNNN`) went with it.
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        check.arguments = ["pgrep", "-f", "sleep \(seconds)"]
        check.standardOutput = FileHandle.nullDevice
        try check.run()
        check.waitUntilExit()
        #expect(check.terminationStatus == 1, "a sleep \(seconds) process outlived the timeout")
    }

    @Test func loopsAndBranchesRunInParallel() throws {
        let folder = try HopsProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (result, object) = try FlowSupport.runJSON(FlowSupport.fixture("parallel.flow"), in: folder)
        #expect(result.status == 0, "\(result.error)")
        let squares = try #require(FlowSupport.step("squares", in: object)?["result"] as? [[String: Any]])
        #expect(squares.map { $0["square"] as? Int } == [1, 4, 9, 16])
        // With parallelism 3, some iteration starts before another has ended.
        let spans = squares.compactMap { item -> (Double, Double)? in
            guard let start = item["started"] as? Double, let end = item["ended"] as? Double else { return nil }
            return (start, end)
        }
        #expect(spans.count == 4)
        let overlapping = spans.indices.contains { i in
            spans.indices.contains { j in i != j && spans[j].0 < spans[i].1 && spans[j].0 >= spans[i].0 }
        }
        #expect(overlapping, "no two iterations ran at the same time: \(spans)")
        #expect(FlowSupport.step("total", in: object)?["result"] as? Int == 30)
        #expect(FlowSupport.step("size", in: object)?["result"] as? String == "big")
        #expect(FlowSupport.step("small", in: object, place: "size[default]") == nil)
        let both = try #require(FlowSupport.step("both", in: object)?["result"] as? [Any])
        #expect(both.first as? String == "left")
        #expect(object["status"] as? String == "succeeded")
    }

    @Test func aFlowThatDoesNotLoadExitsWith2AndItsPlace() throws {
        let folder = try HopsProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("bad.yaml")
        try Data("summary: bad\nsteps:\n  - id: a\n    script: x.ts\n    if: ${{ 1 + }}\n".utf8).write(to: file)
        let result = try HopsProcess.run(["flow", "run", file.path, "--store", folder.appendingPathComponent("s.db").path])
        #expect(result.status == 2, "\(result.error)")
        #expect(result.error.contains("\(file.path):5:"), "\(result.error)")
        #expect(result.output.isEmpty)
    }

    @Test func aMissingRequiredInputFails() throws {
        let folder = try HopsProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try HopsProcess.run(
            ["flow", "run", FlowSupport.windmillPath("flows/maintenance/cleanup-old-logs.yaml"), "--store", folder.appendingPathComponent("s.db").path])
        #expect(result.status == 1)
        #expect(result.error.contains("missing required input: folder"), "\(result.error)")
    }
}

/// `hops flow show` prints every flow of the corpus of real Windmill flows without crashing.
@Suite struct FlowShowTests {
    static let corpus = HopsProcess.repositoryRoot.appendingPathComponent("Tests/Fixtures/windmill-flows")

    @Test func everyCorpusFlowPrintsAsATree() throws {
        let root = ProcessInfo.processInfo.environment["HOPS_CORPUS"].map { URL(fileURLWithPath: $0) } ?? Self.corpus
        let files = FileManager.default.enumerator(atPath: root.path)?.compactMap { $0 as? String } ?? []
        let flows = files.filter { $0.hasSuffix("flow.yaml") }.map { root.appendingPathComponent($0).deletingLastPathComponent().path }
        try #require(flows.count >= 8, "the corpus of Windmill flows is missing at \(root.path)")
        for flow in flows.sorted() {
            let result = try HopsProcess.run(["flow", "show", flow])
            #expect(result.status == 0 || result.status == 2, "\(flow): \(result.status) \(result.error)")
            if result.status == 0 {
                #expect(result.output.hasPrefix("flow "), "\(flow)")
            } else {
                #expect(result.error.contains("error:"), "\(flow)")
            }
        }
    }

    @Test func showsTheRepositoryFlows() throws {
        let result = try HopsProcess.run(["flow", "show", FlowSupport.windmillPath("flows/monitoring/system-health.yaml")])
        #expect(result.status == 0)
        #expect(result.output.contains("check_disk  script platform/check-disk-usage.ts"))
        #expect(result.output.contains("notify_degraded"))
    }
}
