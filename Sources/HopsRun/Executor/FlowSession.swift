import Foundation
import HopsFlow
import HopsLang
import HopsStore

/// A flow run one step at a time, as the prompt drives it (`:next`, `:step ID`, `:run`, `:reset`).
///
/// It holds the inputs and the results so far; each step's arguments are resolved from them.
/// Not for use from two threads at once (the prompt runs one command at a time).
public final class FlowSession: @unchecked Sendable {
    public let flow: Flow
    public let runner: ScriptRunner
    public let options: ExecutionOptions
    /// The flow's inputs as given; defaults are applied when a step reads them.
    public var inputs: ObjectValue {
        didSet { scope.inputs = FlowExecutor.applyDefaults(flow, to: inputs) }
    }
    /// Results so far, the loop item and the failures, as expressions see them.
    public private(set) var scope: Scope
    /// The run in the store, once a step has run with one.
    public private(set) var runID: RunID?

    private var engine: FlowEngine
    private var cursor = 0
    private var states: [String: StepState] = [:]
    private var failure: StepError?
    private var stopped = false
    private var started = Date()
    private var lastResult: Value?

    public init(flow: Flow, runner: ScriptRunner, inputs: ObjectValue = ObjectValue(), options: ExecutionOptions = ExecutionOptions()) {
        self.flow = flow
        self.runner = runner
        self.options = options
        self.inputs = inputs
        scope = Scope(inputs: FlowExecutor.applyDefaults(flow, to: inputs))
        engine = FlowEngine(
            flow: flow, runner: runner, store: options.store, onEvent: options.onEvent,
            cancellation: options.cancellation, maxWhileIterations: options.maxWhileIterations)
        engine.resume = options.resume
        // The first scripts' runtimes start while the inputs of the first steps are evaluated.
        if options.resume == nil || options.resume?.fresh == true { runner.warm?.prewarm(flow) }
    }

    public convenience init(
        flow: Flow, repositoryRoot: String, inputs: ObjectValue = ObjectValue(), options: ExecutionOptions = ExecutionOptions()
    ) {
        self.init(flow: flow, runner: ScriptRunner(repositoryRoot: repositoryRoot), inputs: inputs, options: options)
    }

    /// The id of the top-level step `next()` would run; nil when the flow is done.
    public var nextStepID: String? {
        guard !isFinished, cursor < flow.modules.count else { return nil }
        return flow.modules[cursor].id
    }

    /// Whether every step has run, or a failure or `stop_after_if` ended the run.
    public var isFinished: Bool { cursor >= flow.modules.count || failure != nil || stopped }

    /// Where a step stands: any id of the flow, nested ones included.
    public func state(of id: String) -> StepState {
        if let state = states[id] { return state }
        return engine.stepReports.last { $0.id == id }?.state ?? .pending
    }

    /// Every step attempt reported so far, nested ones included.
    public var reports: [StepReport] { engine.stepReports }

    /// What the prompt binds: `flow_input`, `inputs`, `results`, `steps`, `previous_result`.
    public var bindings: [String: Value] { scope.bindings(functions: [:]) }

    /// Secret values read so far, for the caller to mask in what it shows.
    public var secretValues: [String] { engine.knownSecrets }

    /// Runs the next top-level step; nil when there is none left.
    @discardableResult
    public func next() -> StepReport? {
        guard let id = nextStepID else { return nil }
        if let missing = missingInputsError() {
            failure = missing
            return StepReport(id: id, state: .failed, error: missing)
        }
        return run(index: cursor, id: id)
    }

    /// The error of a run started without a required input.
    private func missingInputsError() -> StepError? {
        let missing = FlowExecutor.missingInputs(flow, in: inputs)
        guard !missing.isEmpty else { return nil }
        let names = missing.joined(separator: ", ")
        return StepError(kind: .setup, message: "missing required input\(missing.count > 1 ? "s" : ""): \(names)")
    }

    /// Runs the top-level step `id` with its arguments resolved from what has run so far.
    public func runStep(_ id: String) throws -> StepReport {
        guard let index = flow.modules.firstIndex(where: { $0.id == id }) else {
            let known = flow.modules.map(\.id).joined(separator: ", ")
            if flow.module(id: id) != nil {
                throw RunError.invalidArgument("step \(id) is inside a loop or branch; run its enclosing step (top-level steps: \(known))")
            }
            throw RunError.invalidArgument("no step \(id) in this flow (steps: \(known))")
        }
        failure = nil
        stopped = false
        if let missing = missingInputsError() {
            failure = missing
            return StepReport(id: id, state: .failed, error: missing)
        }
        return run(index: index, id: id)
    }

    /// Runs the remaining steps, then the failure module if one failed.
    public func runToEnd() -> FlowRunResult {
        while !isFinished, next() != nil {}
        return finish()
    }

    /// Forgets every result and starts over, with the same inputs.
    public func reset() {
        if runID != nil { finishStoreRun() }
        scope = Scope(inputs: FlowExecutor.applyDefaults(flow, to: inputs))
        engine = FlowEngine(
            flow: flow, runner: runner, store: options.store, onEvent: options.onEvent,
            cancellation: options.cancellation, maxWhileIterations: options.maxWhileIterations)
        engine.resume = options.resume
        cursor = 0
        states = [:]
        failure = nil
        stopped = false
        runID = nil
        lastResult = nil
        started = Date()
    }

    private func run(index: Int, id: String) -> StepReport {
        ensureStoreRun()
        let module = flow.modules[index]
        let reportsBefore = engine.stepReports.count
        states[id] = .running
        let outcome = engine.runModule(module, scope: scope, place: "")
        cursor = max(cursor, index + 1)
        switch outcome {
        case .skipped:
            states[id] = .skipped
        case .failed(let error):
            states[id] = .failed
            failure = error
        case .finished(let result, let failures, let exported, let stop):
            for (innerID, value) in exported { scope.export(innerID, value) }
            if let failures { scope.recordFailures(id, failures) }
            scope.record(id, result: result)
            lastResult = result
            stopped = stop
            states[id] = nil
        }
        let newReports = engine.stepReports.dropFirst(reportsBefore)
        return newReports.last { $0.id == id && $0.place.isEmpty } ?? StepReport(id: id, state: state(of: id))
    }

    private func finish() -> FlowRunResult {
        var result = FlowRunResult(
            status: .succeeded, result: lastResult ?? scope.previousResult, error: nil, steps: [], runID: runID?.rawValue,
            stoppedEarly: stopped && cursor < flow.modules.count, failureResult: nil, duration: 0)
        if let failure {
            result.status = failure.kind == .cancelled ? .cancelled : .failed
            result.error = failure
            result.result = nil
            if let failureModule = flow.failureModule, failure.kind != .cancelled {
                var failureScope = scope
                failureScope.extra["error"] = failure.value
                failureScope.previousResult = failure.value
                if case .finished(let value, _, _, _) = engine.runModule(failureModule, scope: failureScope, place: "") {
                    result.failureResult = value
                }
            }
        }
        result.steps = engine.stepReports
        result.secretValues = engine.knownSecrets
        result.duration = Date().timeIntervalSince(started)
        finishStoreRun()
        return result
    }

    private func ensureStoreRun() {
        guard runID == nil, let store = options.store else { return }
        let inputsJSON = Value.object(inputs).canonicalJSON()
        let sourceHash = flow.file.flatMap { FileManager.default.contents(atPath: $0) }.map { CacheKey.contentHash($0) }
        runID = try? store.createRun(
            kind: options.runKind, source: flow.file ?? flow.name, sourceHash: sourceHash, inputsJSON: inputsJSON,
            parent: options.resume?.original)
        engine.runID = runID
        started = Date()
    }

    private func finishStoreRun() {
        guard let runID, let store = options.store else { return }
        options.resume?.flush(to: store)
        let status: RunStatus = failure == nil ? .succeeded : .failed
        try? store.finishRun(
            runID, status: status, resultJSON: failure == nil ? (lastResult ?? .null).jsonString() : nil,
            error: failure?.description)
    }
}
