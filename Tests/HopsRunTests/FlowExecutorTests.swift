import Foundation
import HopsFlow
import HopsLang
import HopsStore
import Testing

@testable import HopsRun

/// Small builders so each test reads as the flow it runs.
func bash(_ id: String, _ content: String, _ args: [(String, InputTransform)] = []) -> FlowModule {
    FlowModule(id: id, value: .rawScript(RawScript(content: content, language: "bash", inputTransforms: InputTransforms(args.map { ($0.0, $0.1) }))))
}

func deno(_ id: String, _ content: String, _ args: [(String, InputTransform)] = []) -> FlowModule {
    FlowModule(id: id, value: .rawScript(RawScript(content: content, language: "deno", inputTransforms: InputTransforms(args.map { ($0.0, $0.1) }))))
}

func python(_ id: String, _ content: String, _ args: [(String, InputTransform)] = []) -> FlowModule {
    FlowModule(id: id, value: .rawScript(RawScript(content: content, language: "python3", inputTransforms: InputTransforms(args.map { ($0.0, $0.1) }))))
}

func expr(_ text: String) -> InputTransform { .javascript(FlowExpression(text)) }

final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [ExecutionEvent] = []
    func append(_ event: ExecutionEvent) {
        lock.lock()
        events.append(event)
        lock.unlock()
    }
    var all: [ExecutionEvent] {
        lock.lock()
        defer { lock.unlock() }
        return events
    }
}

@Suite struct FlowExecutorTests {
    @Test func stepsSeeInputsAndEarlierResultsAcrossLanguages() throws {
        let repository = try TestRepository()
        defer { repository.remove() }
        let flow = Flow(
            inputs: [FlowInput(name: "name", defaultValue: .string("world")), FlowInput(name: "times")],
            modules: [
                deno("greet", "export function main(name: string) { return { text: `hello ${name}` }; }", [("name", expr("flow_input.name"))]),
                python("shout", "def main(text, times=1):\n    return text.upper() * times\n",
                       [("text", expr("results.greet.text")), ("times", expr("flow_input.times"))]),
                bash("count", "echo ${#1}", [("s", expr("previous_result"))]),
                FlowModule(id: "same", value: .identity),
            ])
        let result = FlowExecutor(flow: flow, runner: repository.runner()).run(inputs: object([("times", .number(2))]))
        #expect(result.status == .succeeded, "\(result.error.map { "\($0)" } ?? "")")
        #expect(json(result.result) == "22")
        #expect(result.steps.map(\.id) == ["greet", "shout", "count", "same"])
        #expect(json(result.steps[1].result) == #""HELLO WORLDHELLO WORLD""#)
    }

    @Test func parallelLoopOverlapsUpToItsParallelism() throws {
        let repository = try TestRepository()
        defer { repository.remove() }
        let body = python(
            "work", "import time\ndef main(x):\n    start = time.time()\n    time.sleep(0.6)\n    return {'x': x, 'start': start, 'end': time.time()}\n",
            [("x", expr("flow_input.iter.value * 10"))])
        let loop = FlowModule(
            id: "loop",
            value: .forLoop(ForLoop(iterator: expr("[1, 2, 3, 4]"), modules: [body], parallel: true, parallelism: .static(.number(2)))))
        let result = FlowExecutor(flow: Flow(modules: [loop]), runner: repository.runner()).run()
        #expect(result.status == .succeeded, "\(result.error.map { "\($0)" } ?? "")")
        guard case .array(let items)? = result.result else { Issue.record("no array"); return }
        #expect(items.count == 4)
        var intervals: [(Double, Double)] = []
        for (index, item) in items.enumerated() {
            guard case .object(let object) = item else { continue }
            #expect(json(object["x"]) == "\((index + 1) * 10)")
            intervals.append((object["start"]?.toNumber() ?? 0, object["end"]?.toNumber() ?? 0))
        }
        // At most two at a time, and some pair really overlapped.
        let maximumOverlap = intervals.map { point in intervals.filter { $0.0 <= point.0 && point.0 < $0.1 }.count }.max() ?? 0
        #expect(maximumOverlap == 2)
    }

    @Test func loopSkipFailuresKeepsGoingAndCollectsFailures() throws {
        let repository = try TestRepository()
        defer { repository.remove() }
        let body = bash("check", "if [ \"$1\" = 2 ]; then echo broken >&2; exit 1; fi; echo $1", [("n", expr("item"))])
        let loop = FlowModule(id: "each", value: .forLoop(ForLoop(iterator: expr("[1, 2, 3]"), modules: [body], skipFailures: true)))
        let after = FlowModule(id: "after", value: .identity)
        let result = FlowExecutor(flow: Flow(modules: [loop, bash("failed", "echo $1", [("n", expr("steps.each.failures.length"))]), after]), runner: repository.runner()).run()
        #expect(result.status == .succeeded)
        #expect(result.steps.first { $0.id == "each" }.map { json($0.result) }?.contains(#"[1,{"error""#) == true)
        #expect(json(result.result) == "1")
    }

    @Test func branchOneTakesTheFirstTrueBranchElseDefault() throws {
        let repository = try TestRepository()
        defer { repository.remove() }
        func flow() -> Flow {
            let branch = BranchOne(
                branches: [
                    .init(condition: FlowExpression("flow_input.n > 10"), modules: [bash("big", "echo big")]),
                    .init(condition: FlowExpression("flow_input.n > 5"), modules: [bash("medium", "echo medium")]),
                ],
                defaultModules: [bash("small", "echo small")])
            return Flow(modules: [FlowModule(id: "size", value: .branchOne(branch)), bash("then", "echo $1", [("s", expr("results.size"))])])
        }
        for (n, expected) in [(20.0, "big"), (7, "medium"), (1, "small")] {
            let result = FlowExecutor(flow: flow(), runner: repository.runner()).run(inputs: object([("n", .number(n))]))
            #expect(json(result.result) == "\"\(expected)\"")
        }
    }

    @Test func branchAllRunsEveryBranchAndSkipsAllowedFailures() throws {
        let repository = try TestRepository()
        defer { repository.remove() }
        let branch = BranchAll(
            branches: [
                .init(modules: [bash("a", "sleep 0.5; echo a")]),
                .init(skipFailure: true, modules: [bash("b", "exit 2")]),
                .init(modules: [bash("c", "sleep 0.5; echo c")]),
            ],
            parallel: true)
        let started = Date()
        let result = FlowExecutor(flow: Flow(modules: [FlowModule(id: "all", value: .branchAll(branch))]), runner: repository.runner()).run()
        #expect(result.status == .succeeded)
        #expect(json(result.result).hasPrefix(#"["a",{"error":"#))
        #expect(json(result.result).hasSuffix(#","c"]"#))
        #expect(Date().timeIntervalSince(started) < 1.0)
    }

    @Test func retriesWaitTheirDelayAndSucceed() throws {
        let repository = try TestRepository()
        defer { repository.remove() }
        let counter = repository.root + "/counter"
        var step = bash("flaky", "n=$(cat \(counter) 2>/dev/null || echo 0); n=$((n+1)); echo $n > \(counter); [ $n -ge 3 ] || exit 1; echo $n")
        step.retry = Retry(constant: .init(attempts: 3, seconds: 0.3))
        let events = EventLog()
        let started = Date()
        let result = FlowExecutor(
            flow: Flow(modules: [step]), runner: repository.runner(), options: ExecutionOptions(onEvent: { events.append($0) })
        ).run()
        #expect(result.status == .succeeded)
        #expect(json(result.result) == "3")
        #expect(result.steps.last?.attempts == 3)
        #expect(Date().timeIntervalSince(started) >= 0.6)
        let retries = events.all.filter { if case .stepRetrying = $0 { true } else { false } }
        #expect(retries.count == 2)
        #expect(FlowEngine.retryDelay(Retry(exponential: .init(attempts: 3, multiplier: 2, seconds: 1)), afterAttempt: 2) == 4)
    }

    @Test func timeoutKillsTheStepsProcessTree() throws {
        let repository = try TestRepository()
        defer { repository.remove() }
        let marker = repository.root + "/child.pid"
        var step = bash("hang", "sleep 30 & echo $! > \(marker); wait")
        step.timeout = .static(.number(1))
        let started = Date()
        let result = FlowExecutor(flow: Flow(modules: [step]), runner: repository.runner()).run()
        #expect(result.status == .failed)
        #expect(result.error?.kind == .timeout)
        #expect(result.error?.description == "step hang: timed out after 1s")
        #expect(Date().timeIntervalSince(started) < 5)
        let pid = try #require(pid_t(try String(contentsOfFile: marker, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(!processStaysAlive(pid), "the child of the timed-out process is gone")
    }

    @Test func continueOnErrorMakesTheErrorTheResult() throws {
        let repository = try TestRepository()
        defer { repository.remove() }
        var failing = deno("fails", "export function main() { throw new Error('disk full'); }")
        failing.continueOnError = true
        let next = bash("reads", "echo \"$1\"", [("m", expr("results.fails.error.message"))])
        let result = FlowExecutor(flow: Flow(modules: [failing, next]), runner: repository.runner()).run()
        #expect(result.status == .succeeded)
        #expect(json(result.result) == #""disk full""#)
        #expect(result.steps.first?.state == .failed)
    }

    @Test func failureModuleReceivesTheError() throws {
        let repository = try TestRepository()
        defer { repository.remove() }
        let failing = python("boom", "def main():\n    raise RuntimeError('no route to host')\n")
        let never = bash("never", "echo never")
        let handler = bash("on_failure", "echo \"$1 in $2\"", [("m", expr("error.message")), ("s", expr("error.step_id"))])
        let result = FlowExecutor(flow: Flow(modules: [failing, never], failureModule: handler), runner: repository.runner()).run()
        #expect(result.status == .failed)
        #expect(result.error?.stepID == "boom")
        #expect(result.error?.description.hasPrefix("step boom: RuntimeError: no route to host") == true)
        #expect(json(result.failureResult) == #""no route to host in boom""#)
        #expect(!result.steps.contains { $0.id == "never" })
    }

    @Test func skipIfStopAfterIfMockAndWhileLoop() throws {
        let repository = try TestRepository()
        defer { repository.remove() }
        var skipped = bash("skipped", "echo ran")
        skipped.skipIf = FlowExpression("flow_input.skip")
        var mocked = bash("mocked", "exit 1")
        mocked.mock = Mock(returnValue: .object(object([("fake", .bool(true))])))
        var counter = bash("tick", "echo $1", [("i", expr("flow_input.iter.index"))])
        counter.stopAfterIf = StopAfterIf(expression: FlowExpression("result >= 3"))
        let loop = FlowModule(id: "until", value: .whileLoop(WhileLoop(modules: [counter])))
        var stopper = bash("stopper", "echo 42")
        stopper.stopAfterIf = StopAfterIf(expression: FlowExpression("result == 42"))
        let flow = Flow(modules: [skipped, mocked, loop, stopper, bash("unreached", "echo no")])
        let result = FlowExecutor(flow: flow, runner: repository.runner()).run(inputs: object([("skip", .bool(true))]))
        #expect(result.status == .succeeded)
        #expect(result.stoppedEarly)
        #expect(json(result.result) == "42")
        #expect(result.steps.first { $0.id == "skipped" }?.state == .skipped)
        #expect(json(result.steps.first { $0.id == "mocked" }?.result) == #"{"fake":true}"#)
        #expect(json(result.steps.first { $0.id == "until" }?.result) == "[0,1,2,3]")
        #expect(!result.steps.contains { $0.id == "unreached" })
    }

    @Test func aMissingScriptNamesTheStep() throws {
        let repository = try TestRepository()
        defer { repository.remove() }
        let step = FlowModule(id: "ghost", value: .script(PathScript(path: "f/none/ghost")))
        let result = FlowExecutor(flow: Flow(modules: [step]), runner: repository.runner()).run()
        #expect(result.error?.description == "step ghost: script not found: f/none/ghost")
    }

    @Test func sessionRunsStepByStep() throws {
        let repository = try TestRepository()
        defer { repository.remove() }
        let flow = Flow(modules: [bash("one", "echo 1"), bash("two", "echo $(( $1 + 1 ))", [("p", expr("results.one"))]), bash("three", "echo 3")])
        let session = FlowSession(flow: flow, runner: repository.runner())
        #expect(session.nextStepID == "one")
        #expect(json(session.next()?.result) == "1")
        #expect(session.state(of: "one") == .succeeded)
        #expect(session.state(of: "two") == .pending)
        #expect(json(try session.runStep("two").result) == "2")
        #expect(json(session.bindings["results"]) == #"{"one":1,"two":2}"#)
        #expect(throws: RunError.self) { try session.runStep("nope") }
        let end = session.runToEnd()
        #expect(end.status == .succeeded)
        #expect(json(end.result) == "3")
        session.reset()
        #expect(session.nextStepID == "one")
        #expect(session.state(of: "one") == .pending)
    }

    @Test func storeRecordsStepsAndServesTheCache() throws {
        let repository = try TestRepository()
        defer { repository.remove() }
        let store = try RunStore.open(path: repository.root + "/.hops/hops.db")
        let counter = repository.root + "/count"
        var step = bash("cached", "echo x >> \(counter); echo \"$1\"; echo ${#1}", [("token", .static(.string("$var:api_token")))])
        step.cacheTTL = 60
        let flow = Flow(modules: [step])
        let runner = repository.runner(extraEnvironment: ["WM_VAR_API_TOKEN": "tok-secret-1"])
        let first = FlowExecutor(flow: flow, runner: runner, options: ExecutionOptions(store: store)).run()
        let second = FlowExecutor(flow: flow, runner: runner, options: ExecutionOptions(store: store)).run()
        #expect(json(first.result) == "12")
        #expect(json(second.result) == "12")
        #expect(second.steps.first?.state == .cached)
        #expect(try String(contentsOfFile: counter, encoding: .utf8) == "x\n")
        let runID = try #require(first.runID)
        let record = try #require(try store.run(runID))
        #expect(record.status == .succeeded)
        let stepRecord = try #require(record.steps.first)
        #expect(stepRecord.argsJSON == #"{"token":"$var:api_token"}"#)
        #expect(stepRecord.resultJSON?.contains("tok-secret-1") == false)
        #expect(stepRecord.stdout == "***\n12\n")

        // A result holding a secret is stored masked, so it is never served from the cache.
        var leaky = bash("leaky", "echo x >> \(counter); echo \"$1\"", [("token", .static(.string("$var:api_token")))])
        leaky.cacheTTL = 60
        for _ in 0..<2 {
            let run = FlowExecutor(flow: Flow(modules: [leaky]), runner: runner, options: ExecutionOptions(store: store)).run()
            #expect(json(run.result) == #""tok-secret-1""#)
        }
        #expect(try String(contentsOfFile: counter, encoding: .utf8) == "x\nx\nx\n")
    }

    @Test func cancellingStopsTheRunAndKillsTheStep() throws {
        let repository = try TestRepository()
        defer { repository.remove() }
        let cancellation = Cancellation()
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.5) { cancellation.cancel() }
        let started = Date()
        let flow = Flow(modules: [bash("long", "sleep 20"), bash("after", "echo no")])
        let result = FlowExecutor(flow: flow, runner: repository.runner(), options: ExecutionOptions(cancellation: cancellation)).run()
        #expect(result.status == .cancelled)
        #expect(Date().timeIntervalSince(started) < 5)
        #expect(!result.steps.contains { $0.id == "after" })
    }

    @Test func aMissingRequiredInputIsAClearError() throws {
        let repository = try TestRepository()
        defer { repository.remove() }
        let flow = Flow(inputs: [FlowInput(name: "folder", required: true)], modules: [bash("one", "echo 1")])
        let result = FlowExecutor(flow: flow, runner: repository.runner()).run()
        #expect(result.status == .failed)
        #expect(result.error?.message == "missing required input: folder")
        #expect(result.steps.isEmpty)
    }
}
