import Foundation
import Testing

/// A flow's Windmill `dedicated_worker` field: without it (or true) the iterations of a loop share
/// one warm python3 process, as on a dedicated worker; `false` gives each step a process of its
/// own, as Windmill's ordinary workers and `--isolate` do.
@Suite(.serialized) struct DedicatedWorkerTests {
    /// The process ids a three-iteration loop's steps ran in, for a flow with `setting` at its top.
    func loopProcesses(setting: String) throws -> [Int] {
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
        let (result, object) = try FlowSupport.runJSON(folder, in: tree)
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

    @Test func dedicatedWorkerFalseGivesEveryStepItsOwnProcess() throws {
        #expect(Set(try loopProcesses(setting: "dedicated_worker: false")).count == 3)
    }
}
