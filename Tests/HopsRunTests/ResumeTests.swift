import Foundation
import HopsFlow
import HopsLang
import HopsStore
import Testing

@testable import HopsRun

/// Resuming a recorded run: what is reused, what runs, and why.
@Suite struct ResumeTests {
    /// A repository and a fresh store, with a counter file that steps append to when they really run.
    struct Fixture {
        let repository: TestRepository
        let store: RunStore
        var counter: String { repository.root + "/counter" }
        var flag: String { repository.root + "/fixed" }

        init() throws {
            repository = try TestRepository()
            store = try RunStore.open(path: repository.root + "/store.db")
        }

        func run(_ flow: Flow, inputs: ObjectValue = ObjectValue(), resume: ResumeSource? = nil) -> FlowRunResult {
            var options = ExecutionOptions(store: store, runKind: resume == nil ? .flow : .resume)
            options.resume = resume
            return FlowExecutor(flow: flow, runner: repository.runner(), options: options).run(inputs: inputs)
        }

        func resume(_ result: FlowRunResult, fresh: Bool = false) throws -> ResumeSource {
            let id = try #require(result.runID)
            return try ResumeSource(store: store, original: RunID(id), fresh: fresh)
        }

        func counted() -> Int {
            ((try? String(contentsOfFile: counter, encoding: .utf8)) ?? "").split(separator: "\n").count
        }
    }

    /// Step `fetch` counts its runs; `check` fails until the flag file exists; `report` uses both.
    static func flow(counter: String, flag: String, checkScript: String? = nil) -> Flow {
        Flow(
            inputs: [FlowInput(name: "host", defaultValue: .string("nas"))],
            modules: [
                bash("fetch", "echo run >> \"$1\"; echo 40", [("counter", .static(.string(counter)))]),
                bash(
                    "check", checkScript ?? "test -f \"$1\" || { echo 'not fixed' >&2; exit 3; }; echo \"$(( $2 + 2 ))\"",
                    [("flag", .static(.string(flag))), ("value", expr("results.fetch"))]),
                bash("report", "echo \"$1:$2\"", [("host", expr("flow_input.host")), ("value", expr("results.check"))]),
            ])
    }

    @Test func reusesWhatSucceededAndRunsTheFailedStepAgain() throws {
        let fixture = try Fixture()
        defer { fixture.repository.remove() }
        let flow = Self.flow(counter: fixture.counter, flag: fixture.flag)
        let first = fixture.run(flow)
        #expect(first.status == .failed)
        #expect(fixture.counted() == 1)

        try "".write(toFile: fixture.flag, atomically: true, encoding: .utf8)
        let source = try fixture.resume(first)
        let second = fixture.run(flow, resume: source)
        #expect(second.status == .succeeded, "\(second.error.map { "\($0)" } ?? "")")
        #expect(json(second.result) == #""nas:42""#)
        #expect(fixture.counted() == 1, "fetch must not run again")
        #expect(second.steps.map(\.state) == [.cached, .succeeded, .succeeded])
        #expect(source.decision(stepID: "fetch", place: "")?.reason == "key matches")
        #expect(source.decision(stepID: "check", place: "")?.reason == "failed before")
        #expect(source.decision(stepID: "report", place: "")?.reason == "no record")

        // The new run is a resume linked to the original, with the reused step recorded as such.
        let secondID = try #require(second.runID)
        let record = try #require(try fixture.store.run(RunID(secondID)))
        #expect(record.kind == .resume)
        #expect(record.parent?.rawValue == first.runID)
        #expect(record.steps.map(\.status) == [.reused, .succeeded, .succeeded])
        #expect(record.steps[0].resultJSON == "40")

        // The JSON report has the shape of a flow run's, each step with reused and reason.
        let value = second.resumeValue(source)
        guard case .object(let object) = value, case .array(let steps)? = object["steps"],
            case .object(let fetch) = steps[0]
        else {
            Issue.record("unexpected shape: \(value)")
            return
        }
        #expect(json(fetch["reused"]) == "true")
        #expect(json(fetch["reason"]) == #""key matches""#)
        #expect(json(object["status"]) == #""succeeded""#)
    }

    @Test func tellsAChangedScriptFromChangedArguments() throws {
        let fixture = try Fixture()
        defer { fixture.repository.remove() }
        try "".write(toFile: fixture.flag, atomically: true, encoding: .utf8)
        let first = fixture.run(Self.flow(counter: fixture.counter, flag: fixture.flag))
        #expect(first.status == .succeeded)

        // The check script is edited: it runs again; report gets the same value and is reused.
        let edited = Self.flow(
            counter: fixture.counter, flag: fixture.flag, checkScript: "# edited\necho \"$(( $2 + 2 ))\"")
        let source = try fixture.resume(first)
        let second = fixture.run(edited, resume: source)
        #expect(second.status == .succeeded)
        #expect(source.decision(stepID: "check", place: "")?.reason == "script changed")
        #expect(source.decision(stepID: "report", place: "")?.reason == "key matches")

        // Another input: report's arguments differ.
        let third = try fixture.resume(second)
        let result = fixture.run(edited, inputs: object([("host", .string("router"))]), resume: third)
        #expect(json(result.result) == #""router:42""#)
        #expect(third.decision(stepID: "fetch", place: "")?.reused == true)
        #expect(third.decision(stepID: "report", place: "")?.reason == "arguments changed")
        #expect(fixture.counted() == 1)
    }

    @Test func freshRunsEverything() throws {
        let fixture = try Fixture()
        defer { fixture.repository.remove() }
        try "".write(toFile: fixture.flag, atomically: true, encoding: .utf8)
        let flow = Self.flow(counter: fixture.counter, flag: fixture.flag)
        let first = fixture.run(flow)
        let source = try fixture.resume(first, fresh: true)
        let second = fixture.run(flow, resume: source)
        #expect(second.status == .succeeded)
        #expect(fixture.counted() == 2)
        #expect(source.decision(stepID: "fetch", place: "")?.reason == "--fresh")
        #expect(second.steps.allSatisfy { $0.state == .succeeded })
    }

    @Test func reusesLoopIterationsWhoseKeysMatch() throws {
        let fixture = try Fixture()
        defer { fixture.repository.remove() }
        let body = bash("double", "echo run >> \"$1\"; echo $(( $2 * 2 ))", [
            ("counter", .static(.string(fixture.counter))), ("n", expr("flow_input.iter.value")),
        ])
        func flow(_ items: String) -> Flow {
            Flow(modules: [FlowModule(id: "each", value: .forLoop(ForLoop(iterator: expr(items), modules: [body])))])
        }
        let first = fixture.run(flow("[1, 2, 3]"))
        #expect(json(first.result) == "[2,4,6]")
        #expect(fixture.counted() == 3)
        let source = try fixture.resume(first)
        let second = fixture.run(flow("[1, 2, 5]"), resume: source)
        #expect(json(second.result) == "[2,4,10]")
        #expect(fixture.counted() == 4, "only the changed iteration runs")
        #expect(source.decision(stepID: "double", place: "each[0]")?.reused == true)
        #expect(source.decision(stepID: "double", place: "each[2]")?.reason == "arguments changed")
    }

    /// More reused steps than one write of the batch holds, then a step that runs: every reused row
    /// is in the store, in the flow's order, before the row of the step that ran after them.
    @Test func manyReusedStepsAreRecordedInOrderBeforeTheStepThatRuns() throws {
        let fixture = try Fixture()
        defer { fixture.repository.remove() }
        let count = ReusedStepBatch.rowsPerWrite * 2 + 37
        let body = bash("double", "echo $(( $1 * 2 ))", [("n", expr("flow_input.iter.value"))])
        let flow = Flow(modules: [
            FlowModule(id: "each", value: .forLoop(ForLoop(iterator: expr("Array.from({length: \(count)}, (_, i) => i)"), modules: [body]))),
            bash("last", "test -f \"$1\" || exit 3; echo done", [("flag", .static(.string(fixture.flag)))]),
        ])
        let first = fixture.run(flow)
        #expect(first.status == .failed)
        try "".write(toFile: fixture.flag, atomically: true, encoding: .utf8)
        let second = fixture.run(flow, resume: try fixture.resume(first))
        #expect(second.status == .succeeded, "\(second.error.map { "\($0)" } ?? "")")

        let secondID = try #require(second.runID)
        let record = try #require(try fixture.store.run(RunID(secondID)))
        let iterations = record.steps.filter { $0.stepID == "double" }
        #expect(iterations.count == count)
        #expect(iterations.allSatisfy { $0.status == .reused })
        #expect(iterations.map(\.place) == (0..<count).map { "each[\($0)]" })
        #expect(record.steps.last?.stepID == "last")
        #expect(record.steps.last?.status == .succeeded)
        #expect(record.steps.map(\.sequence) == Array(1...record.steps.count))
    }
}
