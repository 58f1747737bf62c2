import Foundation

extension Compiler {
    mutating func compileUnary(_ op: UnaryOperator, _ operand: Node, _ span: Span) -> Code {
        if op == .typeOf, case .identifier(let name, let nameSpan) = operand {
            return compileTypeOfIdentifier(name, nameSpan)
        }
        switch op {
        case .not:
            let test = compileTest(operand)
            return { frame, runtime throws(LangError) in .bool(try !test(frame, &runtime)) }
        case .negate:
            let code = compile(operand)
            return { frame, runtime throws(LangError) in .number(-(try code(frame, &runtime).toNumber())) }
        case .plus:
            let code = compile(operand)
            return { frame, runtime throws(LangError) in .number(try code(frame, &runtime).toNumber()) }
        case .typeOf:
            let code = compile(operand)
            return { frame, runtime throws(LangError) in .string(try code(frame, &runtime).typeName) }
        }
    }

    mutating func compileBinary(_ op: BinaryOperator, _ leftNode: Node, _ rightNode: Node, _ span: Span) -> Code {
        if let test = compileFusedTest(op, leftNode, rightNode) {
            return { frame, runtime throws(LangError) in .bool(try test(frame, &runtime)) }
        }
        let left = compile(leftNode)
        let right = compile(rightNode)
        switch op {
        case .and:
            return { frame, runtime throws(LangError) in
                let value = try left(frame, &runtime)
                return value.isTruthy ? try right(frame, &runtime) : value
            }
        case .or:
            return { frame, runtime throws(LangError) in
                let value = try left(frame, &runtime)
                return value.isTruthy ? value : try right(frame, &runtime)
            }
        case .coalesce:
            return { frame, runtime throws(LangError) in
                let value = try left(frame, &runtime)
                return value.isNullish ? try right(frame, &runtime) : value
            }
        case .strictEqual, .strictNotEqual:
            let equal = op == .strictEqual
            return { frame, runtime throws(LangError) in
                let a = try left(frame, &runtime)
                let b = try right(frame, &runtime)
                if case .number(let x) = a, case .number(let y) = b { return .bool((x == y) == equal) }
                if case .string(let x) = a, case .string(let y) = b { return .bool((x == y) == equal) }
                return .bool(Value.strictEquals(a, b) == equal)
            }
        case .looseEqual, .looseNotEqual:
            let equal = op == .looseEqual
            return { frame, runtime throws(LangError) in
                .bool(Value.looseEquals(try left(frame, &runtime), try right(frame, &runtime)) == equal)
            }
        case .less, .lessOrEqual, .greater, .greaterOrEqual:
            return compileComparison(op, left, right)
        case .add:
            return { frame, runtime throws(LangError) in
                let a = try left(frame, &runtime)
                let b = try right(frame, &runtime)
                if case .number(let x) = a, case .number(let y) = b { return .number(x + y) }
                let sum = Compiler.add(a, b)
                try runtime.account(sum, span)
                return sum
            }
        case .subtract:
            return arithmetic(left, right) { $0 - $1 }
        case .multiply:
            return arithmetic(left, right) { $0 * $1 }
        case .divide:
            return arithmetic(left, right) { $0 / $1 }
        case .remainder:
            return arithmetic(left, right) { fmod($0, $1) }
        case .power:
            return arithmetic(left, right, Compiler.power)
        case .in:
            return { frame, runtime throws(LangError) in
                let key = try left(frame, &runtime)
                let container = try right(frame, &runtime)
                return .bool(try Compiler.contains(container, key, span))
            }
        }
    }

    // MARK: Tests

    /// Whether `node` always yields a boolean: a comparison, `!`, a boolean literal, or `&&` and `||` of those.
    static func yieldsBoolean(_ node: Node) -> Bool {
        switch node {
        case .binary(let op, let left, let right, _):
            switch op {
            case .strictEqual, .strictNotEqual, .looseEqual, .looseNotEqual, .less, .lessOrEqual, .greater,
                .greaterOrEqual, .in:
                return true
            case .and, .or:
                return yieldsBoolean(left) && yieldsBoolean(right)
            default:
                return false
            }
        case .unary(.not, _, _), .literal(.bool, _):
            return true
        default:
            return false
        }
    }

    /// `node` compiled as a condition: its truthiness without making a value for it, so that a chain of
    /// comparisons joined by `&&` and `||` (the common condition in flows) costs a call per comparison.
    mutating func compileTest(_ node: Node) -> Test {
        switch node {
        case .binary(let op, let left, let right, _):
            if let test = compileFusedTest(op, left, right) { return test }
        case .unary(.not, let operand, _):
            let test = compileTest(operand)
            return { frame, runtime throws(LangError) in try !test(frame, &runtime) }
        default:
            break
        }
        let code = compile(node)
        return { frame, runtime throws(LangError) in try code(frame, &runtime).isTruthy }
    }

    /// A comparison with a constant, or `&&`/`||` of conditions, as one test; nil for other operators.
    private mutating func compileFusedTest(_ op: BinaryOperator, _ leftNode: Node, _ rightNode: Node) -> Test? {
        // Not `??`: a closure passed through a generic function is called through a thunk ever after.
        if let test = compileComparisonWithConstant(op, leftNode, rightNode) { return test }
        return compileLogicalTest(op, leftNode, rightNode)
    }

    /// `a && b` and `a || b` where both sides yield booleans, so the result is the truth of the whole.
    private mutating func compileLogicalTest(_ op: BinaryOperator, _ leftNode: Node, _ rightNode: Node) -> Test? {
        guard op == .and || op == .or, Self.yieldsBoolean(leftNode), Self.yieldsBoolean(rightNode) else { return nil }
        let left = compileTest(leftNode)
        let right = compileTest(rightNode)
        if op == .and {
            return { frame, runtime throws(LangError) in
                guard try left(frame, &runtime) else { return false }
                return try right(frame, &runtime)
            }
        }
        return { frame, runtime throws(LangError) in
            if try left(frame, &runtime) { return true }
            return try right(frame, &runtime)
        }
    }

    /// `name === "constant"`, `name >= 100` and the like in one closure: the common case in flows.
    private mutating func compileComparisonWithConstant(
        _ op: BinaryOperator, _ leftNode: Node, _ rightNode: Node
    ) -> Test? {
        guard case .literal(let constant, _) = rightNode, let comparison = ConstantComparison(op, constant) else {
            return nil
        }
        switch comparison {
        case .string(let test): return compileTest(of: leftNode, test)
        case .number(let test): return compileTest(of: leftNode, test)
        case .order(let test): return compileTest(of: leftNode, test)
        }
    }

    private func arithmetic(_ left: @escaping Code, _ right: @escaping Code, _ operation: @escaping (Double, Double) -> Double) -> Code {
        { frame, runtime throws(LangError) in
            let a = try left(frame, &runtime)
            let b = try right(frame, &runtime)
            if case .number(let x) = a, case .number(let y) = b { return .number(operation(x, y)) }
            return .number(operation(a.toNumber(), b.toNumber()))
        }
    }

    private func compileComparison(_ op: BinaryOperator, _ left: @escaping Code, _ right: @escaping Code) -> Code {
        { frame, runtime throws(LangError) in
            let a = try left(frame, &runtime)
            let b = try right(frame, &runtime)
            if case .number(let x) = a, case .number(let y) = b {
                switch op {
                case .less: return .bool(x < y)
                case .lessOrEqual: return .bool(x <= y)
                case .greater: return .bool(x > y)
                default: return .bool(x >= y)
                }
            }
            return .bool(Compiler.compare(op, a, b))
        }
    }

    /// `<` and friends after ToPrimitive: strings by UTF-16 code units, anything else as numbers.
    static func compare(_ op: BinaryOperator, _ left: Value, _ right: Value) -> Bool {
        let a = numericPrimitive(left)
        let b = numericPrimitive(right)
        if case .string(let x) = a, case .string(let y) = b {
            switch op {
            case .less: return x.utf16.lexicographicallyPrecedes(y.utf16)
            case .lessOrEqual: return !y.utf16.lexicographicallyPrecedes(x.utf16)
            case .greater: return y.utf16.lexicographicallyPrecedes(x.utf16)
            default: return !x.utf16.lexicographicallyPrecedes(y.utf16)
            }
        }
        let x = a.toNumber()
        let y = b.toNumber()
        switch op {
        case .less: return x < y
        case .lessOrEqual: return x <= y
        case .greater: return x > y
        default: return x >= y
        }
    }

    /// ToPrimitive with the number hint, as comparisons use it: a Date becomes its time.
    static func numericPrimitive(_ value: Value) -> Value {
        if case .object(let object) = value, case .date(let time) = object.kind { return .number(time) }
        return primitive(value)
    }

    /// JavaScript's ToPrimitive for the values of the language: arrays, objects and functions become strings.
    static func primitive(_ value: Value) -> Value {
        switch value {
        case .array, .object, .function: .string(value.toJSString())
        default: value
        }
    }

    /// `+` when not both numbers: concatenation if either side is (or becomes) a string.
    static func add(_ left: Value, _ right: Value) -> Value {
        let a = primitive(left)
        let b = primitive(right)
        if case .string(let x) = a { return .string(x + b.toJSString()) }
        if case .string(let y) = b { return .string(a.toJSString() + y) }
        return .number(a.toNumber() + b.toNumber())
    }

    /// `**`, where JavaScript differs from `pow`: `1 ** NaN` and `(-1) ** ±Infinity` are NaN.
    static func power(_ base: Double, _ exponent: Double) -> Double {
        if exponent.isNaN { return .nan }
        if abs(base) == 1, exponent.isInfinite { return .nan }
        return pow(base, exponent)
    }

    /// `key in container`.
    static func contains(_ container: Value, _ key: Value, _ span: Span) throws(LangError) -> Bool {
        let name = key.toJSString()
        switch container {
        case .object(let object):
            return object[name] != nil
        case .array(let items):
            if name == "length" { return true }
            guard let index = Int(name), String(index) == name else { return false }
            return index >= 0 && index < items.count
        default:
            throw LangError("cannot use 'in' to search for '\(name)' in \(container.nullishName)", span: span)
        }
    }
}

/// A comparison with a constant on its right that is answered without making a value: what the
/// compiler fuses into one test, and what a `FlatCondition` is made of.
enum ConstantComparison {
    case string(StringEquality)
    case number(NumberEquality)
    case order(NumberOrder)

    /// `op` with `constant`; nil for a comparison of another kind.
    init?(_ op: BinaryOperator, _ constant: Value) {
        switch (op, constant) {
        case (.strictEqual, .string(let text)), (.strictNotEqual, .string(let text)):
            self = .string(StringEquality(text: text, equal: op == .strictEqual))
        case (.strictEqual, .number(let number)), (.strictNotEqual, .number(let number)):
            self = .number(NumberEquality(number: number, equal: op == .strictEqual))
        case (.less, .number(let number)), (.lessOrEqual, .number(let number)), (.greater, .number(let number)),
            (.greaterOrEqual, .number(let number)):
            self = .order(NumberOrder(op: op, number: number))
        default:
            return nil
        }
    }
}

/// A question about one value, answered without making another: a comparison with a constant.
protocol ValueTest {
    func holds(for value: Value) -> Bool
}

/// `=== "text"` (or `!==`): the same code units, as JavaScript compares strings.
struct StringEquality: ValueTest {
    let text: String
    let equal: Bool
    /// Whether `text` is all ASCII. A string Swift's `==` equates with an ASCII text (canonical
    /// equivalence) and that has as many UTF-8 bytes has its very code units: the other strings
    /// equivalent to it are longer (KELVIN SIGN, 3 bytes, for K). So the test is then `==`, whose
    /// first step compares two short strings' bits.
    private let isASCII: Bool

    init(text: String, equal: Bool) {
        self.text = text
        self.equal = equal
        isASCII = text.utf8.allSatisfy { $0 < 0x80 }
    }

    @inline(__always)
    func holds(for value: Value) -> Bool {
        guard case .string(let string) = value else { return !equal }
        let same = isASCII ? string.utf8.count == text.utf8.count && string == text : Value.sameCodeUnits(string, text)
        return same == equal
    }
}

/// `=== 5` (or `!==`).
struct NumberEquality: ValueTest {
    let number: Double
    let equal: Bool

    @inline(__always)
    func holds(for value: Value) -> Bool {
        if case .number(let actual) = value { return (actual == number) == equal }
        return !equal
    }
}

/// `< 5`, `<= 5`, `> 5`, `>= 5`; a value other than a number is compared as JavaScript does.
struct NumberOrder: ValueTest {
    let op: BinaryOperator
    let number: Double

    @inline(__always)
    func holds(for value: Value) -> Bool {
        guard case .number(let actual) = value else { return Compiler.compare(op, value, .number(number)) }
        switch op {
        case .less: return actual < number
        case .lessOrEqual: return actual <= number
        case .greater: return actual > number
        default: return actual >= number
        }
    }
}
