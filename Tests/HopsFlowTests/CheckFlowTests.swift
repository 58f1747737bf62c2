import Foundation
import Testing
@testable import HopsFlow

@Suite struct CheckFlowTests {
    static let tree = TestPaths.testsFolder.appendingPathComponent("CheckFixtures/tree").path
    static let flows = (tree as NSString).appendingPathComponent("windmill/flows/monitoring")
    let now = ISO8601DateFormatter().date(from: "2025-03-10T10:07:30Z")!

    @Test func cleanFlowHasNoFindingsAndShowsNextFireTimes() throws {
        let report = FlowChecker.check(path: (Self.flows as NSString).appendingPathComponent("system-health.yaml"), now: now)
        #expect(report.diagnostics.isEmpty, "\(report.rendered())")
        let schedule = try #require(report.schedule)
        #expect(schedule.formattedTimes == [
            "Mon 2025-03-10 11:15:00 +01:00", "Mon 2025-03-10 11:30:00 +01:00", "Mon 2025-03-10 11:45:00 +01:00",
        ])
        #expect(report.rendered().contains("note: schedule '0 */15 * * * *' (Europe/Paris) next fires: Mon 2025-03-10 11:15:00 +01:00"))
    }

    @Test func brokenFlowFindingsPointIntoTheYAML() throws {
        let file = (Self.flows as NSString).appendingPathComponent("broken.yaml")
        let report = FlowChecker.check(path: file, now: now)
        let lines = report.diagnostics.map { $0.description.replacingOccurrences(of: file, with: "broken.yaml") }
        let expected = [
            "broken.yaml:2:14: error: invalid cron expression '0 61 * * *': value 61 is out of range for the hours field (0-23)",
            "broken.yaml:5:5: error: input 'retries' has unknown type 'integr' (expected one of string, number, integer, boolean, array, object)",
            "broken.yaml:8:5: error: the default of input 'limit' is a string, not of its type number",
            "broken.yaml:11:5: error: the default of input 'api_token' holds what looks like a GitHub token; use $var:path or $res:path (a Windmill variable or resource) instead of a literal",
            "broken.yaml:16:22: error: steps.alert in argument 'threshold' of step 'disk' refers to step 'alert', which runs after this step (step 4 of 4)",
            "broken.yaml:17:7: error: step 'disk' passes 'volume', which main of 'platform/check-disk.ts' does not take (parameters: threshold, mount)",
            "broken.yaml:19:5: error: script 'platform/missing.py' of step 'memory' does not exist under \((Self.tree as NSString).appendingPathComponent("windmill/scripts"))",
            "broken.yaml:23:20: error: steps.nope in argument 'channel' of step 'report' refers to an unknown step 'nope' (steps: disk, memory, report, alert)",
            "broken.yaml:24:39: error: invalid expression in argument 'message' of step 'report': unexpected end of input, expected an expression",
            "broken.yaml:25:14: error: argument 'token' of step 'report' holds what looks like a Slack token; use $var:path or $res:path (a Windmill variable or resource) instead of a literal",
            "broken.yaml:26:9: error: step 'alert' does not pass 'channel', a required parameter of main of 'platform/alert.ts' (line 1)",
            "broken.yaml:29:20: warning: unknown name 'item' in argument 'message' of step 'alert'; 'item' is only defined in the arguments of a for_each step",
            "broken.yaml:30:7: error: step 'alert' passes 'password', which main of 'platform/alert.ts' does not take (parameters: channel, message, token)",
            "broken.yaml:30:17: error: argument 'password' of step 'alert' holds a literal secret; use $var:path or $res:path (a Windmill variable or resource) instead of a literal",
        ]
        #expect(lines == expected)
        // The secret itself never appears in a message.
        #expect(report.diagnostics.allSatisfy { !$0.message.contains("hunter2") && !$0.message.contains("xoxb-") })
        #expect(!lines.joined().contains("ghp_abcdefghijklmnopqrstuvwxyz0123456789"))
        #expect(report.hasErrors)
        #expect(report.schedule == nil)
    }

    @Test func windmillReferencesToLaterStepsAndLoopScope() throws {
        let yaml = """
            summary: order
            value:
              modules:
                - id: first
                  value:
                    type: rawscript
                    language: python3
                    content: |
                      def main(x, y=1):
                          return x
                    input_transforms:
                      x:
                        type: javascript
                        expr: results.fetch.items
                      z:
                        type: javascript
                        expr: flow_input.iter.value
                - id: fetch
                  value:
                    type: forloopflow
                    iterator:
                      type: javascript
                      expr: results.first
                    modules:
                      - id: inner
                        value:
                          type: identity
                        skip_if:
                          expr: flow_input.iter.index > 2 && results.fetch
            schema:
              type: object
              properties: {}
            """
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("check-\(UUID().uuidString).flow")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("flow.yaml").path
        try yaml.write(toFile: file, atomically: true, encoding: .utf8)
        let lines = FlowChecker.check(path: file, now: now).diagnostics.map { $0.description.replacingOccurrences(of: file, with: "flow.yaml") }
        #expect(lines.contains("flow.yaml:14:19: error: results.fetch in argument 'x' of step 'first' refers to step 'fetch', which runs after this step (step 2 of 3)"), "\(lines)")
        #expect(lines.contains("flow.yaml:15:11: error: step 'first' passes 'z', which main of the inline python3 script does not take (parameters: x, y)"), "\(lines)")
        #expect(lines.contains("flow.yaml:17:19: error: flow_input.iter in argument 'z' of step 'first' is only defined inside a for-loop"), "\(lines)")
        #expect(lines.contains { $0.hasPrefix("flow.yaml:29:50: error: results.fetch in skip_if of step 'inner' refers to step 'fetch', which contains this step") }, "\(lines)")
        #expect(lines.count == 4, "\(lines)")
    }
}
