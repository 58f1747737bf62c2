import Foundation
import Testing

/// Progress of a flow run: a live status line on a terminal, plain lines in a pipe, and nothing
/// on standard output besides the `--json` document.
@Suite struct ProgressTests {
    @Test func inAPipeProgressIsPlainLinesOnStandardError() throws {
        let folder = try HopsProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (result, object) = try FlowSupport.runJSON(FlowSupport.fixture("parallel.flow"), in: folder)
        #expect(object["status"] as? String == "succeeded", "\(result.error)")
        #expect(!result.error.contains("\u{1B}"))
        let lines = result.error.split(separator: "\n")
        for index in 0..<4 {
            #expect(lines.contains { $0.range(of: #"^squares\[\#(index)\]/square … ok \d+ ms$"#, options: .regularExpression) != nil }, "\(result.error)")
        }
        #expect(lines.contains { $0.hasPrefix("both[1]/right … failed ") && $0.hasSuffix("right branch broke") })
    }

    @Test func onATerminalAStatusLineShowsTheRunningSteps() throws {
        let home = try HopsProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: home) }
        let outcome = try TerminalSession.run(
            [.expect("flow succeeded")],
            arguments: ["flow", "run", FlowSupport.fixture("parallel.flow"), "--store", home.appendingPathComponent("store.db").path],
            hopsHome: home)
        #expect(outcome.failure == nil, "\(outcome.transcript)")
        #expect(outcome.status == 0)
        // The status line (the escapes that redraw it are removed from the transcript) lists the
        // loop and the three squares it runs at once, each with its elapsed time.
        let status = #/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] squares \d+ ms, squares\[\d\]/square \d+ ms, squares\[\d\]/square \d+ ms \+1 more/#
        #expect(outcome.transcript.contains(status), "\(outcome.transcript)")
        #expect(outcome.transcript.contains("squares[3]/square … ok"))
    }

    @Test func aResumeOnATerminalShowsEachStepAsItIsReusedOrRun() throws {
        let home = try HopsProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: home) }
        let store = home.appendingPathComponent("store.db").path
        let (first, _) = try FlowSupport.runJSON(FlowSupport.fixture("parallel.flow"), in: home)
        #expect(first.status == 0, "\(first.error)")
        let outcome = try TerminalSession.run(
            [.expect("reused")], arguments: ["resume", "last", "--store", store], hopsHome: home)
        #expect(outcome.failure == nil, "\(outcome.transcript)")
        // The progress lines on standard error, then the resume's own summary on standard output.
        #expect(outcome.transcript.contains(/squares\[\d\]\/square … cached \d+ ms/), "\(outcome.transcript)")
        #expect(outcome.transcript.contains("total … cached"), "\(outcome.transcript)")
    }
}
