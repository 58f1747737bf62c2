import Foundation
import Synchronization
import HopsFlow
import HopsLang
import HopsStore

/// How a module ended, as the sequence around it needs to know.
enum ModuleOutcome: Sendable {
    case skipped
    /// `exported`: results of steps inside branches, visible to later steps.
    case finished(Value, failures: Value?, exported: [(String, Value)], stop: Bool)
    case failed(StepError)
}

/// How a sequence of modules ended.
enum SequenceOutcome: Sendable {
    case completed(Value)
    /// A `stop_after_if` held: the sequence ends early with this result.
    case stopped(Value)
    case failed(StepError)
}

/// Runs modules: the shared engine under `FlowExecutor` and `FlowSession`.
///
/// Unchecked: what a run sets up before it starts (`runID`, `resume`, `subflowChain`, `approval`)
/// is not changed while it runs; what its threads share (reports, secrets) is under a mutex. Loop
/// iterations and branches run on their own threads and each works on its own copy of the scope.
final class FlowEngine: @unchecked Sendable {
    let flow: Flow
    let runner: ScriptRunner
    let store: RunStore?
    let onEvent: (@Sendable (ExecutionEvent) -> Void)?
    let cancellation: Cancellation
    /// A while loop that has not stopped after this many iterations fails.
    let maxWhileIterations: Int
    var runID: RunID?
    /// The recorded run a resume reuses steps of.
    var resume: ResumeSource?
    /// Reused steps not written yet; a subflow's engine shares its caller's.
    var reusedSteps = ReusedStepBatch()
    /// The paths of the flows that called this one, outermost first (empty for the top flow).
    var subflowChain: [String] = []
    /// The answer to approval steps; nil pauses the run at the first one.
    var approval: Approval?

    /// The first store write that failed: the run ends with it (exit 74), nothing is lost silently.
    private let storeFailure = Mutex<RunStoreError?>(nil)
    private let reports = Mutex<[StepReport]>([])
    private let secrets = Mutex<Set<String>>([])
    private(set) var functions: [String: Value] = [:]

    init(
        flow: Flow, runner: ScriptRunner, store: RunStore?, onEvent: (@Sendable (ExecutionEvent) -> Void)?,
        cancellation: Cancellation, maxWhileIterations: Int
    ) {
        self.flow = flow
        self.runner = runner.forFlow(flow)
        self.store = store
        self.onEvent = onEvent
        self.cancellation = cancellation
        self.maxWhileIterations = maxWhileIterations
        functions = makeFunctions()
    }

    /// The store error that ended the run, if one did.
    var storeError: RunStoreError? { storeFailure.withLock { $0 } }

    /// Runs a store call; its failure is kept as the run's store error and returned as a step error.
    func recording<T>(_ body: (RunStore) throws -> T) -> Result<T, StepError>? {
        guard let store else { return nil }
        do {
            return .success(try body(store))
        } catch {
            let failure = error as? RunStoreError ?? .unusable(path: store.path, reason: "\(error)")
            storeFailure.withLock { if $0 == nil { $0 = failure } }
            return .failure(StepError(kind: .setup, message: "the run cannot be recorded: \(failure)"))
        }
    }

    var stepReports: [StepReport] { reports.withLock { $0 } }

    func clearReports() {
        reports.withLock { $0 = [] }
    }

    func addReport(_ report: StepReport) {
        reports.withLock { $0.append(report) }
    }

    /// Secret values met so far; the store masks them in everything it writes.
    func learnSecrets(_ values: [String]) {
        guard !values.isEmpty else { return }
        secrets.withLock { $0.formUnion(values) }
        // The one masking layer: every writer of the process masks them from now on.
        SecretMask.learn(values)
        store?.addSecrets(values)
    }

    var knownSecrets: [String] {
        secrets.withLock { Array($0) }
    }

    func emit(_ event: ExecutionEvent) { onEvent?(event) }

    /// `variable(path)` and `resource(path)` for expressions; what they read is a secret.
    private func makeFunctions() -> [String: Value] {
        let context = runner.context
        let variable = FunctionValue(name: "variable") { [weak self] arguments, _ in
            guard case .string(let path)? = arguments.first else { throw LangError("variable(path): path must be a string") }
            do {
                let found = try context.variable(path)
                self?.learnSecrets([found.value])
                return .string(found.value)
            } catch {
                throw LangError("\(error)")
            }
        }
        let resource = FunctionValue(name: "resource") { [weak self] arguments, _ in
            guard case .string(let path)? = arguments.first else { throw LangError("resource(path): path must be a string") }
            do {
                let found = try context.resolvedResource(path)
                self?.learnSecrets(found.secrets)
                return found.value
            } catch {
                throw LangError("\(error)")
            }
        }
        return ["variable": .function(variable), "resource": .function(resource)]
    }

    /// Runs `modules` in order in `scope`, recording each result into it.
    func runSequence(_ modules: [FlowModule], scope: inout Scope, place: String) -> SequenceOutcome {
        for module in modules {
            if cancellation.isCancelled {
                return .failed(StepError(kind: .cancelled, message: "cancelled", stepID: module.id))
            }
            switch runModule(module, scope: scope, place: place) {
            case .skipped:
                continue
            case .failed(let error):
                return .failed(error)
            case .finished(let result, let failures, let exported, let stop):
                for (id, value) in exported { scope.export(id, value) }
                if let failures { scope.recordFailures(module.id, failures) }
                scope.record(module.id, result: result)
                afterApproval(module, scope: &scope)
                if stop { return .stopped(result) }
            }
        }
        return .completed(scope.previousResult)
    }

    /// Runs one module with its options: skip_if, mock, retries, continue_on_error, stop_after_if, sleep.
    func runModule(_ module: FlowModule, scope: Scope, place: String) -> ModuleOutcome {
        let started = Date()
        // Made when an expression of the module is first evaluated: most steps have none.
        var madeBindings: [String: Value]?
        func bindings() -> [String: Value] {
            if let madeBindings { return madeBindings }
            let made = scope.bindings(functions: functions)
            madeBindings = made
            return made
        }
        if let skipIf = module.skipIf, !skipIf.isBlank {
            do {
                if try FlowExpressions.evaluate(skipIf, bindings: bindings()).isTruthy {
                    emit(.stepSkipped(id: module.id, place: place, reason: "skip_if holds: \(skipIf.text)"))
                    addReport(StepReport(id: module.id, place: place, state: .skipped))
                    return .skipped
                }
            } catch {
                return fail(module, place: place, started: started, StepError(kind: .setup, message: "skip_if: \(error)"))
            }
        }

        // timeout and sleep may be expressions (OpenFlow 1.743): one that fails or is not a number fails the step.
        for (name, transform) in [("timeout", module.timeout), ("sleep", module.sleep)] {
            guard let transform else { continue }
            let problem: String
            do {
                switch try FlowExpressions.evaluate(transform, bindings: bindings()) {
                case .number, .null, .undefined: continue
                case let other: problem = "must be a number of seconds, not \(other.jsonString() ?? other.typeName)"
                }
            } catch {
                problem = "\(error)"
            }
            return fail(module, place: place, started: started, StepError(kind: .setup, message: "\(name): \(problem)"))
        }

        var attempt = 0
        var execution: Execution
        let totalAttempts = 1 + (module.retry?.totalAttempts ?? 0)
        repeat {
            attempt += 1
            emit(.stepStarted(id: module.id, place: place, attempt: attempt))
            if let mock = module.mock, mock.enabled {
                execution = Execution(result: mock.returnValue)
            } else {
                execution = execute(module, scope: scope, place: place, attempt: attempt)
            }
            guard let error = execution.error, attempt < totalAttempts, error.kind != .cancelled,
                shouldRetry(module, error: error, bindings: bindings())
            else { break }
            let delay = Self.retryDelay(module.retry, afterAttempt: attempt)
            emit(.stepRetrying(id: module.id, place: place, attempt: attempt + 1, delay: delay, error: error))
            if !cancellation.wait(seconds: delay) {
                // Ctrl-C or a signal during the delay: the step is interrupted, not failed; a resume retries it.
                execution.error = StepError(kind: .cancelled, message: "cancelled", stepID: module.id)
                break
            }
        } while true

        var result = execution.result ?? .null
        var state: StepState = execution.cached ? .cached : .succeeded
        if var error = execution.error {
            error.stepID = error.stepID ?? module.id
            guard module.continueOnError else {
                return fail(module, place: place, started: started, error, execution: execution, attempts: attempt)
            }
            // Windmill's continue_on_error: the error becomes the step's result and the flow goes on.
            result = .object(ObjectValue([("error", error.value)]))
            state = .failed
            execution.error = error
        }

        if module.suspend != nil, execution.error == nil {
            switch approval {
            case nil:
                // The step ran; the run pauses after it until someone answers (`hops resume RUN --approve`).
                let elapsed = Date().timeIntervalSince(started)
                addReport(
                    StepReport(
                        id: module.id, place: place, state: state, result: result, duration: elapsed, attempts: attempt,
                        stdout: execution.stdout, stderr: execution.stderr))
                emit(.stepFinished(id: module.id, place: place, state: state, elapsed: elapsed, error: nil))
                return .failed(
                    StepError(
                        kind: .waitingForApproval,
                        message: "step '\(module.id)' waits for approval (at the prompt :approve [payload] or :reject; in batch --approve or --reject)",
                        stepID: module.id))
            case .reject?:
                return fail(
                    module, place: place, started: started,
                    StepError(kind: .stopped, message: "step '\(module.id)' was not approved (--reject)"), execution: execution,
                    attempts: attempt)
            case .approve?:
                break
            }
        }

        var stop = false
        if let stopAfterIf = module.stopAfterIf, !isLoop(module) {
            do {
                let holds = try FlowExpressions.evaluate(
                    stopAfterIf.expression, bindings: scope.bindings(functions: functions, extra: ["result": result]))
                    .isTruthy
                if holds, let message = stopAfterIf.errorMessage {
                    return fail(
                        module, place: place, started: started, StepError(kind: .stopped, message: message),
                        execution: execution, attempts: attempt)
                }
                stop = holds
            } catch {
                return fail(module, place: place, started: started, StepError(kind: .setup, message: "stop_after_if: \(error)"))
            }
        }
        if let sleep = module.sleep, let seconds = try? FlowExpressions.evaluate(sleep, bindings: bindings()).toNumber(),
            seconds > 0
        {
            _ = cancellation.wait(seconds: seconds)
        }
        let elapsed = Date().timeIntervalSince(started)
        addReport(
            StepReport(
                id: module.id, place: place, state: state, result: result, error: execution.error, duration: elapsed,
                attempts: attempt, stdout: execution.stdout, stderr: execution.stderr))
        emit(.stepFinished(id: module.id, place: place, state: state, elapsed: elapsed, error: execution.error))
        return .finished(result, failures: execution.failures, exported: execution.exported, stop: stop || execution.stop)
    }

    /// After an approved approval step, the next steps read the answer as `resume` and `approvers`, as on Windmill.
    func afterApproval(_ module: FlowModule, scope: inout Scope) {
        guard module.suspend != nil, case .approve(let payload)? = approval else { return }
        scope.extra["resume"] = payload ?? .object(ObjectValue())
        scope.extra["approvers"] = .array([.string(ProcessInfo.processInfo.environment["USER"] ?? "hops")])
    }

    private func isLoop(_ module: FlowModule) -> Bool {
        if case .forLoop = module.value { return true }
        if case .whileLoop = module.value { return true }
        return false
    }

    private func fail(
        _ module: FlowModule, place: String, started: Date, _ error: StepError, execution: Execution? = nil,
        attempts: Int = 1
    ) -> ModuleOutcome {
        var error = error
        error.stepID = error.stepID ?? module.id
        let elapsed = Date().timeIntervalSince(started)
        addReport(
            StepReport(
                id: module.id, place: place, state: .failed, error: error, duration: elapsed, attempts: attempts,
                stdout: execution?.stdout ?? "", stderr: execution?.stderr ?? ""))
        emit(.stepFinished(id: module.id, place: place, state: .failed, elapsed: elapsed, error: error))
        return .failed(error)
    }

    private func shouldRetry(_ module: FlowModule, error: StepError, bindings: [String: Value]) -> Bool {
        guard let condition = module.retry?.retryIf, !condition.isBlank else { return true }
        var withError = bindings
        withError["error"] = error.value
        return (try? FlowExpressions.evaluate(condition, bindings: withError).isTruthy) ?? true
    }

    /// Constant retries first, then exponential ones: `seconds * multiplier^n` for the n-th of those.
    static func retryDelay(_ retry: Retry?, afterAttempt attempt: Int) -> Double {
        guard let retry else { return 0 }
        let constantAttempts = retry.constant?.attempts ?? 0
        if attempt <= constantAttempts, let constant = retry.constant { return max(0, constant.seconds) }
        guard let exponential = retry.exponential else { return 0 }
        let n = Double(attempt - constantAttempts)
        var delay = exponential.seconds * pow(exponential.multiplier, n)
        if let random = exponential.randomFactor, random > 0 {
            delay += delay * Double.random(in: 0...(random / 100))
        }
        return max(0, delay)
    }

}

/// The raw outcome of executing a module once, before its options are applied.
struct Execution: Sendable {
    var result: Value?
    var error: StepError?
    var stdout = ""
    var stderr = ""
    var cached = false
    /// For loops: the failed iterations.
    var failures: Value?
    var exported: [(String, Value)] = []
    /// A stop inside a branch stops the flow.
    var stop = false

    init(result: Value? = nil, error: StepError? = nil) {
        self.result = result
        self.error = error
    }
}
