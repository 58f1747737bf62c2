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
        engine.approval = options.approval
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
        engine.runner.scriptFiles.lookAgain()
        return advance()
    }

    /// Runs the next top-level step, in the pass the caller began.
    private func advance() -> StepReport? {
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
        engine.runner.scriptFiles.lookAgain()
        return run(index: index, id: id)
    }

    /// Runs the remaining steps, then the failure module if one failed.
    public func runToEnd() -> FlowRunResult {
        engine.runner.scriptFiles.lookAgain()
        if cursor == 0 && runID == nil { startWithPreprocessor() }
        while !isFinished, advance() != nil {}
        return finish()
    }

    /// Started by a trigger, the preprocessor turns the event into the flow's inputs; started
    /// directly, it is skipped, as on Windmill, and the skip is said.
    private func startWithPreprocessor() {
        guard let preprocessor = flow.preprocessorModule else { return }
        guard let trigger = options.trigger else {
            options.onEvent?(.stepSkipped(id: preprocessor.id, place: "", reason: "preprocessor: runs only when a trigger starts the flow (--trigger webhook --body FILE)"))
            engine.addReport(StepReport(id: preprocessor.id, place: "", state: .skipped))
            return
        }
        ensureStoreRun()
        var module = preprocessor
        guard case .rawScript(var script) = preprocessor.value,
            let entryAlias = Self.preprocessorAlias[script.language]
        else {
            failure = StepError(kind: .setup, message: "the preprocessor '\(preprocessor.id)' must be an inline deno, bun or python3 script to run here", stepID: preprocessor.id)
            return
        }
        // Windmill calls `preprocessor(event)`; the harness calls `main`, so the script names it so too.
        script.content += entryAlias
        module.value = .rawScript(script)
        var event = ObjectValue([
            ("kind", .string(trigger.kind)), ("body", trigger.body), ("raw_string", .string(trigger.body.jsonString() ?? "")),
            ("query", .object(ObjectValue())), ("headers", .object(ObjectValue())),
        ])
        event["wm_trigger"] = .object(ObjectValue([("kind", .string(trigger.kind))]))
        var arguments: [(name: String, transform: InputTransform)] = [
            ("event", .static(.object(event))), ("wm_trigger", .static(.object(ObjectValue([("kind", .string(trigger.kind))])))),
        ]
        // Older preprocessors take the body's fields as parameters.
        if case .object(let fields) = trigger.body {
            for (name, value) in fields.entries where name != "event" && name != "wm_trigger" { arguments.append((name, .static(value))) }
        }
        script.inputTransforms = InputTransforms(arguments)
        module.value = .rawScript(script)
        switch engine.runModule(module, scope: scope, place: "") {
        case .finished(.object(let produced), _, _, _):
            do {
                inputs = try FlowInputs.bind(produced.entries.map { ($0.0, .value($0.1)) }, to: flow)
            } catch {
                failure = StepError(kind: .setup, message: "the inputs the preprocessor made do not fit the flow: \(error.messages.joined(separator: "; "))", stepID: preprocessor.id)
            }
        case .finished(let other, _, _, _):
            failure = StepError(kind: .result, message: "the preprocessor returned \(other.jsonString() ?? "a non-object"), not an object of flow inputs", stepID: preprocessor.id)
        case .failed(let error):
            failure = error
        case .skipped:
            break
        }
    }

    /// What makes the `preprocessor` function the one the harness calls.
    static let preprocessorAlias: [String: String] = [
        "deno": "\nexport { preprocessor as main };\n", "bun": "\nexport { preprocessor as main };\n",
        "nativets": "\nexport { preprocessor as main };\n", "python3": "\nmain = preprocessor\n",
    ]

    /// The approval step the run waits at, if it waits.
    public var waitingStep: String? {
        failure?.kind == .waitingForApproval ? failure?.stepID : nil
    }

    /// Answers the approval step the run waits at (`:approve [payload]`, `:reject`); the next step then runs.
    public func answer(_ approval: Approval) throws {
        guard let id = waitingStep, let module = flow.modules.first(where: { $0.id == id }) else {
            throw RunError.invalidArgument("no step waits for approval")
        }
        switch approval {
        case .approve:
            failure = nil
            engine.approval = approval
            engine.afterApproval(module, scope: &scope)
            engine.approval = options.approval
        case .reject:
            states[id] = .failed
            failure = StepError(kind: .stopped, message: "step '\(id)' was not approved (:reject)", stepID: id)
        }
    }

    /// Forgets every result and starts over, with the same inputs.
    public func reset() {
        if runID != nil { finishStoreRun() }
        scope = Scope(inputs: FlowExecutor.applyDefaults(flow, to: inputs))
        engine = FlowEngine(
            flow: flow, runner: runner, store: options.store, onEvent: options.onEvent,
            cancellation: options.cancellation, maxWhileIterations: options.maxWhileIterations)
        engine.resume = options.resume
        engine.approval = options.approval
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
        if runID == nil, options.store != nil, let storeError = engine.storeError {
            let error = StepError(kind: .setup, message: "the run cannot be recorded: \(storeError)", stepID: id)
            failure = error
            return StepReport(id: id, state: .failed, error: error)
        }
        let module = flow.modules[index]
        let reportsBefore = engine.stepReports.count
        states[id] = .running
        let outcome = engine.runModule(module, scope: scope, place: "")
        cursor = max(cursor, index + 1)
        switch outcome {
        case .skipped:
            states[id] = .skipped
        case .failed(let error) where error.kind == .waitingForApproval:
            // The approval step ran; its result stands while the run waits for the answer.
            let result = engine.stepReports.last { $0.id == id && $0.place.isEmpty }?.result ?? .null
            scope.record(id, result: result)
            lastResult = result
            states[id] = nil
            failure = error
        case .failed(let error):
            states[id] = .failed
            failure = error
        case .finished(let result, let failures, let exported, let stop):
            for (innerID, value) in exported { scope.export(innerID, value) }
            if let failures { scope.recordFailures(id, failures) }
            scope.record(id, result: result)
            engine.afterApproval(module, scope: &scope)
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
            result.status = switch failure.kind {
            case .cancelled: .cancelled
            case .waitingForApproval: .waiting
            default: .failed
            }
            result.error = failure
            result.result = nil
            if let failureModule = flow.failureModule, result.status == .failed {
                var failureScope = scope
                failureScope.extra["error"] = failure.value
                failureScope.previousResult = failure.value
                if case .finished(let value, _, _, _) = engine.runModule(failureModule, scope: failureScope, place: "") {
                    result.failureResult = value
                }
            }
        }
        // `early_return`: Windmill answers the caller with that step's result; the rest still runs.
        if result.status == .succeeded, case .object(let settings)? = flow.settings?.value,
            case .string(let id)? = settings["early_return"], let early = scope.results[id]
        {
            result.result = early
        }
        result.steps = engine.stepReports
        result.secretValues = engine.knownSecrets
        result.duration = Date().timeIntervalSince(started)
        finishStoreRun()
        result.storeError = engine.storeError
        return result
    }

    private func ensureStoreRun() {
        guard runID == nil, options.store != nil else { return }
        let inputsJSON = Value.object(inputs).canonicalJSON()
        let sourceHash = flow.file.flatMap { FileManager.default.contents(atPath: $0) }.map { CacheKey.contentHash($0) }
        if case .success(let created) = engine.recording({
            try $0.createRun(
                kind: options.runKind, source: flow.file ?? flow.name, sourceHash: sourceHash, inputsJSON: inputsJSON,
                parent: options.resume?.original)
        }) {
            runID = created
        }
        engine.runID = runID
        started = Date()
    }

    private func finishStoreRun() {
        guard let runID, options.store != nil else { return }
        // A run waiting for approval is recorded as interrupted, so that `hops resume RUN --approve` continues it.
        let status: RunStatus =
            failure == nil
            ? .succeeded : failure?.kind == .cancelled || failure?.kind == .waitingForApproval ? .interrupted : .failed
        let error = failure?.kind == .waitingForApproval ? "waiting for approval: \(failure?.message ?? "")" : failure?.description
        _ = engine.recording {
            // The reused steps still pending are written before the run is finished.
            try engine.reusedSteps.write()
            try $0.finishRun(
                runID, status: status, resultJSON: failure == nil ? (lastResult ?? .null).jsonString() : nil, error: error)
            try $0.verify(run: runID)
        }
    }
}
