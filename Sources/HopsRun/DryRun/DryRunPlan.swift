import HopsFlow
import HopsLang

/// What a dry run found: for each step, whether it would run, be skipped, loop or branch, and
/// where its result would come from. Nothing in it was executed.
public struct DryRunPlan: Sendable {
    /// The flow's name, or its file, for the heading.
    public var flowName: String
    /// The inputs the plan used, defaults applied.
    public var inputs: ObjectValue
    /// Required inputs that were not given; expressions that read them are undetermined.
    public var missingInputs: [String]
    /// The steps in the order they would be reached, loop iterations and branches nested below their step.
    public var steps: [PlannedStep]

    public init(flowName: String, inputs: ObjectValue, missingInputs: [String] = [], steps: [PlannedStep] = []) {
        self.flowName = flowName
        self.inputs = inputs
        self.missingInputs = missingInputs
        self.steps = steps
    }

    /// Every decision that depends on a result the dry run could not know, as `step: reason`.
    public var undeterminedDecisions: [String] {
        steps.flatMap { step in step.undetermined.map { "\(step.place): \($0)" } }
    }
}

/// One step of a dry-run plan.
public struct PlannedStep: Sendable {
    /// What would happen to the step.
    public enum Decision: Sendable, Equatable {
        /// It would run (its result from `source`).
        case run
        /// It would be skipped; the reason says by what.
        case skip(String)
        /// A loop that would run its body this many times; nil when the count is unknown.
        case loop(Int?)
        /// A branch step that would take this branch (`branch 2`, `default`); nil when unknown.
        case branch(String?)
        /// Never reached: an earlier step stops the flow or fails.
        case notReached(String)
        /// Whether it runs depends on something unknown (see `undetermined`).
        case undetermined
    }

    /// Where the step's result would come from.
    public enum ResultSource: Sendable, Equatable {
        case mock
        /// The most recent succeeded result in the run store for the same cache key.
        case cached(run: String)
        /// Computed from the results of the steps inside (loops, branches, identity).
        case derived
        case unknown(String)
        /// The step has no result (skipped, not reached).
        case none
    }

    public var id: String
    /// The step's place: its id, `loop[2]/inner` inside loops, `branch/b1/inner` inside branches.
    public var place: String
    /// Nesting depth, for indenting the printed plan.
    public var depth: Int
    /// What the step is: `script platform/check-disk.ts`, `for each`, `branch one`, ...
    public var kind: String
    public var decision: Decision
    public var source: ResultSource
    /// The result, when the plan knows it.
    public var result: Value?
    /// Decisions of this step that could not be made: "skip_if depends on results.check, unknown".
    public var undetermined: [String]
    /// Other things worth saying: "stop_after_if holds: the flow would stop here".
    public var notes: [String]

    public init(
        id: String, place: String, depth: Int, kind: String, decision: Decision = .run, source: ResultSource = .none,
        result: Value? = nil, undetermined: [String] = [], notes: [String] = []
    ) {
        self.id = id
        self.place = place
        self.depth = depth
        self.kind = kind
        self.decision = decision
        self.source = source
        self.result = result
        self.undetermined = undetermined
        self.notes = notes
    }
}
