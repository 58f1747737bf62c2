import HopsStore
import HopsLang

/// Where a step stands in a run.
public enum StepState: String, Sendable, Equatable {
    case pending, running, succeeded, failed, skipped
    /// Its result came from the cache instead of running it.
    case cached
}

/// Progress of a run, as it happens: for live display at the prompt and on the command line.
public enum ExecutionEvent: Sendable {
    /// `place` locates a step inside loops and branches (`loop/2/check`); "" at the top level.
    case stepStarted(id: String, place: String, attempt: Int)
    case stepFinished(id: String, place: String, state: StepState, elapsed: Double, error: StepError?)
    case stepSkipped(id: String, place: String, reason: String)
    /// The attempt failed and another follows after `delay` seconds.
    case stepRetrying(id: String, place: String, attempt: Int, delay: Double, error: StepError)

    public var stepID: String {
        switch self {
        case .stepStarted(let id, _, _), .stepFinished(let id, _, _, _, _), .stepSkipped(let id, _, _),
            .stepRetrying(let id, _, _, _, _):
            id
        }
    }
}

/// How one step ended, as `hops flow run --json` and `:step` report it.
public struct StepReport: Sendable {
    public var id: String
    public var place: String
    public var state: StepState
    public var result: Value?
    public var error: StepError?
    /// Seconds, all attempts and the sleep after included.
    public var duration: Double
    public var attempts: Int
    public var stdout: String
    public var stderr: String

    public init(
        id: String, place: String = "", state: StepState, result: Value? = nil, error: StepError? = nil,
        duration: Double = 0, attempts: Int = 0, stdout: String = "", stderr: String = ""
    ) {
        self.id = id
        self.place = place
        self.state = state
        self.result = result
        self.error = error
        self.duration = duration
        self.attempts = attempts
        self.stdout = stdout
        self.stderr = stderr
    }

    /// `{id, status, result | error, duration_ms}`.
    public var value: Value { .object(ObjectValue(entries)) }

    /// The members of `value`, in order, for a caller that adds its own.
    public var entries: [(String, Value)] {
        var entries: [(String, Value)] = [("id", .string(id)), ("status", .string(state.rawValue))]
        if !place.isEmpty { entries.append(("place", .string(place))) }
        entries.append(error.map { ("error", $0.value) } ?? ("result", result ?? .null))
        entries.append(("duration_ms", .number((duration * 1000).rounded())))
        return entries
    }
}

/// How a whole flow run ended.
public struct FlowRunResult: Sendable {
    public enum Status: String, Sendable {
        case succeeded, failed, cancelled
        /// Paused at an approval step nobody has answered.
        case waiting
    }

    public var status: Status
    /// The result of the last step that ran (or of the step that stopped the flow early).
    public var result: Value?
    public var error: StepError?
    /// Every step that ran, nested ones included, in the order they finished.
    public var steps: [StepReport]
    /// The id of the run in the store, when one records it.
    public var runID: String?
    /// Whether a `stop_after_if` ended the flow before its last step.
    public var stoppedEarly: Bool
    /// The failure module's result, when it ran.
    public var failureResult: Value?
    public var duration: Double
    /// Secret values the run read; mask them (`SecretRedactor`) in anything shown or written.
    public var secretValues: [String] = []
    /// The store write that failed, when one did: the run is not (fully) recorded.
    public var storeError: RunStoreError?

    public init(
        status: Status, result: Value? = nil, error: StepError? = nil, steps: [StepReport] = [], runID: String? = nil,
        stoppedEarly: Bool = false, failureResult: Value? = nil, duration: Double = 0
    ) {
        self.status = status
        self.result = result
        self.error = error
        self.steps = steps
        self.runID = runID
        self.stoppedEarly = stoppedEarly
        self.failureResult = failureResult
        self.duration = duration
    }

    /// `{run, status, result, error?, steps}`, as `hops flow run --json` prints it.
    public var value: Value { value(ofStep: \.value) }

    /// `value`, each step as `ofStep` gives it.
    func value(ofStep: (StepReport) -> Value) -> Value {
        var entries: [(String, Value)] = [
            ("run", runID.map(Value.string) ?? .null), ("status", .string(status.rawValue)), ("result", result ?? .null),
        ]
        if let error { entries.append(("error", error.value)) }
        if let failureResult { entries.append(("failure_module_result", failureResult)) }
        entries.append(("duration_ms", .number((duration * 1000).rounded())))
        entries.append(("steps", .array(steps.map(ofStep))))
        return .object(ObjectValue(entries))
    }
}
