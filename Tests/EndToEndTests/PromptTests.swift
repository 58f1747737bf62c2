import Foundation
import Testing

@Suite(.serialized) struct PromptTests {
    @Test func incompleteLineShowsTheContinuationPrompt() throws {
        let home = try HopsProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: home) }
        let outcome = try TerminalSession.run(
            [
                .expect("hops> "), .send("[1,\r"), .expect("...> "), .send("2][1] * 21\r"), .expect("42\n"),
                .expect("hops> "),
            ], hopsHome: home)
        #expect(outcome.failure == nil, "\(outcome.transcript)")
        #expect(outcome.status == 0)
    }

    @Test func historyIsRecalledAfterARestart() throws {
        let home = try HopsProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: home) }
        let first = try TerminalSession.run(
            [.expect("hops> "), .send("6 * 7\r"), .expect("42"), .expect("hops> ")], hopsHome: home)
        #expect(first.failure == nil, "\(first.transcript)")
        // libedit's history file: a header line, then one line per entry with spaces encoded.
        let history = try String(contentsOf: home.appendingPathComponent("history"), encoding: .utf8)
        #expect(history.hasPrefix("_HiStOrY_V2_\n"))
        #expect(history.contains("6\\040*\\0407") || history.contains("6 * 7"))
        // Up arrow recalls the line of the earlier session; Enter runs it again.
        let second = try TerminalSession.run(
            [.expect("hops> "), .send("\u{1B}[A"), .expect("6 * 7"), .send("\r"), .expect("42"), .expect("hops> ")],
            hopsHome: home)
        #expect(second.failure == nil, "\(second.transcript)")
    }

    @Test func tabCompletesAVariableAndAMember() throws {
        let home = try HopsProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: home) }
        let outcome = try TerminalSession.run(
            [
                .expect("hops> "), .send("let results = {first: 11, second: 2}\r"), .expect("hops> "),
                .send("resu\t"), .expect("results"), .send(".fi\t"), .expect("first"), .send("\r"), .expect("11\n"),
                .expect("hops> "), .send(":mod\t"), .expect(":mode"), .send(" js\t"), .expect("json"), .send("\r"),
                .expect("hops> "),
            ], hopsHome: home)
        #expect(outcome.failure == nil, "\(outcome.transcript)")
    }

    @Test func ctrlCAbandonsTheLineAndTheShellSurvives() throws {
        let home = try HopsProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: home) }
        let outcome = try TerminalSession.run(
            [
                .expect("hops> "), .send("[1, 2,\r"), .expect("...> "), .send("3"), .send("\u{03}"),
                .expect("hops> "), .send("\"still here\"\r"), .expect("\"still here\"\n"), .expect("hops> "),
            ], hopsHome: home)
        #expect(outcome.failure == nil, "\(outcome.transcript)")
        #expect(outcome.status == 0)
    }

    @Test func ctrlCStopsALongEvaluation() throws {
        let home = try HopsProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: home) }
        let outcome = try TerminalSession.run(
            [
                .expect("hops> "), .send("let big = \"x\".repeat(3000).split(\"\")\r"), .expect("hops> "),
                .send("big.map(c => big.map(d => 1).length).length\r"), .send("\u{03}"),
                .expect("<prompt>:1:"), .expect("interrupted"), .expect("hops> "), .send("6 * 7\r"), .expect("42\n"),
            ], hopsHome: home)
        #expect(outcome.failure == nil, "\(outcome.transcript)")
        #expect(outcome.status == 0)
    }

    @Test func errorsKeepThePromptAndUnderscoreIsTheLastResult() throws {
        let home = try HopsProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: home) }
        let outcome = try TerminalSession.run(
            [
                .expect("hops> "), .send("nope.x\r"), .expect("<prompt>:1:"), .expect("hops> "),
                .send("20 + 1\r"), .expect("21\n"), .send("_ * 2\r"), .expect("42\n"), .send(":vars\r"),
                .expect("│ _    │ number │ 42"), .send(":quit\r"),
            ], hopsHome: home)
        #expect(outcome.failure == nil, "\(outcome.transcript)")
        #expect(outcome.status == 0)
    }
}

/// Ctrl-C at the prompt while a loaded flow's step runs, or waits out its retry delay: the wait
/// ends at once (the watcher and the delay wake on the signal, nothing polls) and the prompt stays.
@Suite(.serialized) struct PromptStepInterruptTests {
    /// A wmill flow folder in `tree` whose one module is `module` (YAML, indented for `modules:`).
    func flow(in tree: URL, _ module: String) throws -> String {
        try FlowSupport.writeWmillFlow(
            "f/p/wait", "summary: waits\nvalue:\n  modules:\n\(module)schema:\n  type: object\n  properties: {}\n",
            in: tree)
    }

    func interrupt(_ module: String) throws {
        let tree = try HopsProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tree) }
        let path = try flow(in: tree, module)
        let outcome = try TerminalSession.run(
            [
                .expect("hops> "), .send(":load \(path)\r"), .expect("hops> "), .send(":next\r"), .expect("wait"),
                .send("\u{03}"), .expect("wait … interrupted"), .expect("error: step wait: cancelled"),
                .expect("hops> "), .send("6 * 7\r"),
                .expect("42\n"),
            ], hopsHome: tree)
        #expect(outcome.failure == nil, "\(outcome.transcript)")
        #expect(outcome.status == 0)
    }

    @Test func ctrlCEndsARunningStep() throws {
        try interrupt(
            """
                - id: wait
                  value:
                    type: rawscript
                    language: bash
                    content: sleep 600

            """)
    }

    @Test func ctrlCEndsARetryDelay() throws {
        try interrupt(
            """
                - id: wait
                  retry:
                    constant:
                      attempts: 3
                      seconds: 3600
                  value:
                    type: rawscript
                    language: bash
                    content: exit 3

            """)
    }
}
