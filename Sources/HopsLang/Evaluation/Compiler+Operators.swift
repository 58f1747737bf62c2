import Foundation

extension Compiler {
    mutating func compileUnary(_ op: UnaryOperator, _ operand: Node, _ span: Span) -> Code {
        if op == .typeOf, case .identifier(let name, let nameSpan) = operand {
            return compileTypeOfIdentifier(name, nameSpan)
        }
        let code = compile(operand)
        switch op {
        case .not:
            return { environment, runtime throws(LangError) in .bool(!(try code(environment, runtime).isTruthy)) }
        case .negate:
            return { environment, runtime throws(LangError) in .number(-(try code(environment, runtime).toNumber())) }
        case .plus:
            return { environment, runtime throws(LangError) in .number(try code(environment, runtime).toNumber()) }
        case .typeOf:
            return { environment, runtime throws(LangError) in .string(try code(environment, runtime).typeName) }
        }
    }

    mutating func compileBinary(_ op: BinaryOperator, _ leftNode: Node, _ rightNode: Node, _ span: Span) -> Code {
        let left = compile(leftNode)
        // Comparing with a constant string is the common case in flows: skip one closure call.
        if op == .strictEqual || op == .strictNotEqual, case .literal(.string(let constant), _) = rightNode {
            let equal = op == .strictEqual
            return { environment, runtime throws(LangError) in
                let value = try left(environment, runtime)
                if case .string(let string) = value { return .bool((string == constant) == equal) }
                return .bool(!equal)
            }
        }
        if op == .strictEqual || op == .strictNotEqual, case .literal(.number(let constant), _) = rightNode {
            let equal = op == .strictEqual
            return { environment, runtime throws(LangError) in
                let value = try left(environment, runtime)
                if case .number(let number) = value { return .bool((number == constant) == equal) }
                return .bool(!equal)
            }
        }
        let right = compile(rightNode)
        switch op {
        case .and:
            return { environment, runtime throws(LangError) in
                let value = try left(environment, runtime)
                return value.isTruthy ? try right(environment, runtime) : value
            }
        case .or:
            return { environment, runtime throws(LangError) in
                let value = try left(environment, runtime)
                return value.isTruthy ? value : try right(environment, runtime)
            }
        case .coalesce:
            return { environment, runtime throws(LangError) in
                let value = try left(environment, runtime)
                return value.isNullish ? try right(environment, runtime) : value
            }
        case .strictEqual, .strictNotEqual:
            let equal = op == .strictEqual
            return { environment, runtime throws(LangError) in
                let a = try left(environment, runtime)
                let b = try right(environment, runtime)
                if case .number(let x) = a, case .number(let y) = b { return .bool((x == y) == equal) }
                if case .string(let x) = a, case .string(let y) = b { return .bool((x == y) == equal) }
                return .bool(Value.strictEquals(a, b) == equal)
            }
        case .looseEqual, .looseNotEqual:
            let equal = op == .looseEqual
            return { environment, runtime throws(LangError) in
                .bool(Value.looseEquals(try left(environment, runtime), try right(environment, runtime)) == equal)
            }
        case .less, .lessOrEqual, .greater, .greaterOrEqual:
            return compileComparison(op, left, right)
        case .add:
            return { environment, runtime throws(LangError) in
                let a = try left(environment, runtime)
                let b = try right(environment, runtime)
                if case .number(let x) = a, case .number(let y) = b { return .number(x + y) }
                return Compiler.add(a, b)
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
            return { environment, runtime throws(LangError) in
                let key = try left(environment, runtime)
                let container = try right(environment, runtime)
                return .bool(try Compiler.contains(container, key, span))
            }
        }
    }

    private func arithmetic(_ left: @escaping Code, _ right: @escaping Code, _ operation: @escaping (Double, Double) -> Double) -> Code {
        { environment, runtime throws(LangError) in
            let a = try left(environment, runtime)
            let b = try right(environment, runtime)
            if case .number(let x) = a, case .number(let y) = b { return .number(operation(x, y)) }
            return .number(operation(a.toNumber(), b.toNumber()))
        }
    }

    private func compileComparison(_ op: BinaryOperator, _ left: @escaping Code, _ right: @escaping Code) -> Code {
        { environment, runtime throws(LangError) in
            let a = try left(environment, runtime)
            let b = try right(environment, runtime)
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
        let a = primitive(left)
        let b = primitive(right)
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
