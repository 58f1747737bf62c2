import Foundation
import Testing

/// A flow's Windmill `dedicated_worker` field: without it (or true) the iterations of a loop share
/// one warm python3 process, as on a dedicated worker; `false` gives each step a process of its
/// own, as Windmill's ordinary workers and `--isolate` do.
@Suite(.serialized) struct DedicatedWorkerTests {
    /// The process ids a three-iteration loop's steps ran in, for a flow with `setting` at its top.
    func loopProcesses(setting: String, options: [String] = []) throws -> [Int] {
        let tree = try HopsProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tree) }
        let folder = try FlowSupport.writeWmillFlow(
            "f/p/pids",
            """
            summary: the process of each iteration
            \(setting)
            value:
              modules:
                - id: each
                  value:
                    type: forloopflow
                    iterator:
                      type: javascript
                      expr: '[1, 2, 3]'
                    skip_failures: false
                    modules:
                      - id: pid
                        value:
                          type: rawscript
                          language: python3
                          content: "import os\\ndef main():\\n    return os.getpid()\\n"
                          input_transforms: {}
            schema:
              type: object
              properties: {}

            """, in: tree)
        let (result, object) = try FlowSupport.runJSON(folder, in: tree, options: options)
        #expect(result.status == 0, "\(result.error)")
        #expect(!result.error.contains("warning"), "\(result.error)")
        let pids = try #require(FlowSupport.step("each", in: object)?["result"] as? [Int], "\(result.output)")
        #expect(pids.count == 3)
        return pids
    }

    @Test func aLoopSharesOneWarmProcessByDefault() throws {
        #expect(Set(try loopProcesses(setting: "")).count == 1)
        #expect(Set(try loopProcesses(setting: "dedicated_worker: true")).count == 1)
    }

    /// `hops flow run PATH` starts the flow's runtimes before its arguments are parsed; an option
    /// after PATH that changes how steps run still has its say.
    @Test func isolateAfterTheFlowPathGivesEveryStepItsOwnProcess() throws {
        #expect(Set(try loopProcesses(setting: "", options: ["--isolate"])).count == 3)
    }

    /// A usage error after PATH is reported as without the early start, and the runtime it
    /// started does not keep hops waiting.
    @Test func aUsageErrorAfterTheFlowPathIsReported() throws {
        let tree = try HopsProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tree) }
        let folder = try FlowSupport.writeWmillFlow(
            "f/p/one",
            """
            summary: one python3 step
            value:
              modules:
                - id: one
                  value:
                    type: rawscript
                    language: python3
                    content: "def main():\n    return 1\n"
                    input_transforms: {}
            schema:
              type: object
              properties: {}

            """, in: tree)
        let result = try HopsProcess.run(["flow", "run", folder, "--jsn"])
        #expect(result.status == 2)
        #expect(result.error.contains("--jsn"), "\(result.error)")
        #expect(result.output.isEmpty)
    }

    @Test func dedicatedWorkerFalseGivesEveryStepItsOwnProcess() throws {
        #expect(Set(try loopProcesses(setting: "dedicated_worker: false")).count == 3)
    }
}
