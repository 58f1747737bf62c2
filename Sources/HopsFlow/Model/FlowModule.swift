import HopsLang

/// One step of a flow: an id, what it does, and the options that say when and how it runs.
public struct FlowModule: Sendable, Equatable {
    /// The step's id; results of earlier steps are reached through it (`results.<id>`, `steps.<id>`).
    public var id: String
    public var summary: String?
    public var value: ModuleValue

    /// Skip the step when this expression is truthy.
    public var skipIf: FlowExpression?
    /// After the step, stop the flow (or the loop iteration) when this holds.
    public var stopAfterIf: StopAfterIf?
    /// After all iterations of a loop step, stop the flow when this holds.
    public var stopAfterAllItersIf: StopAfterIf?
    public var retry: Retry?
    /// Seconds after which the step is killed.
    public var timeout: InputTransform?
    /// Seconds to wait after the step.
    public var sleep: InputTransform?
    public var mock: Mock?
    /// Whether the flow goes on when this step fails, with the error as the step's result.
    public var continueOnError: Bool
    /// Seconds a cached result of this step stays valid.
    public var cacheTTL: Double?
    /// Windmill's approval step settings, kept as written.
    public var suspend: JSONValue?
    public var priority: Double?
    /// Options hops does not interpret, kept for export.
    public var extras: JSONValue?
    /// Fields of the module's value hops does not interpret (`tag`, `concurrent_limit`, `squash`, ...), kept for export.
    public var valueExtras: JSONValue?
    /// Where the module (its `id` or seed step) was read.
    public var location: SourceLocation?

    public init(
        id: String, summary: String? = nil, value: ModuleValue, skipIf: FlowExpression? = nil,
        stopAfterIf: StopAfterIf? = nil, stopAfterAllItersIf: StopAfterIf? = nil, retry: Retry? = nil,
        timeout: InputTransform? = nil, sleep: InputTransform? = nil, mock: Mock? = nil,
        continueOnError: Bool = false, cacheTTL: Double? = nil, suspend: JSONValue? = nil,
        priority: Double? = nil, extras: JSONValue? = nil, location: SourceLocation? = nil
    ) {
        self.id = id
        self.summary = summary
        self.value = value
        self.skipIf = skipIf
        self.stopAfterIf = stopAfterIf
        self.stopAfterAllItersIf = stopAfterAllItersIf
        self.retry = retry
        self.timeout = timeout
        self.sleep = sleep
        self.mock = mock
        self.continueOnError = continueOnError
        self.cacheTTL = cacheTTL
        self.suspend = suspend
        self.priority = priority
        self.extras = extras
        self.location = location
    }

    /// Everything but the location counts.
    public static func == (left: FlowModule, right: FlowModule) -> Bool {
        left.id == right.id && left.summary == right.summary && left.value == right.value && left.skipIf == right.skipIf
            && left.stopAfterIf == right.stopAfterIf && left.stopAfterAllItersIf == right.stopAfterAllItersIf
            && left.retry == right.retry && left.timeout == right.timeout && left.sleep == right.sleep
            && left.mock == right.mock && left.continueOnError == right.continueOnError && left.cacheTTL == right.cacheTTL
            && left.suspend == right.suspend && left.priority == right.priority && left.extras == right.extras
            && left.valueExtras == right.valueExtras
    }

    /// A kept option of the module (`delete_after_secs`, ...), nil when absent or null.
    public func extra(_ key: String) -> Value? {
        guard case .object(let object)? = extras?.value, let value = object[key] else { return nil }
        if case .null = value { return nil }
        return value
    }

    /// A kept field of the module's value (`concurrent_limit`, `tag`, ...), nil when absent or null.
    public func valueExtra(_ key: String) -> Value? {
        guard case .object(let object)? = valueExtras?.value, let value = object[key] else { return nil }
        if case .null = value { return nil }
        return value
    }

    /// Windmill deletes the step's result and arguments after use (`delete_after_secs`, older `delete_after_use`).
    public var deletesAfterUse: Bool {
        if extra("delete_after_secs") != nil { return true }
        if case .bool(true)? = extra("delete_after_use") { return true }
        return false
    }

    /// The modules directly inside this one (loop bodies, all branches and the default), in order.
    public var children: [FlowModule] {
        switch value {
        case .forLoop(let loop): loop.modules
        case .whileLoop(let loop): loop.modules
        case .branchOne(let branch): branch.branches.flatMap(\.modules) + branch.defaultModules
        case .branchAll(let branch): branch.branches.flatMap(\.modules)
        default: []
        }
    }
}

/// Stop the flow (or a loop) after a step when an expression holds.
public struct StopAfterIf: Sendable, Equatable {
    /// The condition; `result` is the step's result in it.
    public var expression: FlowExpression
    /// Whether the stopped flow counts as skipped rather than finished.
    public var skipIfStopped: Bool
    /// When set, stopping is a failure with this message.
    public var errorMessage: String?

    public init(expression: FlowExpression, skipIfStopped: Bool = false, errorMessage: String? = nil) {
        self.expression = expression
        self.skipIfStopped = skipIfStopped
        self.errorMessage = errorMessage
    }
}

/// How often and how soon a failed step is tried again. Constant retries come first, then exponential ones.
public struct Retry: Sendable, Equatable {
    public struct Constant: Sendable, Equatable {
        public var attempts: Int
        public var seconds: Double

        public init(attempts: Int, seconds: Double) {
            self.attempts = attempts
            self.seconds = seconds
        }
    }

    /// Delay before retry n (from 1) is `seconds * multiplier^n`, plus up to `randomFactor` percent.
    public struct Exponential: Sendable, Equatable {
        public var attempts: Int
        public var multiplier: Double
        public var seconds: Double
        public var randomFactor: Double?

        public init(attempts: Int, multiplier: Double = 1, seconds: Double, randomFactor: Double? = nil) {
            self.attempts = attempts
            self.multiplier = multiplier
            self.seconds = seconds
            self.randomFactor = randomFactor
        }
    }

    public var constant: Constant?
    public var exponential: Exponential?
    /// Retry only when this holds (`error` in scope).
    public var retryIf: FlowExpression?

    public init(constant: Constant? = nil, exponential: Exponential? = nil, retryIf: FlowExpression? = nil) {
        self.constant = constant
        self.exponential = exponential
        self.retryIf = retryIf
    }

    /// All retries after the first attempt.
    public var totalAttempts: Int { (constant?.attempts ?? 0) + (exponential?.attempts ?? 0) }
}

/// A fixed result that stands in for running the step (used by dry-run and tests).
public struct Mock: Sendable, Equatable {
    public var enabled: Bool
    public var returnValue: Value

    public init(enabled: Bool = true, returnValue: Value) {
        self.enabled = enabled
        self.returnValue = returnValue
    }

    public static func == (left: Mock, right: Mock) -> Bool {
        left.enabled == right.enabled && Value.sameJSON(left.returnValue, right.returnValue)
    }
}
