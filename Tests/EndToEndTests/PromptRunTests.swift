import Foundation
import Testing

/// Every action run at the prompt is a recorded step of the prompt session's run.
@Suite struct PromptRunTests {
    @Test func actionsAtThePromptAreRecordedAsStepsOfThePromptRun() throws {
        let directory = try HopsProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = directory.appendingPathComponent("runs.db").path
        let session = try HopsProcess.run(
            [], input: "let greeting = sh(\"echo hi\")\ngreeting.stdout\nlet failing = sh(\"echo no >&2; exit 3\")\nfailing.exit_code\n",
            environment: ["HOPS_STORE": store])
        #expect(session.status == 0, "\(session.error)")
        #expect(session.output == "\"hi\\n\"\n3\n")
        let shown = try HopsProcess.run(["show", "last", "--json"], environment: ["HOPS_STORE": store])
        #expect(shown.status == 0, "\(shown.error)")
        let run = try #require(try JSONSerialization.jsonObject(with: Data(shown.output.utf8)) as? [String: Any])
        #expect(run["kind"] as? String == "prompt")
        #expect(run["status"] as? String == "succeeded")
        let steps = try #require(run["steps"] as? [[String: Any]])
        #expect(steps.map { $0["id"] as? String } == ["sh-1", "sh-2"])
        #expect(steps.map { $0["runner"] as? String } == ["hops:sh", "hops:sh"])
        #expect((steps.first?["args"] as? [String]) == ["echo hi"])
        #expect(((steps.last?["result"] as? [String: Any])?["exit_code"] as? Int) == 3)
    }
}
