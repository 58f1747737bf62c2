/// A value of the hops language: the JSON values plus `undefined` and functions, as in JavaScript.
public enum Value: Sendable {
    case undefined
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    /// An array, shared by reference as in JavaScript: `let b = a; b.push(1)` changes `a` too.
    case array(ArrayValue)
    case object(ObjectValue)
    case function(FunctionValue)

    /// A frozen array of `elements`: what code outside the language makes (parsed step results,
    /// flow inputs), which an expression reads but never changes in place.
    public static func array(_ elements: [Value]) -> Value { .array(ArrayValue(elements, frozen: true)) }

    /// An array the evaluation that makes it may change in place (push, sort, assignment).
    static func list(_ elements: [Value]) -> Value { .array(ArrayValue(elements, frozen: false)) }
}

/// The elements of an array value, held by reference. An array made by an evaluation can be changed
/// in place by it; once it leaves the evaluation (the result of an `Expression`) or comes from
/// outside, it is frozen, and a method that would change it is an error: so a value shared between
/// threads is only ever read.
// Unchecked: elements change only while not frozen, and an unfrozen array is reachable only from
// the one evaluation (or the one prompt) that made it.
public final class ArrayValue: @unchecked Sendable, RandomAccessCollection {
    public private(set) var elements: [Value]
    public private(set) var isFrozen: Bool
    /// Named properties beside the elements: `index`, `input` and `groups` of a RegExp match.
    /// Boxed, as almost no array has any.
    var properties: ObjectValue? {
        get { propertiesBox?.object }
        set { propertiesBox = newValue.map(PropertiesBox.init) }
    }
    private var propertiesBox: PropertiesBox?

    private final class PropertiesBox: Sendable {
        let object: ObjectValue

        init(_ object: ObjectValue) {
            self.object = object
        }
    }

    init(_ elements: [Value], frozen: Bool) {
        self.elements = elements
        isFrozen = frozen
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { elements.count }
    public subscript(position: Int) -> Value { elements[position] }

    /// Freezes this array and every array inside it; stops at arrays already frozen.
    func freeze() {
        guard !isFrozen else { return }
        isFrozen = true
        for element in elements { element.freeze() }
    }

    /// Changes the elements in place; an error for a frozen array.
    func modify<Result>(_ method: String, _ change: (inout [Value]) throws -> Result) throws -> Result {
        guard !isFrozen else {
            throw LangError(
                "\(method): this array comes from outside the expression and cannot be changed in place; "
                    + "copy it first ([...xs])")
        }
        return try change(&elements)
    }
}

extension Value {
    /// Freezes every array in the value (see `ArrayValue`); for a scalar, no call at all.
    @inline(__always)
    func freeze() {
        switch self {
        case .array, .object: freezeContents()
        default: break
        }
    }

    private func freezeContents() {
        switch self {
        case .array(let array): array.freeze()
        case .object(let object): for value in object.values { value.freeze() }
        default: break
        }
    }
}

/// An object with its keys in insertion order, as JavaScript keeps them (integer-like keys aside).
public struct ObjectValue: Sendable {
    /// The keys, shared by objects with the same keys in the same order (the objects of a JSON list,
    /// the objects one literal makes); a change of keys gives this object a shape of its own. A
    /// reference and an array keep an object, and so every value, small.
    private var shape: Shape
    public private(set) var values: [Value]

    /// The keys of objects and what goes with them: each key's position once there are more keys than
    /// a linear search serves well (a JSON map of thousands of keys), and what makes an object a Date
    /// or a RegExp. Never changed, so shared freely, and read without exclusivity checks.
    final class Shape: Sendable {
        let keys: [String]
        let positions: [PropertyKey: Int]?
        let kind: Kind?
        static let indexedFrom = 16
        /// The shape of objects without keys, shared by them all.
        static let empty = Shape([])

        init(_ keys: [String], positions: [PropertyKey: Int]? = nil, kind: Kind? = nil) {
            self.keys = keys
            self.kind = kind
            if positions != nil || keys.count < Self.indexedFrom {
                self.positions = positions
            } else {
                var positions = [PropertyKey: Int](minimumCapacity: keys.count * 2)
                for (index, key) in keys.enumerated() { positions[PropertyKey(key)] = index }
                self.positions = positions
            }
        }

        func position(of key: String) -> Int? {
            if let positions { return positions[PropertyKey(key)] }
            return keys.firstIndex { Value.sameCodeUnits($0, key) }
        }
    }

    enum Kind: Sendable {
        /// A Date: milliseconds since 1970-01-01T00:00:00Z, NaN for an invalid date.
        case date(Double)
        case regExp(RegExpValue)
    }

    /// What makes the object a Date or a RegExp, as JavaScript's internal slots do; nil for a plain object.
    var kind: Kind? {
        get { shape.kind }
        set {
            if newValue == nil, shape.kind == nil { return }
            reshape { _, _, kind in kind = newValue }
        }
    }

    /// How the prompt shows a Date (its ISO time) or a RegExp (`/source/flags`); nil for a plain object.
    public var specialDescription: String? {
        switch kind {
        case .date(let time): time.isNaN ? "Invalid Date" : Builtins.isoString(milliseconds: time)
        case .regExp(let regExp): regExp.description
        case nil: nil
        }
    }

    public init() {
        shape = .empty
        values = []
    }

    /// An object of `keys` that are known to be distinct, with their `values` in the same order.
    init(uniqueKeys keys: [String], values: [Value]) {
        self.init(shape: Shape(keys), values: values)
    }

    /// An object of `shape`'s keys (shared with the objects already holding it) and `values` in their order.
    init(shape: Shape, values: [Value]) {
        self.shape = shape
        self.values = values
    }

    /// An object of `entries` in their order; a repeated key keeps its first place and its last value.
    public init(_ entries: [(String, Value)]) {
        // One shape for all the keys: setting them one by one would make a shape for each.
        var keys: [String] = []
        var values: [Value] = []
        keys.reserveCapacity(entries.count)
        values.reserveCapacity(entries.count)
        var positions: [PropertyKey: Int]? = entries.count >= Shape.indexedFrom ? [:] : nil
        for (key, value) in entries {
            if let index = positions != nil ? positions?[PropertyKey(key)] : keys.firstIndex(where: { Value.sameCodeUnits($0, key) }) {
                values[index] = value
            } else {
                positions?[PropertyKey(key)] = keys.count
                keys.append(key)
                values.append(value)
            }
        }
        self.init(shape: Shape(keys, positions: positions), values: values)
    }

    public var keys: [String] { shape.keys }

    public var count: Int { values.count }

    public var entries: Zip2Sequence<[String], [Value]> { zip(keys, values) }

    /// The shape of this object, for the next object with the same keys to share.
    var sharedShape: Shape { shape }

    /// The value at `key`; setting nil removes the key.
    public subscript(key: String) -> Value? {
        get {
            guard let index = shape.position(of: key) else { return nil }
            return values[index]
        }
        set {
            if let index = shape.position(of: key) {
                if let newValue {
                    values[index] = newValue
                } else {
                    values.remove(at: index)
                    reshape { keys, positions, _ in
                        keys.remove(at: index)
                        positions = nil
                    }
                }
            } else if let newValue {
                values.append(newValue)
                reshape { keys, positions, _ in
                    keys.append(key)
                    positions?[PropertyKey(key)] = keys.count - 1
                }
            }
        }
    }

    /// Gives this object a shape of its own, made by `change` from the current one. The current
    /// shape is let go first, so that when no other object holds it its arrays are changed in place.
    private mutating func reshape(_ change: (inout [String], inout [PropertyKey: Int]?, inout Kind?) -> Void) {
        var keys = shape.keys
        var positions = shape.positions
        var kind = shape.kind
        shape = .empty
        change(&keys, &positions, &kind)
        shape = Shape(keys, positions: positions, kind: kind)
    }
}

/// An object's key as JavaScript tells keys apart: by their code units. Swift's `String` equality
/// and hashing are canonical equivalence, which would make `"\u{212A}"` (KELVIN SIGN) and `"K"`,
/// or a precomposed `é` and `e` with a combining accent, one key.
struct PropertyKey: Hashable, Sendable {
    let text: String

    init(_ text: String) {
        self.text = text
    }

    static func == (left: PropertyKey, right: PropertyKey) -> Bool { Value.sameCodeUnits(left.text, right.text) }

    func hash(into hasher: inout Hasher) {
        if text.utf8.withContiguousStorageIfAvailable({ hasher.combine(bytes: UnsafeRawBufferPointer($0)) }) == nil {
            for byte in text.utf8 { hasher.combine(byte) }
        }
    }
}

/// A callable value: an arrow function of the language or a builtin written in Swift.
public final class FunctionValue: Sendable {
    public typealias Native = @Sendable (_ arguments: [Value], _ context: CallContext) throws -> Value

    public let name: String
    let body: Body

    enum Body: Sendable {
        case native(Native)
        case arrow(Arrow)
    }

    init(name: String, body: Body) {
        self.name = name
        self.body = body
    }

    /// A builtin function implemented in Swift.
    public init(name: String, native: @escaping Native) {
        self.name = name
        self.body = .native(native)
    }
}

/// What a builtin needs from the evaluator: calling back into a function value it was given.
public protocol CallContext {
    func call(_ function: FunctionValue, _ arguments: [Value]) throws -> Value
    /// Counts a string (`length` UTF-8 bytes) or an array (`length` elements) against the
    /// evaluation budget before it is made.
    func allocate(_ kind: Allocation, _ length: Double) throws
}

/// What an evaluation makes that the budget bounds.
public enum Allocation: String, Sendable {
    case string = "a string"
    case array = "an array"
}

/// A runtime error raised by the evaluator or a builtin; the evaluator attaches the span.
public struct LangError: Error, Sendable, Equatable {
    public var message: String
    public var span: Span?

    public init(_ message: String, span: Span? = nil) {
        self.message = message
        self.span = span
    }
}

/// A range of characters in a source file, as offsets; line and column are computed when rendered.
public struct Span: Sendable, Hashable {
    public var start: Int
    public var end: Int

    public init(start: Int, end: Int) {
        self.start = start
        self.end = end
    }
}
