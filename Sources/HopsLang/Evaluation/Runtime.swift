/// A compiled piece of an expression: evaluates in an environment on behalf of a runtime.
typealias Code = (Environment, Runtime) throws(LangError) -> Value

/// The variables of one function activation (or of the root of an evaluation), and the ones around it.
/// Never mutated after creation: expressions cannot assign, so capturing it is capturing by value.
final class Environment {
    let slots: [Value]
    let parent: Environment?
    /// For the root of an evaluation: which slots have no binding (reading one is an unknown name).
    let unbound: [Bool]

    init(slots: [Value], parent: Environment?, unbound: [Bool] = []) {
        self.slots = slots
        self.parent = parent
        self.unbound = unbound
    }

    func isUnbound(_ index: Int) -> Bool { index < unbound.count && unbound[index] }

    func ancestor(_ depth: Int) -> Environment {
        var environment = self
        for _ in 0..<depth {
            if let parent = environment.parent { environment = parent }
        }
        return environment
    }
}

/// An arrow function: its compiled body and the environment it closed over.
// Unchecked: the captured environment is immutable once built, and the body only reads constants.
struct Arrow: @unchecked Sendable {
    let parameterCount: Int
    /// How much stack one activation may use, in nesting levels of the body.
    let weight: Int
    let body: Code
    let environment: Environment
}

extension FunctionValue {
    convenience init(name: String, arrow: Arrow) {
        self.init(name: name, body: .arrow(arrow))
    }
}

/// The state of one evaluation: its budget, its depth and what may be called.
final class Runtime: CallContext {
    let limits: Limits
    let isCancelled: @Sendable () -> Bool
    /// Functions that may only be called at statement level.
    let actions: Set<ObjectIdentifier>
    var steps = 0
    var depth = 0
    /// Nesting levels in use by active arrow bodies, bounded so the Swift stack cannot overflow.
    var weight = 0
    /// Where the innermost builtin was called from, for errors raised inside it.
    var nativeSpan = Span(start: 0, end: 0)

    /// Total nesting levels of arrow bodies allowed at once.
    static let maximumWeight = 3000

    init(
        limits: Limits, isCancelled: @escaping @Sendable () -> Bool = { false },
        actions: Set<ObjectIdentifier> = []
    ) {
        self.limits = limits
        self.isCancelled = isCancelled
        self.actions = actions
    }

    /// Counts `count` steps; checks the budget and, now and then, cancellation.
    @inline(__always)
    func step(_ count: Int = 1, _ span: Span) throws(LangError) {
        let before = steps
        steps += count
        if steps > limits.maxSteps { throw .budgetExceeded(span) }
        if before >> 12 != steps >> 12, isCancelled() { throw .interrupted(span) }
    }

    /// Calls a function value with the budget, depth and action rules applied.
    func invoke(
        _ function: FunctionValue, _ arguments: [Value], at span: Span, callee: @autoclosure () -> String,
        allowAction: Bool = false
    ) throws(LangError) -> Value {
        try step(1, span)
        if !allowAction, !actions.isEmpty, actions.contains(ObjectIdentifier(function)) {
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
            var slots = arguments
            if slots.count < arrow.parameterCount {
                slots.append(contentsOf: repeatElement(.undefined, count: arrow.parameterCount - slots.count))
            }
            return try arrow.body(Environment(slots: slots, parent: arrow.environment), self)
        case .native(let native):
            let saved = nativeSpan
            nativeSpan = span
            defer { nativeSpan = saved }
            do {
                return try native(arguments, self)
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

    /// For builtins calling back into functions they were given (`xs.map(f)`).
    func call(_ function: FunctionValue, _ arguments: [Value]) throws -> Value {
        do {
            return try invoke(function, arguments, at: nativeSpan, callee: function.name)
        } catch {
            throw Propagated(error: error)
        }
    }
}

/// An evaluator error passing through a builtin unchanged, so its span is kept.
struct Propagated: Error {
    let error: LangError
}
