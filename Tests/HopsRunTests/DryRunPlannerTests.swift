import Foundation
import HopsFlow
import HopsLang
import HopsStore
import Testing
@testable import HopsRun

/// The dry-run planner: results from mocks, from the store's cache, or unknown; nothing executes.
@Suite struct DryRunPlannerTests {
    /// A repository with a bash script that appends a line to a counter file each time it runs.
    func makeRepository() throws -> (root: String, counter: String) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("dryrun-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root + "/windmill/scripts", withIntermediateDirectories: true)
        let counter = root + "/runs.txt"
        try """
            #!/bin/bash
            echo ran >> "\(counter)"
            echo "{\\"greeting\\": \\"hello $1\\"}"
            """.write(toFile: root + "/windmill/scripts/greet.sh", atomically: true, encoding: .utf8)
        return (root, counter)
    }

    func flow(name: String) -> Flow {
        let greet = FlowModule(
            id: "greet",
            value: .script(PathScript(path: "greet.sh", inputTransforms: InputTransforms([("name", .javascript(FlowExpression("inputs.name")))]))))
        let shout = FlowModule(
            id: "shout", value: .script(PathScript(path: "greet.sh", inputTransforms: InputTransforms([("name", .static(.string("again")))]))),
            skipIf: FlowExpression("!steps.greet.result.greeting.startsWith('hello')"))
        return Flow(name: name, inputs: [FlowInput(name: "name", type: "string", required: true)], modules: [greet, shout], format: .seed)
    }

    func runCount(_ counter: String) -> Int {
        ((try? String(contentsOfFile: counter, encoding: .utf8)) ?? "").split(separator: "\n").count
    }

    @Test func aResultRecordedInTheStoreIsReusedAndNothingRuns() throws {
        let (root, counter) = try makeRepository()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = try RunStore.open(path: root + "/.hops/hops.db")
        let flow = flow(name: "greeting")
        let executed = FlowExecutor(flow: flow, repositoryRoot: root, options: ExecutionOptions(store: store))
            .run(inputs: ObjectValue([("name", .string("world"))]))
        #expect(executed.status == .succeeded)
        #expect(runCount(counter) == 2)
        let runID = try #require(executed.runID)

        let plan = DryRunPlanner(flow: flow, repositoryRoot: root, store: store).plan(inputs: ObjectValue([("name", .string("world"))]))
        #expect(runCount(counter) == 2, "the dry run ran a script")
        #expect(plan.steps.map(\.id) == ["greet", "shout"])
        #expect(plan.steps[0].source == .cached(run: runID))
        #expect(plan.steps[0].result?.jsonString() == #"{"greeting":"hello world"}"#)
        #expect(plan.steps[1].decision == .run)
        #expect(plan.undeterminedDecisions.isEmpty)

        // Other arguments, another cache key: unknown, and the decision that reads it is undetermined.
        let other = DryRunPlanner(flow: flow, repositoryRoot: root, store: store).plan(inputs: ObjectValue([("name", .string("moon"))]))
        guard case .unknown(let reason) = other.steps[0].source else {
            Issue.record("expected an unknown result, got \(other.steps[0].source)")
            return
        }
        #expect(reason.contains("no recorded result"))
        #expect(other.steps[1].decision == .undetermined)
        #expect(other.undeterminedDecisions == ["shout: skip_if depends on steps.greet, unknown"])
        #expect(runCount(counter) == 2)
    }

    @Test func aMissingInputMakesWhatReadsItUnknown() throws {
        let (root, _) = try makeRepository()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let plan = DryRunPlanner(flow: flow(name: "greeting"), repositoryRoot: root, store: nil).plan()
        #expect(plan.missingInputs == ["name"])
        #expect(plan.steps[0].source == .unknown("its arguments depend on inputs.name, unknown"))
        #expect(plan.rendered().hasPrefix(DryRunPlan.heading))
    }

    @Test func branchesAndStopsAreDecidedFromMocks() throws {
        let (root, _) = try makeRepository()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let probe = FlowModule(id: "probe", value: .identity, mock: Mock(returnValue: .number(7)))
        let low = FlowModule(id: "low", value: .identity)
        let high = FlowModule(id: "high", value: .identity)
        let branch = FlowModule(
            id: "choose",
            value: .branchOne(BranchOne(branches: [BranchOne.Branch(condition: FlowExpression("results.probe > 5"), modules: [high])], defaultModules: [low])),
            stopAfterIf: StopAfterIf(expression: FlowExpression("true")))
        let never = FlowModule(id: "never", value: .identity)
        let plan = DryRunPlanner(flow: Flow(modules: [probe, branch, never]), repositoryRoot: root, store: nil).plan()
        #expect(plan.steps.map(\.place) == ["probe", "choose", "choose/branch 1/high", "never"])
        #expect(plan.steps[1].decision == .branch("branch 1"))
        guard case .notReached = plan.steps[3].decision else {
            Issue.record("expected 'never' not to be reached: \(plan.steps[3].decision)")
            return
        }
    }

    @Test func referencesInsideStringsAreNotDependencies() {
        var unknown = UnknownValues()
        unknown.results = ["a"]
        #expect(UnknownReferences.find(in: #"results.a.x + "results.b""#, unknown: unknown) == ["results.a"])
        #expect(UnknownReferences.find(in: #"'steps.a.result' + `${steps.a.result}`"#, unknown: unknown) == ["steps.a"])
        #expect(UnknownReferences.find(in: #"results["a"].length"#, unknown: unknown) == ["results.a"])
        #expect(UnknownReferences.find(in: "x.results.a", unknown: unknown).isEmpty)
    }

    /// Every flow of the fixture corpus of real Windmill flows is shown, checked and planned without
    /// a crash; a flow check finds no error in is planned without a step failing to plan.
    @Test func everyCorpusFlowIsShownCheckedAndPlanned() throws {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let corpus = repository.appendingPathComponent("Tests/Fixtures/windmill-flows").path
        let files = (FileManager.default.enumerator(atPath: corpus)?.compactMap { $0 as? String } ?? [])
            .filter { $0.hasSuffix("flow.yaml") }.sorted()
        #expect(files.count >= 20, "\(corpus)")
        var planned = 0
        for relative in files {
            let path = (corpus as NSString).appendingPathComponent(relative)
            let report = FlowChecker.check(path: (path as NSString).deletingLastPathComponent, repositoryRoot: repository.path)
            let flow = try #require(report.flow, "\(relative): \(report.rendered())")
            #expect(!flow.treeDescription().isEmpty)
            let plan = DryRunPlanner(flow: flow, repositoryRoot: repository.path, store: nil).plan()
            #expect(plan.steps.count >= flow.modules.count, "\(relative)")
            #expect(!plan.rendered().isEmpty)
            planned += 1
        }
        #expect(planned == files.count)
    }

    /// A flow that calls itself stops at the depth limit with a clear error, not a crash.
    @Test func aFlowCallingItselfStopsAtTheDepthLimit() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("recursion-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root + "/f/r/self.flow", withIntermediateDirectories: true)
        try "".write(toFile: root + "/wmill.yaml", atomically: true, encoding: .utf8)
        try """
            summary: calls itself
            value:
              modules:
                - id: again
                  value:
                    type: flow
                    path: f/r/self
                    input_transforms: {}
            """.write(toFile: root + "/f/r/self.flow/flow.yaml", atomically: true, encoding: .utf8)
        let flow = try FlowLoader.load(path: root + "/f/r/self.flow")
        let result = FlowExecutor(flow: flow, repositoryRoot: root).run()
        #expect(result.status == .failed)
        let message = try #require(result.error?.message)
        #expect(message.contains("flows call flows more than \(FlowEngine.maxSubflowDepth) deep"), "\(message)")
        #expect(message.contains("f/r/self → f/r/self"), "\(message)")
    }
}
