#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// JavaScript's conversions and comparisons (ECMAScript ToBoolean, ToNumber, ToString,
// IsStrictlyEqual, IsLooselyEqual, IsLessThan and the `+` operator).
extension Value {
    /// JavaScript ToBoolean.
    public var isTruthy: Bool {
        switch self {
        case .undefined, .null: false
        case .bool(let value): value
        case .number(let value): value != 0 && !value.isNaN
        case .string(let value): !value.isEmpty
        case .array, .object, .function: true
        }
    }

    /// What `typeof` gives.
    public var typeName: String {
        switch self {
        case .undefined: "undefined"
        case .null, .array, .object: "object"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .function: "function"
        }
    }

    /// A short name of the kind of value for error messages: "array" and "null" where typeof says "object".
    public var kindName: String {
        switch self {
        case .null: "null"
        case .array: "array"
        default: typeName
        }
    }

    /// JavaScript ToNumber.
    public func toNumber() -> Double {
        switch self {
        case .number(let value): value
        case .undefined: .nan
        case .null: 0
        case .bool(let value): value ? 1 : 0
        case .string(let text): JSNumberParsing.stringToNumber(text)
        case .object(let object):
            if case .date(let time) = object.kind { time } else { Value.string(toJSString()).toNumber() }
        case .array: Value.string(toJSString()).toNumber()
        case .function: .nan
        }
    }

    /// JavaScript ToString, as `String(value)` gives it.
    public func toJSString() -> String {
        switch self {
        case .string(let value): value
        case .number(let value): JSNumberFormatting.string(value)
        case .undefined: "undefined"
        case .null: "null"
        case .bool(let value): value ? "true" : "false"
        case .array(let elements): Value.join(elements.elements, separator: ",")
        case .object(let object):
            switch object.kind {
            case .date(let time): Builtins.dateString(time, style: .full)
            case .regExp(let regExp): regExp.description
            case nil: "[object Object]"
            }
        case .function(let function): "function \(function.name)() { [native code] }"
        }
    }

    /// Array.prototype.join: null and undefined elements become empty strings.
    static func join(_ elements: [Value], separator: String) -> String {
        var result = ""
        for (index, element) in elements.enumerated() {
            if index > 0 { result += separator }
            switch element {
            case .undefined, .null: break
            default: result += element.toJSString()
            }
        }
        return result
    }

    /// JavaScript ToPrimitive with no hint: arrays and objects become their strings; primitives stay.
    public func toPrimitive() -> Value {
        switch self {
        case .array, .object, .function: .string(toJSString())
        default: self
        }
    }

    /// `===`. Arrays and functions compare by identity, as in JavaScript; objects are values in hops,
    /// so they compare by content (see differences.md).
    public static func strictEquals(_ left: Value, _ right: Value) -> Bool {
        switch (left, right) {
        case (.undefined, .undefined), (.null, .null): true
        case (.bool(let a), .bool(let b)): a == b
        case (.number(let a), .number(let b)): a == b
        case (.string(let a), .string(let b)): sameCodeUnits(a, b)
        case (.array(let a), .array(let b)): a === b
        case (.object(let a), .object(let b)) where a.kind != nil || b.kind != nil:
            switch (a.kind, b.kind) {
            case (.date(let x)?, .date(let y)?): x == y
            case (.regExp(let x)?, .regExp(let y)?): x === y
            default: false
            }
        case (.object(let a), .object(let b)):
            a.count == b.count
                && a.entries.allSatisfy { key, value in
                    b[key].map { strictEquals(value, $0) } ?? false
                }
        case (.function(let a), .function(let b)): a === b
        default: false
        }
    }

    /// SameValueZero, what `includes` uses: `===` except that NaN equals NaN.
    static func sameValueZero(_ left: Value, _ right: Value) -> Bool {
        if case .number(let a) = left, case .number(let b) = right, a.isNaN, b.isNaN { return true }
        return strictEquals(left, right)
    }

    /// `==`
    public static func looseEquals(_ left: Value, _ right: Value) -> Bool {
        switch (left, right) {
        case (.undefined, .undefined), (.null, .null), (.undefined, .null), (.null, .undefined):
            return true
        case (.undefined, _), (.null, _), (_, .undefined), (_, .null):
            return false
        case (.number(let a), .string), (.number(let a), .bool):
            return a == right.toNumber()
        case (.string, .number(let b)), (.bool, .number(let b)):
            return left.toNumber() == b
        case (.bool, _):
            return looseEquals(.number(left.toNumber()), right)
        case (_, .bool):
            return looseEquals(left, .number(right.toNumber()))
        case (.array, .array), (.object, .object), (.array, .object), (.object, .array),
            (.function, _), (_, .function):
            return strictEquals(left, right)
        case (.array, _), (.object, _):
            return looseEquals(left.toPrimitive(), right)
        case (_, .array), (_, .object):
            return looseEquals(left, right.toPrimitive())
        default:
            return strictEquals(left, right)
        }
    }

    /// Orders two values as `< <= > >=` do: strings by UTF-16 code units, anything else as numbers.
    /// Returns a negative number, zero or a positive number, or nil when unordered (NaN is involved);
    /// every relational operator is then false.
    public static func compare(_ left: Value, _ right: Value) -> Int? {
        if case .number(let a) = left, case .number(let b) = right {
            return compareNumbers(a, b)
        }
        let leftPrimitive = left.toPrimitive()
        let rightPrimitive = right.toPrimitive()
        if case .string(let a) = leftPrimitive, case .string(let b) = rightPrimitive {
            return compareCodeUnits(a, b)
        }
        return compareNumbers(leftPrimitive.toNumber(), rightPrimitive.toNumber())
    }

    private static func compareNumbers(_ a: Double, _ b: Double) -> Int? {
        if a < b { return -1 }
        if a > b { return 1 }
        if a == b { return 0 }
        return nil
    }

    /// The `+` operator: concatenation when either side is a string after ToPrimitive, else addition.
    public static func add(_ left: Value, _ right: Value) -> Value {
        if case .number(let a) = left, case .number(let b) = right { return .number(a + b) }
        if case .string(let a) = left, case .string(let b) = right { return .string(a + b) }
        let leftPrimitive = left.toPrimitive()
        let rightPrimitive = right.toPrimitive()
        switch (leftPrimitive, rightPrimitive) {
        case (.string(let a), _): return .string(a + rightPrimitive.toJSString())
        case (_, .string(let b)): return .string(leftPrimitive.toJSString() + b)
        default: return .number(leftPrimitive.toNumber() + rightPrimitive.toNumber())
        }
    }

    /// The `%` operator: the remainder takes the sign of the dividend, as in JavaScript and C's fmod.
    public static func remainder(_ left: Double, _ right: Double) -> Double {
        left.truncatingRemainder(dividingBy: right)
    }

    /// The `**` operator and Math.pow, with JavaScript's special cases where C's pow differs.
    public static func power(_ base: Double, _ exponent: Double) -> Double {
        if exponent.isNaN { return .nan }
        if exponent == 0 { return 1 }
        if (base == 1 || base == -1) && exponent.isInfinite { return .nan }
        return JSMath.pow(base, exponent)
    }

    /// Whether two strings hold the same UTF-16 code units (Swift's `==` would also equate
    /// canonically equivalent strings, JavaScript does not).
    static func sameCodeUnits(_ a: String, _ b: String) -> Bool {
        guard a.utf8.count == b.utf8.count else { return false }
        let compared = a.utf8.withContiguousStorageIfAvailable { left in
            b.utf8.withContiguousStorageIfAvailable { right in
                left.count == 0 || memcmp(left.baseAddress!, right.baseAddress!, left.count) == 0
            }
        }
        return (compared ?? nil) ?? a.utf8.elementsEqual(b.utf8)
    }

    /// Compares strings by UTF-16 code units, as JavaScript's `<` and default sort do.
    static func compareCodeUnits(_ a: String, _ b: String) -> Int {
        var left = a.utf8.makeIterator()
        var right = b.utf8.makeIterator()
        while true {
            switch (left.next(), right.next()) {
            case (nil, nil): return 0
            case (nil, _): return -1
            case (_, nil): return 1
            case (let x?, let y?):
                if x == y { continue }
                // Below 0xEE the UTF-8 byte order agrees with UTF-16 order; above it, surrogate
                // pairs sort before U+E000...U+FFFF in UTF-16, so compare the code units.
                if x < 0xEE && y < 0xEE { return x < y ? -1 : 1 }
                return a.utf16.lexicographicallyPrecedes(b.utf16) ? -1 : 1
            }
        }
    }
}
