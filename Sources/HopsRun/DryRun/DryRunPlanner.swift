import Foundation
import HopsFlow
import HopsLang
import HopsStore

/// Walks a flow without executing any step: each result comes from the step's mock, else from
/// the run store's most recent result for the same cache key, else is unknown. Decisions (skip_if,
/// loop counts, branches, stop_after_if) are made where their inputs are known and reported as
/// undetermined, naming what they depend on, where not.
public struct DryRunPlanner: Sendable {
    public let flow: Flow
    public let runner: ScriptRunner
    /// Where cached results are looked up; nil plans every unmocked script step as unknown.
    public let store: RunStore?
    /// At most this many iterations of a loop are planned one by one.
    public var iterationLimit = 50

    public init(flow: Flow, runner: ScriptRunner, store: RunStore?) {
        self.flow = flow
        self.runner = runner
        self.store = store
    }

    public init(flow: Flow, repositoryRoot: String, store: RunStore?) {
        self.init(flow: flow, runner: ScriptRunner(repositoryRoot: repositoryRoot), store: store)
    }

    /// The plan for a run with `inputs` (defaults applied for the missing ones).
    public func plan(inputs: ObjectValue = ObjectValue()) -> DryRunPlan {
        let withDefaults = FlowExecutor.applyDefaults(flow, to: inputs)
        let missing = FlowExecutor.missingInputs(flow, in: withDefaults)
        var walk = DryRunWalk(planner: self)
        var scope = Scope(inputs: withDefaults)
        var unknown = UnknownValues()
        unknown.inputs = Set(missing)
        if let preprocessor = flow.preprocessorModule {
            var step = PlannedStep(id: preprocessor.id, place: preprocessor.id, depth: 0, kind: "preprocessor, \(DryRunWalk.kind(of: preprocessor))")
            step.decision = .skip("a preprocessor runs only when a trigger starts the flow (hops flow run --trigger webhook --body FILE)")
            walk.steps.append(step)
        }
        _ = walk.sequence(flow.modules, scope: &scope, unknown: &unknown, prefix: "", depth: 0)
        let name = flow.name ?? flow.file ?? "(unnamed flow)"
        return DryRunPlan(flowName: name, inputs: withDefaults, missingInputs: missing, steps: walk.steps)
    }

    /// The script file of a path step, found as the executor finds it.
    func scriptFile(for script: PathScript) -> String? {
        script.locate(in: flow, repositoryRoot: runner.context.repositoryRoot)
    }
}

/// How a planned module ended, as the sequence around it needs to know.
struct PlannedOutcome {
    var skipped = false
    /// The result, nil when unknown.
    var result: Value?
    var failures: Value?
    /// Results of steps inside branches that later steps can see.
    var exported: [(String, Value?)] = []
    /// Why the flow would stop after this module, if it would.
    var stop: String?
}

/// The state of one dry run: the steps planned so far.
struct DryRunWalk {
    let planner: DryRunPlanner
    var steps: [PlannedStep] = []

    init(planner: DryRunPlanner) { self.planner = planner }

    /// Plans `modules` in order; returns why the sequence stops early, if it does.
    mutating func sequence(
        _ modules: [FlowModule], scope: inout Scope, unknown: inout UnknownValues, prefix: String, depth: Int
    ) -> String? {
        var stopped: String?
        for module in modules {
            let place = prefix.isEmpty ? module.id : prefix + "/" + module.id
            if let stopped {
                steps.append(PlannedStep(id: module.id, place: place, depth: depth, kind: Self.kind(of: module), decision: .notReached(stopped)))
                continue
            }
            let outcome = self.module(module, scope: scope, unknown: unknown, place: place, depth: depth)
            if outcome.skipped { continue }
            for (id, value) in outcome.exported {
                if let value {
                    scope.export(id, value)
                    unknown.results.remove(id)
                } else {
                    unknown.results.insert(id)
                }
            }
            if let failures = outcome.failures { scope.recordFailures(module.id, failures) }
            if let result = outcome.result {
                scope.record(module.id, result: result)
                unknown.results.remove(module.id)
                unknown.previousResult = false
            } else {
                scope.export(module.id, nil)
                unknown.results.insert(module.id)
                unknown.previousResult = true
            }
            if let stop = outcome.stop { stopped = "\(module.id) stops the flow (\(stop))" }
            // The steps after an approval step read its answer; a dry run cannot know it.
            unknown.approval = module.suspend != nil
            scope.extra["resume"] = nil
            scope.extra["approvers"] = nil
        }
        return stopped
    }

    /// Plans one module with its options.
    mutating func module(_ module: FlowModule, scope: Scope, unknown: UnknownValues, place: String, depth: Int) -> PlannedOutcome {
        var step = PlannedStep(id: module.id, place: place, depth: depth, kind: Self.kind(of: module))
        let bindings = scope.bindings(functions: [:])
        if let skipIf = module.skipIf, !skipIf.isBlank {
            switch decide(skipIf, bindings: bindings, unknown: unknown) {
            case .holds:
                step.decision = .skip("skip_if holds: \(skipIf.text)")
                steps.append(step)
                return PlannedOutcome(skipped: true)
            case .doesNotHold:
                break
            case .dependsOn(let references):
                step.decision = .undetermined
                step.undetermined.append("skip_if depends on \(references.joined(separator: ", ")), unknown")
            case .fails(let message):
                step.decision = .undetermined
                step.undetermined.append("skip_if cannot be evaluated: \(message)")
            }
        }
        if let mock = module.mock, mock.enabled {
            step.source = .mock
            step.result = mock.returnValue
            let stop = stopAfter(module, result: mock.returnValue, bindings: bindings, unknown: unknown, step: &step)
            steps.append(step)
            return PlannedOutcome(result: mock.returnValue, failures: Self.isLoop(module) ? .array([]) : nil, stop: stop)
        }
        if module.suspend != nil {
            step.undetermined.append("an approval step: the run waits here for --approve or --reject (or hops resume RUN --approve)")
        }
        let index = steps.count
        steps.append(step)
        var outcome: PlannedOutcome
        switch module.value {
        case .script, .rawScript:
            outcome = PlannedOutcome()
            let source = resultSource(of: module, scope: scope, unknown: unknown)
            steps[index].source = source.source
            steps[index].result = source.result
            outcome.result = source.result
        case .identity:
            steps[index].source = unknown.previousResult ? .unknown("the previous result is unknown") : .derived
            outcome = PlannedOutcome(result: unknown.previousResult ? nil : scope.previousResult)
            steps[index].result = outcome.result
        case .flow(let path, _):
            steps[index].source = .unknown("the flow \(path) is not planned in a dry run")
            outcome = PlannedOutcome()
        case .aiAgent:
            steps[index].source = .unknown("an AI agent runs only on a Windmill server")
            outcome = PlannedOutcome()
        case .forLoop(let loop):
            outcome = forLoop(loop, module: module, scope: scope, unknown: unknown, index: index, depth: depth)
        case .whileLoop(let loop):
            steps[index].decision = .loop(nil)
            steps[index].undetermined.append("a while loop runs until a stop_after_if holds; the count is only known by running it")
            var inner = scope
            var innerUnknown = unknown
            _ = sequence(loop.modules, scope: &inner, unknown: &innerUnknown, prefix: place + "[?]", depth: depth + 1)
            steps[index].source = .unknown("while loop")
            outcome = PlannedOutcome()
        case .branchOne(let branch):
            outcome = branchOne(branch, scope: scope, unknown: unknown, index: index, place: place, depth: depth)
        case .branchAll(let branch):
            outcome = PlannedOutcome()
            var results: [Value] = []
            var allKnown = true
            for (number, item) in branch.branches.enumerated() {
                var inner = scope
                var innerUnknown = unknown
                _ = sequence(item.modules, scope: &inner, unknown: &innerUnknown, prefix: place + "/branch \(number + 1)", depth: depth + 1)
                if innerUnknown.previousResult { allKnown = false } else { results.append(inner.previousResult) }
                for child in item.modules { outcome.exported.append((child.id, inner.results[child.id])) }
            }
            steps[index].source = allKnown ? .derived : .unknown("a branch result is unknown")
            outcome.result = allKnown ? .array(results) : nil
            steps[index].result = outcome.result
        }
        if !Self.isLoop(module) {
            var updated = steps[index]
            outcome.stop = stopAfter(module, result: outcome.result, bindings: bindings, unknown: unknown, step: &updated)
            steps[index] = updated
        }
        return outcome
    }

    /// A for loop: the iterator decides how often the body runs; each iteration is planned.
    private mutating func forLoop(
        _ loop: ForLoop, module: FlowModule, scope: Scope, unknown: UnknownValues, index: Int, depth: Int
    ) -> PlannedOutcome {
        let place = steps[index].place
        var items: [Value]?
        switch loop.iterator {
        case .static(let value, _):
            if case .array(let values) = value { items = values.elements } else { items = [] }
        case .javascript(let expression):
            let references = UnknownReferences.find(in: expression.text, unknown: unknown)
            if !references.isEmpty {
                steps[index].undetermined.append("the number of iterations depends on \(references.joined(separator: ", ")), unknown")
            } else {
                do {
                    switch try FlowExpressions.evaluate(expression, bindings: scope.bindings(functions: [:])) {
                    case .array(let values): items = values.elements
                    case .null, .undefined: items = []
                    case let other: steps[index].notes.append("the iterator is \(other.typeName), not an array: the step would fail")
                    }
                } catch {
                    steps[index].notes.append("the iterator cannot be evaluated: \(error)")
                }
            }
        }
        guard let items else {
            steps[index].decision = .loop(nil)
            var inner = scope
            var innerUnknown = unknown
            innerUnknown.iteration = true
            _ = sequence(loop.modules, scope: &inner, unknown: &innerUnknown, prefix: place + "[?]", depth: depth + 1)
            steps[index].source = .unknown("the iterations are unknown")
            return PlannedOutcome()
        }
        if case .undetermined = steps[index].decision {} else { steps[index].decision = .loop(items.count) }
        var results: [Value] = []
        var allKnown = true
        for (position, item) in items.enumerated() {
            if position == planner.iterationLimit {
                steps[index].notes.append("only the first \(planner.iterationLimit) of \(items.count) iterations are shown")
                allKnown = false
                break
            }
            var inner = scope
            var innerUnknown = unknown
            inner.iteration = (item, position)
            _ = sequence(loop.modules, scope: &inner, unknown: &innerUnknown, prefix: place + "[\(position)]", depth: depth + 1)
            if innerUnknown.previousResult { allKnown = false } else { results.append(inner.previousResult) }
        }
        let result: Value? = allKnown ? .array(results) : nil
        steps[index].source = allKnown ? .derived : .unknown("an iteration's result is unknown")
        steps[index].result = result
        var outcome = PlannedOutcome(result: result, failures: allKnown ? .array([]) : nil)
        if let condition = module.stopAfterAllItersIf, !condition.expression.isBlank {
            var step = steps[index]
            outcome.stop = stopCondition(condition, label: "stop_after_all_iters_if", result: result, bindings: scope.bindings(functions: [:]), unknown: unknown, step: &step)
            steps[index] = step
        }
        return outcome
    }

    /// A branch step: the first branch whose condition holds, else the default.
    private mutating func branchOne(
        _ branch: BranchOne, scope: Scope, unknown: UnknownValues, index: Int, place: String, depth: Int
    ) -> PlannedOutcome {
        let bindings = scope.bindings(functions: [:])
        // Branches whose condition is unknown are candidates; the first that surely holds ends the search.
        var candidates: [(label: String, modules: [FlowModule])] = []
        var taken: (label: String, modules: [FlowModule])?
        var decided = false
        search: for (number, item) in branch.branches.enumerated() {
            let label = "branch \(number + 1)"
            switch decide(item.condition, bindings: bindings, unknown: unknown) {
            case .holds:
                if candidates.isEmpty { taken = (label, item.modules) } else { candidates.append((label, item.modules)) }
                decided = true
                break search
            case .doesNotHold:
                continue
            case .dependsOn(let references):
                steps[index].undetermined.append("the condition of \(label) depends on \(references.joined(separator: ", ")), unknown")
                candidates.append((label, item.modules))
            case .fails(let message):
                steps[index].undetermined.append("the condition of \(label) cannot be evaluated: \(message)")
                candidates.append((label, item.modules))
            }
        }
        if !decided {
            if candidates.isEmpty { taken = ("default", branch.defaultModules) } else { candidates.append(("default", branch.defaultModules)) }
        }
        var outcome = PlannedOutcome()
        if let taken {
            steps[index].decision = .branch(taken.label)
            var inner = scope
            var innerUnknown = unknown
            _ = sequence(taken.modules, scope: &inner, unknown: &innerUnknown, prefix: place + "/" + taken.label, depth: depth + 1)
            for child in taken.modules { outcome.exported.append((child.id, innerUnknown.results.contains(child.id) ? nil : inner.results[child.id])) }
            outcome.result = innerUnknown.previousResult ? nil : inner.previousResult
            steps[index].source = outcome.result == nil ? .unknown("the branch's result is unknown") : .derived
        } else {
            steps[index].decision = .branch(nil)
            for candidate in candidates {
                var inner = scope
                var innerUnknown = unknown
                let first = steps.count
                _ = sequence(candidate.modules, scope: &inner, unknown: &innerUnknown, prefix: place + "/" + candidate.label, depth: depth + 1)
                for position in first..<steps.count where steps[position].depth == depth + 1 {
                    steps[position].notes.append("only if \(candidate.label) is taken")
                }
                for child in candidate.modules { outcome.exported.append((child.id, nil)) }
            }
            steps[index].source = .unknown("which branch runs is unknown")
        }
        steps[index].result = outcome.result
        return outcome
    }

    /// The stop_after_if of a step; the reason the flow would stop, or nil.
    private func stopAfter(
        _ module: FlowModule, result: Value?, bindings: [String: Value], unknown: UnknownValues, step: inout PlannedStep
    ) -> String? {
        guard let condition = module.stopAfterIf, !condition.expression.isBlank else { return nil }
        return stopCondition(condition, label: "stop_after_if", result: result, bindings: bindings, unknown: unknown, step: &step)
    }

    private func stopCondition(
        _ condition: StopAfterIf, label: String, result: Value?, bindings: [String: Value], unknown: UnknownValues,
        step: inout PlannedStep
    ) -> String? {
        var withResult = bindings
        var unknownWithResult = unknown
        if let result { withResult["result"] = result } else { unknownWithResult.result = true }
        switch decide(condition.expression, bindings: withResult, unknown: unknownWithResult) {
        case .holds:
            let effect = condition.errorMessage.map { "the flow would fail: \($0)" } ?? "the flow would stop after this step"
            step.notes.append("\(label) holds: \(effect)")
            return "\(label) holds"
        case .doesNotHold:
            return nil
        case .dependsOn(let references):
            step.undetermined.append("\(label) depends on \(references.joined(separator: ", ")), unknown")
        case .fails(let message):
            step.undetermined.append("\(label) cannot be evaluated: \(message)")
        }
        return nil
    }

    enum Decision {
        case holds, doesNotHold
        case dependsOn([String])
        case fails(String)
    }

    /// Evaluates a condition when everything it reads is known.
    private func decide(_ expression: FlowExpression, bindings: [String: Value], unknown: UnknownValues) -> Decision {
        let references = UnknownReferences.find(in: expression.text, unknown: unknown)
        if !references.isEmpty { return .dependsOn(references) }
        do {
            return try FlowExpressions.evaluate(expression, bindings: bindings).isTruthy ? .holds : .doesNotHold
        } catch {
            return .fails(Self.oneLine(error))
        }
    }

    static func oneLine(_ error: Error) -> String {
        "\(error)".split(separator: "\n").first.map(String.init) ?? "\(error)"
    }

    static func isLoop(_ module: FlowModule) -> Bool {
        switch module.value {
        case .forLoop, .whileLoop: true
        default: false
        }
    }

    static func kind(of module: FlowModule) -> String {
        switch module.value {
        case .script(let script): script.path.hasPrefix("hops:") ? script.path : "script \(script.path)"
        case .rawScript(let script): "inline \(script.language) script"
        case .flow(let path, _): "flow \(path)"
        case .forLoop: "for each"
        case .whileLoop: "while loop"
        case .branchOne: "branch one"
        case .branchAll: "branch all"
        case .identity: "identity"
        case .aiAgent: "ai agent"
        }
    }
}
