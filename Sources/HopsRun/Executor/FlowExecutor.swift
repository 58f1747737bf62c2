import Foundation
import HopsFlow
import HopsLang
import HopsStore

/// Settings of a flow run beyond the flow and its inputs.
public struct ExecutionOptions: Sendable {
    /// Records the run, each step attempt, and serves `cache_ttl` hits; nil records nothing.
    public var store: RunStore?
    /// Called from the running thread (several at once in parallel loops) as steps progress.
    public var onEvent: (@Sendable (ExecutionEvent) -> Void)?
    /// Cancel it (Ctrl-C) to kill the running steps and stop the run.
    public var cancellation: Cancellation
    /// A while loop still going after this many iterations fails.
    public var maxWhileIterations: Int
    public var runKind: RunKind
    /// Reuse the recorded results of an earlier run whose cache keys still match (`hops resume`);
    /// the new run is recorded as that run's child.
    public var resume: ResumeSource? = nil
    /// The answer to the flow's approval steps (`suspend`); nil pauses the run at the first one.
    public var approval: Approval? = nil
    /// How the flow was started: directly, or as a trigger (webhook, ...) starts it, with its preprocessor.
    public var trigger: Trigger? = nil

    public init(
        store: RunStore? = nil, onEvent: (@Sendable (ExecutionEvent) -> Void)? = nil,
        cancellation: Cancellation = Cancellation(), maxWhileIterations: Int = 1000, runKind: RunKind = .flow
    ) {
        self.store = store
        self.onEvent = onEvent
        self.cancellation = cancellation
        self.maxWhileIterations = maxWhileIterations
        self.runKind = runKind
    }
}

/// Runs a whole flow: its modules in order, then the failure module if one failed.
public struct FlowExecutor: Sendable {
    public let flow: Flow
    public let runner: ScriptRunner
    public let options: ExecutionOptions

    public init(flow: Flow, runner: ScriptRunner, options: ExecutionOptions = ExecutionOptions()) {
        self.flow = flow
        self.runner = runner
        self.options = options
    }

    /// An executor for `flow` in the repository at `repositoryRoot` (its `.env`, resources, state).
    public init(flow: Flow, repositoryRoot: String, options: ExecutionOptions = ExecutionOptions()) {
        self.init(flow: flow, runner: ScriptRunner(repositoryRoot: repositoryRoot), options: options)
    }

    /// Runs the flow to its end (or its first unhandled failure); never throws.
    public func run(inputs: ObjectValue = ObjectValue()) -> FlowRunResult {
        let session = FlowSession(flow: flow, runner: runner, inputs: inputs, options: options)
        return session.runToEnd()
    }

    /// `inputs` with each missing flow input set to its default.
    public static func applyDefaults(_ flow: Flow, to inputs: ObjectValue) -> ObjectValue {
        var result = inputs
        for input in flow.inputs where result[input.name] == nil {
            if let value = input.defaultValue { result[input.name] = value }
        }
        return result
    }

    /// The required inputs that have neither a value nor a default.
    public static func missingInputs(_ flow: Flow, in inputs: ObjectValue) -> [String] {
        flow.inputs.filter { $0.required && inputs[$0.name] == nil && $0.defaultValue == nil }.map(\.name)
    }
}

/// The answer given to an approval step, as Windmill's approval page gives it.
public enum Approval: Sendable {
    /// Approved; `payload` becomes `resume` in the next step (`{}` when none is given).
    case approve(payload: Value?)
    case reject
}

/// A flow started as a trigger would start it: the preprocessor (if any) turns the event into the flow's inputs.
public struct Trigger: Sendable {
    /// `webhook`, `http`, `kafka`, ... as Windmill names the trigger kind.
    public var kind: String
    /// The event: for a webhook, the request body (parsed as JSON when it is JSON).
    public var body: Value

    public init(kind: String, body: Value) {
        self.kind = kind
        self.body = body
    }
}
