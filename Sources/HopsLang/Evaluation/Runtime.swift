/// A compiled piece of an expression: evaluates in a frame, counting against a runtime.
typealias Code = (Frame, inout Runtime) throws(LangError) -> Value
/// A compiled condition: the truthiness of a piece of an expression, without the value.
typealias Test = (Frame, inout Runtime) throws(LangError) -> Bool

/// The variables of one function activation (or of the root of an evaluation), and the ones around it.
/// Never changed once made: expressions cannot assign, so capturing one is capturing by value.
struct Frame {
    let slots: [Value]
    let parent: Environment?
    /// For the root of an evaluation: which slots have no binding (reading one is an unknown name);
    /// nil when every slot has one, so that a frame holds one array fewer.
    let unbound: [Bool]?

    init(slots: [Value], parent: Environment?, unbound: [Bool]? = nil) {
        self.slots = slots
        self.parent = parent
        self.unbound = unbound
    }

    func isUnbound(_ index: Int) -> Bool {
        guard let unbound else { return false }
        return index < unbound.count && unbound[index]
    }

    func ancestor(_ depth: Int) -> Frame {
        var frame = self
        for _ in 0..<depth {
            if let parent = frame.parent { frame = parent.frame }
        }
        return frame
    }
}

/// A frame kept alive by the arrow functions that closed over it.
final class Environment {
    let frame: Frame

    init(_ frame: Frame) {
        self.frame = frame
    }
}

/// An arrow function: its compiled body and the environment it closed over. A class: a call takes
/// one reference to it, not one to each of its parts (a callback of `map` is called per element).
// Unchecked: the captured environment is immutable once built, and the body only reads constants.
final class Arrow: @unchecked Sendable {
    let parameterCount: Int
    /// How much stack one activation may use, in nesting levels of the body.
    let weight: Int
    /// Turns the arguments into the frame's slots when the parameters are patterns; nil for plain names.
    let bind: Binder?
    let body: Code
    let environment: Environment

    init(parameterCount: Int, weight: Int, bind: Binder?, body: @escaping Code, environment: Environment) {
        self.parameterCount = parameterCount
        self.weight = weight
        self.bind = bind
        self.body = body
        self.environment = environment
    }
}

extension FunctionValue {
    convenience init(name: String, arrow: Arrow) {
        self.init(name: name, body: .arrow(arrow))
    }
}

/// Whether the user asked to stop (Ctrl-C): a plain function of global state, such as a flag a
/// signal handler sets. A C function pointer, so that an evaluation holds it without counting
/// references: holding a closure made setting up and ending an evaluation a tenth of its cost.
public typealias CancellationCheck = @convention(c) () -> Bool

/// The functions an interpreter defined as actions: side effects allowed only at statement level.
final class ActionSet {
    var functions: Set<ObjectIdentifier> = []
}

/// The state of one evaluation: its budget, its depth and what may be called.
/// A value passed `inout` through the compiled code, so an evaluation allocates nothing for it.
struct Runtime {
    let limits: Limits
    let isCancelled: CancellationCheck?
    /// Functions that may only be called at statement level; nil when there are none. Held without
    /// counting references: the interpreter that owns them outlives each of its evaluations, and a
    /// runtime of plain values costs nothing to make and to end (an evaluation is made and ended for
    /// every compiled condition a flow tests).
    unowned(unsafe) let actions: ActionSet?
    var steps = 0
    /// String bytes and array elements made so far, against `limits.maxAllocation`.
    var allocated = 0
    var depth = 0
    /// Nesting levels in use by active arrow bodies, bounded so the Swift stack cannot overflow.
    var weight = 0
    /// Where the innermost builtin was called from, for errors raised inside it.
    var nativeSpan = Span(start: 0, end: 0)

    /// Total nesting levels of arrow bodies allowed at once.
    static let maximumWeight = 3000

    init(limits: Limits, isCancelled: CancellationCheck?, actions: ActionSet) {
        self.limits = limits
        self.isCancelled = isCancelled
        self.actions = actions.functions.isEmpty ? nil : actions
    }

    /// A runtime with no actions: what an `Expression` evaluates with, made without building a set.
    init(limits: Limits, isCancelled: CancellationCheck? = nil) {
        self.limits = limits
        self.isCancelled = isCancelled
        actions = nil
    }

    /// Counts `count` steps; checks the budget and, now and then, cancellation.
    @inline(__always)
    mutating func step(_ count: Int = 1, _ span: Span) throws(LangError) {
        let before = steps
        steps += count
        if steps > limits.maxSteps { throw .budgetExceeded(span) }
        if before >> 12 != steps >> 12, let isCancelled, isCancelled() { throw .interrupted(span) }
    }

    /// Counts a string or array about to be made: `length` bytes or elements, checked before making it.
    @inline(__always)
    mutating func allocate(_ kind: Allocation, _ length: Double, _ span: Span) throws(LangError) {
        let limit = kind == .array ? limits.maxArrayLength : limits.maxLength
        guard length <= Double(limit) else { throw .tooLong(kind.rawValue, length, limit: limit, span) }
        allocated += Int(length)
        if allocated > limits.maxAllocation { throw .allocationExceeded(limit: limits.maxAllocation, span) }
    }

    /// Counts the string or array a builtin or an operator made.
    @inline(__always)
    mutating func account(_ value: Value, _ span: Span) throws(LangError) {
        switch value {
        case .string(let text): try allocate(.string, Double(text.utf8.count), span)
        case .array(let elements): try allocate(.array, Double(elements.count), span)
        default: break
        }
    }

    /// Calls a function value with the budget, depth and action rules applied.
    mutating func invoke(
        _ function: FunctionValue, _ arguments: [Value], at span: Span, callee: @autoclosure () -> String,
        allowAction: Bool = false
    ) throws(LangError) -> Value {
        try step(1, span)
        if !allowAction, let actions, actions.functions.contains(ObjectIdentifier(function)) {
            throw .actionNotAtStatementLevel(callee(), span)
        }
        depth += 1
        defer { depth -= 1 }
        if depth > limits.maxDepth { throw .nestingTooDeep(span) }
        switch function.body {
        case .arrow(let arrow):
            weight += arrow.weight
            defer { weight -= arrow.weight }
            if weight > Runtime.maximumWeight { throw .nestingTooDeep(span) }
            var slots: [Value]
            if let bind = arrow.bind {
                slots = try bind(arguments, arrow.environment, &self)
            } else {
                slots = arguments
                if slots.count < arrow.parameterCount {
                    slots.append(contentsOf: repeatElement(.undefined, count: arrow.parameterCount - slots.count))
                }
            }
            return try arrow.body(Frame(slots: slots, parent: arrow.environment), &self)
        case .native(let native):
            let result = try withContext(at: span) { context in try native(arguments, context) }
            try account(result, span)
            return result
        }
    }

    /// Calls the builtin method `name` of `receiver`.
    mutating func callMethod(_ receiver: Value, _ name: String, _ arguments: [Value], at span: Span) throws(LangError) -> Value {
        try step(1, span)
        let result = try withContext(at: span) { context in
            try Builtins.callMethod(receiver, name, arguments, context)
        }
        try account(result, span)
        return result
    }

    /// Runs a builtin with a context it can call back through; its errors get the span of the call.
    private mutating func withContext(
        at span: Span, _ body: (NativeContext) throws -> Value
    ) throws(LangError) -> Value {
        var inner = self
        inner.nativeSpan = span
        let context = NativeContext(inner)
        defer {
            steps = context.runtime.steps
            allocated = context.runtime.allocated
        }
        do {
            return try body(context)
        } catch let propagated as Propagated {
            throw propagated.error
        } catch let error as LangError {
            // A builtin's own span points into its own input (a JSON text), not this source.
            throw LangError(error.message, span: span)
        } catch {
            throw LangError(String(describing: error), span: span)
        }
    }
}

/// What a builtin gets to call back into functions it was given (`xs.map(f)`).
final class NativeContext: CallContext {
    /// Unchecked: a callback of `map` or `filter` is called through it once per element, and the
    /// runtime's check of each access (two a call) was 7% of such a call. Only the builtin the
    /// context was made for uses it, one call after another; a builtin that a callback calls gets
    /// a context of its own.
    @exclusivity(unchecked) var runtime: Runtime

    init(_ runtime: Runtime) {
        self.runtime = runtime
    }

    func call(_ function: FunctionValue, _ arguments: [Value]) throws -> Value {
        do {
            return try runtime.invoke(function, arguments, at: runtime.nativeSpan, callee: function.name)
        } catch {
            throw Propagated(error: error)
        }
    }

    func allocate(_ kind: Allocation, _ length: Double) throws {
        do {
            try runtime.allocate(kind, length, runtime.nativeSpan)
        } catch {
            throw Propagated(error: error)
        }
    }
}

/// An evaluator error passing through a builtin unchanged, so its span is kept.
struct Propagated: Error {
    let error: LangError
}
