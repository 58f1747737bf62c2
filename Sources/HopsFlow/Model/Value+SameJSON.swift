import HopsLang

extension Value {
    /// Structural equality of two values as JSON sees them; functions are never equal.
    ///
    /// The flow model compares literal values with it; `Value` itself stays free of Equatable,
    /// whose meaning for functions and NaN the language decides.
    static func sameJSON(_ left: Value, _ right: Value) -> Bool {
        switch (left, right) {
        case (.undefined, .undefined), (.null, .null): true
        case (.bool(let a), .bool(let b)): a == b
        case (.number(let a), .number(let b)): a == b || (a.isNaN && b.isNaN)
        case (.string(let a), .string(let b)): a == b
        case (.array(let a), .array(let b)): a.count == b.count && zip(a, b).allSatisfy { sameJSON($0, $1) }
        case (.object(let a), .object(let b)):
            a.keys == b.keys && zip(a.values, b.values).allSatisfy { sameJSON($0, $1) }
        default: false
        }
    }
}

/// A JSON value that compares structurally, for model fields that hold free-form data.
public struct JSONValue: Sendable, Equatable {
    public var value: Value

    public init(_ value: Value) { self.value = value }

    public static func == (left: JSONValue, right: JSONValue) -> Bool { Value.sameJSON(left.value, right.value) }
}
