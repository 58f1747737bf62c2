import HopsLang
import Testing

@testable import HopsShell

@Suite struct CommandTests {
    @Test func parsesColonCommands() throws {
        let invocation = try #require(CommandInvocation("  :time  xs.map(x => x * 2)  "))
        #expect(invocation.name == "time")
        #expect(invocation.arguments == "xs.map(x => x * 2)")
        #expect(CommandInvocation(":vars") == CommandInvocation(":vars "))
        #expect(CommandInvocation("a ? b : c") == nil)
        #expect(CommandInvocation(":") == nil)
    }

    @Test func findsCommandsByNameAndAlias() {
        let registry = CommandRegistry(ShellCommand.standard)
        #expect(registry.command(named: "quit")?.name == "quit")
        #expect(registry.command(named: "q")?.name == "quit")
        #expect(registry.command(named: "nope") == nil)
        #expect(Set(["help", "quit", "vars", "time", "mode"]).isSubset(of: Set(registry.allNames)))
    }

    @Test func registeringTheSameNameReplaces() {
        var registry = CommandRegistry(ShellCommand.standard)
        let count = registry.commands.count
        registry.register(ShellCommand(name: "vars", usage: ":vars", summary: "other") { _, _ in .continue })
        #expect(registry.commands.count == count)
        #expect(registry.command(named: "vars")?.summary == "other")
    }

    @Test func wordCompletionCompletesTheLastWord() {
        let shell = Shell()
        let completion = ShellCommand.words(["json", "table", "line"])(shell, "js")
        #expect(completion.wordLength == 2)
        #expect(completion.candidates.contains("json"))
    }

    @Test(arguments: [
        (0.0000123, "12.3 µs"), (0.5, "500 ms"), (2.0, "2.00 s"), (0.000000091, "91.0 ns"), (0.0012345, "1.23 ms"),
    ])
    func formatsDurations(seconds: Double, expected: String) {
        #expect(Timing.format(seconds) == expected)
    }

    @Test func timingSummaryReadsLikeTimeit() {
        let timing = Timing(perLoop: Array(repeating: 0.0000123, count: 7), loops: 1000)
        #expect(timing.summary == "12.3 µs ± 0 ns per loop (mean ± std. dev. of 7 runs, 1000 loops each)")
    }

    @Test func measuringRepeatsUntilARunIsLongEnough() throws {
        var calls = 0
        let timing = try Timing.measure(runs: 3, runTarget: 0.001) { calls += 1 }
        #expect(timing.perLoop.count == 3)
        #expect(timing.loops > 1)
        #expect(calls > timing.loops * 3)
    }

    @Test func commonPrefixAndColumns() {
        #expect(LineEditor.commonPrefix(["results", "resume", "rest"]) == "res")
        #expect(LineEditor.columns(["a", "bb", "c"], width: 8) == "a   bb\nc")
    }
}

@Suite struct CompletionTests {
    func shell() throws -> Shell {
        let shell = Shell()
        _ = try shell.interpreter.execute(
            SourceFile(name: "<test>", text: #"let results = {first: [1, 2], second: "x", "third-key": 3}"#))
        return shell
    }

    @Test func completesMembersOfAnObjectInScope() throws {
        let completion = try shell().completions(for: "results.fi")
        #expect(completion.wordLength == 2)
        #expect(completion.candidates.contains("first"))
        #expect(completion.candidates.contains("second"))
    }

    @Test func completesArrayMethodsThroughAPath() throws {
        let completion = try shell().completions(for: "1 + results.first.ma")
        #expect(completion.wordLength == 2)
        #expect(completion.candidates.contains("map"))
        #expect(try shell().completions(for: #"results["second"].toUp"#).candidates.contains("toUpperCase"))
    }

    @Test func completesVariablesGlobalsAndCommands() throws {
        let shell = try shell()
        let names = shell.completions(for: "[res")
        #expect(names.wordLength == 3 && names.candidates.contains("results"))
        #expect(shell.completions(for: "Ma").candidates.contains("Math"))
        #expect(shell.completions(for: "Math.fl").candidates.contains("floor"))
        let commands = shell.completions(for: ":ti")
        #expect(commands.wordLength == 3 && commands.candidates.contains(":time"))
        #expect(shell.completions(for: ":mode js").candidates.contains("json"))
        #expect(shell.completions(for: ":time results.se").candidates.contains("second"))
    }

    @Test func incompleteLinesWaitForMore() throws {
        let shell = try shell()
        #expect(shell.feed("let total = [1,") == .needsMore)
        #expect(shell.isContinuing)
        #expect(shell.feed("  2].length") == .done(failed: false))
        #expect(shell.interpreter.variable("total").map { Value.strictEquals($0, .number(2)) } == true)
        #expect(shell.feed(":quit") == .quit)
    }
}
