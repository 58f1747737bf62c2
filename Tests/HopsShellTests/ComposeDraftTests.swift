import HopsFlow
import HopsLang
import Testing
@testable import HopsShell

/// The pieces of composing at the prompt: words and values of `:add`/`:set`, drafts as flows,
/// and actions turned into steps with references.
@Suite struct ComposeDraftTests {
    @Test func wordsKeepQuotesBracketsAndExpressionsTogether() throws {
        let words = try DraftArguments.words(#"a x="two words" list=[1, 2] e=${{ steps.a.result > 1 }} o={"k": 1}"#)
        #expect(words == ["a", #"x="two words""#, "list=[1, 2]", "e=${{ steps.a.result > 1 }}", #"o={"k": 1}"#])
        #expect(throws: CommandError.self) { try DraftArguments.words(#"x="open"#) }
    }

    @Test func valuesAreExpressionsJSONOrText() throws {
        #expect(try DraftArguments.transform("${{ inputs.url }}") == .javascript(FlowExpression("inputs.url")))
        #expect(try DraftArguments.transform("host ${{ item }}!") == .javascript(FlowExpression("`host ${item}!`")))
        #expect(try DraftArguments.transform("3") == .static(.number(3)))
        #expect(try DraftArguments.transform(#""a b""#) == .static(.string("a b")))
        #expect(try DraftArguments.transform("plain") == .static(.string("plain")))
    }

    @Test func retryTimeoutAndBooleans() throws {
        #expect(try DraftArguments.retry("3") == Retry(constant: Retry.Constant(attempts: 3, seconds: 0)))
        #expect(try DraftArguments.retry("3x5s") == Retry(constant: Retry.Constant(attempts: 3, seconds: 5)))
        #expect(try DraftArguments.retry("4x1s*2") == Retry(exponential: Retry.Exponential(attempts: 4, multiplier: 2, seconds: 1)))
        #expect(try DraftArguments.retry("off") == nil)
        #expect(throws: CommandError.self) { try DraftArguments.retry("many") }
        #expect(try DraftArguments.seconds("2m", option: "timeout") == 120)
        #expect(try DraftArguments.bool("yes", option: "continue_on_error"))
    }

    @Test func aForEachStepBecomesALoopAsTheSeedReaderMakesIt() throws {
        let draft = FlowDraft(name: "ops/loop")
        var step = FlowDraft.Step(id: "each", script: "platform/check-http-endpoint.ts")
        step.arguments["url"] = .javascript(FlowExpression("item"))
        try ShellCommand.apply(option: "for_each", value: "${{ inputs.urls }}", to: &step)
        try ShellCommand.apply(option: "if", value: "${{ inputs.enabled }}", to: &step)
        draft.steps = [step]
        #expect(draft.category == "ops")
        let read = FlowLoader.read(text: draft.yaml, file: "loop.yaml")
        let flow = try #require(read.flow)
        #expect(flow == draft.flow)
        guard case .forLoop(let loop) = flow.modules[0].value else {
            Issue.record("expected a loop")
            return
        }
        #expect(loop.modules[0].id == "each_item")
    }

    @Test func argumentsFromEarlierResultsBecomeReferences() {
        let log = ActionLog()
        log.record(ActionLog.Call(name: "sh", arguments: [.string("df -h")], result: .object(ObjectValue([("stdout", .string("disk report text")), ("exit_code", .number(0))]))))
        log.statementSucceeded("let x = sh(\"df -h\")")
        log.record(ActionLog.Call(name: "http.post", arguments: [.string("http://127.0.0.1:9/hook"), .object(ObjectValue([("body", .string("disk report text"))]))], result: .object(ObjectValue([("status", .number(200))]))))
        log.statementSucceeded("http.post(url, {body: x.stdout})")
        log.record(ActionLog.Call(name: "sh", arguments: [.string("false")], result: .null))
        log.statementFailed()
        #expect(log.entries.count == 2)
        let (steps, notes) = ActionComposer.steps(from: log.entries)
        #expect(steps.map(\.id) == ["x", "http_post_1"])
        #expect(steps[1].script == "hops:http.post")
        #expect(steps[1].arguments["url"] == .static(.string("http://127.0.0.1:9/hook")))
        #expect(steps[1].arguments["body"] == .javascript(FlowExpression("steps.x.result.stdout")))
        #expect(notes == ["http_post_1.body = ${{ steps.x.result.stdout }}"])
    }

    @Test func bindingNamesFromLet() {
        #expect(ActionLog.binding(in: "let disk = sh('df')") == "disk")
        #expect(ActionLog.binding(in: "  const r=http.get(u)") == "r")
        #expect(ActionLog.binding(in: "sh('x')") == nil)
        #expect(ActionLog.binding(in: "let a == b") == nil)
    }
}
