import Foundation
import Testing

/// The flow commands at the prompt, fed through a pipe: load, inputs, step, inspect, run, reset.
@Suite struct FlowPromptTests {
    @Test func stepsThroughSystemHealthAndReadsResultsInExpressions() throws {
        let folder = try HopsProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let flow = FlowSupport.windmillPath("flows/monitoring/system-health.yaml")
        let input = """
            :load \(flow)
            :inputs max_load_per_cpu=100 disk_threshold=100 memory_threshold=100 disk_paths=["/"]
            :inputs
            :next
            typeof results.check_disk.mounts[0].used_percent
            steps.check_disk.result.mounts.length > 0
            :step check_memory
            typeof previous_result.used_percent
            flow_input.max_load_per_cpu
            :run
            steps.summarize.result.status
            :flow
            :reset
            Object.keys(results).length

            """
        let store = folder.appendingPathComponent("store.db").path
        let result = try HopsProcess.run([], input: input, environment: ["HOPS_STORE": store])
        #expect(result.status == 0, "\(result.error)")
        let output = result.output
        #expect(output.contains("flow system-health"))
        #expect(output.contains("check_disk  script platform/check-disk-usage.ts"))
        // The inputs table: names, defaults and the values set.
        #expect(output.contains("max_load_per_cpu"))
        #expect(output.contains("process_count"))
        #expect(output.contains("\"number\"\ntrue\n"))
        #expect(output.contains("\"number\"\n100\n"))
        #expect(output.contains("\"healthy\"\n"))
        // :flow shows every step's state, then :reset empties the results.
        #expect(output.contains("notify_degraded"))
        #expect(output.range(of: #"check_disk\s+ok \d+ ms"#, options: .regularExpression) != nil, "\(output)")
        #expect(output.range(of: #"notify_degraded\s+skipped"#, options: .regularExpression) != nil, "\(output)")
        #expect(output.contains("reset: the next step is check_disk\n0\n"))
        #expect(result.error.contains("check_disk … ok"))
        #expect(result.error.contains("flow succeeded"))
        // The run is in the store.
        let runs = try HopsProcess.run(["-e", "1"], environment: ["HOPS_STORE": store])
        #expect(runs.status == 0)
        #expect(FileManager.default.fileExists(atPath: store))
    }

    @Test func aFailingStepLeavesThePromptUsable() throws {
        let folder = try HopsProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = """
            :load \(FlowSupport.fixture("flows/fail-throws.yaml"))
            :next
            results.first.value * 6
            :next
            :next
            1 + 1
            :step first
            :flow

            """
        let result = try HopsProcess.run([], input: input, environment: ["HOPS_STORE": folder.appendingPathComponent("s.db").path])
        #expect(result.status == 1)
        #expect(result.output.contains("42\n"))
        #expect(result.error.contains("error: step broken: TypeError: disk on fire at /srv/data"), "\(result.error)")
        #expect(result.error.contains("checking /srv/data"))
        #expect(result.error.contains("the flow stopped at step broken"))
        #expect(result.output.contains("2\n"))
        #expect(result.output.range(of: #"broken\s+failed"#, options: .regularExpression) != nil, "\(result.output)")
        #expect(result.output.range(of: #"first\s+ok \d+ ms \(2 runs\)"#, options: .regularExpression) != nil, "\(result.output)")
    }

    @Test func aFlowThatDoesNotLoadIsReportedWithItsPlace() throws {
        let folder = try HopsProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("bad.yaml")
        try Data("summary: bad\nsteps:\n  - id: a\n    script: x.ts\n    if: ${{ 1 + }}\n".utf8).write(to: file)
        let result = try HopsProcess.run([], input: ":load \(file.path)\n:next\n\"still here\"\n")
        #expect(result.error.contains("\(file.path):5:"), "\(result.error)")
        #expect(result.error.contains("does not load"))
        #expect(result.error.contains("nothing to step through"))
        #expect(result.output == "\"still here\"\n")
    }
}
