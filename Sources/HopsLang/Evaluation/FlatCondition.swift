/// An expression that is only comparisons of parameters with constants, joined by `&&`, `||` and
/// `!` (`(origin === "MOW" || country === "RU") && value >= 100`): the condition a loop or a filter
/// evaluates for every item. It is answered from the arguments as they are given, walking a flat
/// list, without the frame, runtime and closure calls of a general evaluation; each comparison is
/// the test the compiler fuses for the same shape, so the answer is the same.
struct FlatCondition: Sendable {
    /// One part: a comparison of a slot, or `&&`, `||`, `!` of the parts at places `first` and `second`.
    /// Plain fields, so that walking the list copies no reference.
    private struct Part: Sendable {
        enum Kind: UInt8, Sendable { case string, number, order, and, or, not }
        var kind: Kind
        /// The slot compared, or the first part joined.
        var first: Int
        /// The second part joined; for `.string`, the test's place in `stringTests`.
        var second: Int = 0
        var number: Double = 0
        var op: BinaryOperator = .strictEqual
        /// For `===` (true) or `!==` of a number.
        var equal = true
    }

    /// The parts, each after the ones it joins: the whole condition is the last.
    private var parts: [Part] = []
    private var stringTests: [StringEquality] = []

    /// nil unless `node` has that shape, each name a parameter (always bound: a missing argument is
    /// undefined). The result of such an expression is always a boolean.
    init?(_ node: Node, parameters: [String]) {
        guard add(node, parameters: parameters) != nil else { return nil }
    }

    /// Appends `node`'s parts; its place, or nil when it is not a flat condition.
    private mutating func add(_ node: Node, parameters: [String]) -> Int? {
        switch node {
        case .unary(.not, let operand, _):
            guard let inner = add(operand, parameters: parameters) else { return nil }
            parts.append(Part(kind: .not, first: inner))
        case .binary(let op, let left, let right, _) where op == .and || op == .or:
            guard let first = add(left, parameters: parameters), let second = add(right, parameters: parameters)
            else { return nil }
            parts.append(Part(kind: op == .and ? .and : .or, first: first, second: second))
        case .binary(let op, .identifier(let name, _), .literal(let constant, _), _):
            guard let slot = parameters.lastIndex(of: name), let comparison = ConstantComparison(op, constant) else {
                return nil
            }
            switch comparison {
            case .string(let test):
                stringTests.append(test)
                parts.append(Part(kind: .string, first: slot, second: stringTests.count - 1))
            case .number(let test):
                parts.append(Part(kind: .number, first: slot, number: test.number, equal: test.equal))
            case .order(let test):
                parts.append(Part(kind: .order, first: slot, number: test.number, op: test.op))
            }
        default:
            return nil
        }
        return parts.count - 1
    }

    /// The condition's truth for `arguments`, bound to the parameters by position.
    func holds(_ arguments: [Value]) -> Bool {
        parts.withUnsafeBufferPointer { parts in
            stringTests.withUnsafeBufferPointer { stringTests in
                arguments.withUnsafeBufferPointer { arguments in
                    Self.holds(parts.count - 1, parts, stringTests, arguments)
                }
            }
        }
    }

    /// The part at `place`; each comparison is the test the compiler fuses for it (`StringEquality`,
    /// `NumberEquality`, `NumberOrder`).
    private static func holds(
        _ place: Int, _ parts: UnsafeBufferPointer<Part>, _ stringTests: UnsafeBufferPointer<StringEquality>,
        _ arguments: UnsafeBufferPointer<Value>
    ) -> Bool {
        let part = parts[place]
        switch part.kind {
        case .and: return holds(part.first, parts, stringTests, arguments) && holds(part.second, parts, stringTests, arguments)
        case .or: return holds(part.first, parts, stringTests, arguments) || holds(part.second, parts, stringTests, arguments)
        case .not: return !holds(part.first, parts, stringTests, arguments)
        case .string:
            return stringTests[part.second].holds(for: argument(part.first, arguments))
        case .number:
            return NumberEquality(number: part.number, equal: part.equal).holds(for: argument(part.first, arguments))
        case .order:
            return NumberOrder(op: part.op, number: part.number).holds(for: argument(part.first, arguments))
        }
    }

    @inline(__always)
    private static func argument(_ slot: Int, _ arguments: UnsafeBufferPointer<Value>) -> Value {
        slot < arguments.count ? arguments[slot] : .undefined
    }
}
