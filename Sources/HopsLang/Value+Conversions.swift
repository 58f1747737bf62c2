// JavaScript's conversions and comparisons. Contract for the evaluator; bodies to be completed.
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

    /// JavaScript ToNumber.
    public func toNumber() -> Double {
        if case .number(let value) = self { return value }
        return .nan
    }

    /// JavaScript ToString, as `String(value)` gives it.
    public func toJSString() -> String {
        if case .string(let value) = self { return value }
        return ""
    }

    /// `===`
    public static func strictEquals(_ left: Value, _ right: Value) -> Bool {
        false
    }

    /// `==`
    public static func looseEquals(_ left: Value, _ right: Value) -> Bool {
        false
    }
}
