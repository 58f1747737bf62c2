/// A value of the hops language: the JSON values plus `undefined` and functions, as in JavaScript.
public enum Value: Sendable {
    case undefined
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([Value])
    case object(ObjectValue)
    case function(FunctionValue)
}

/// An object with its keys in insertion order, as JavaScript keeps them (integer-like keys aside).
public struct ObjectValue: Sendable {
    public private(set) var keys: [String]
    public private(set) var values: [Value]
    /// Each key's position, kept once an object has more keys than a linear search serves well
    /// (a JSON map of thousands of keys, the results of a thousand-step flow).
    private var positions: [String: Int]?
    private static let indexedFrom = 16

    public init() {
        keys = []
        values = []
    }

    public init(_ entries: [(String, Value)]) {
        self.init()
        for (key, value) in entries { self[key] = value }
    }

    public var count: Int { keys.count }

    public var entries: Zip2Sequence<[String], [Value]> { zip(keys, values) }

    private func position(of key: String) -> Int? {
        if let positions { return positions[key] }
        return keys.firstIndex(of: key)
    }

    /// The value at `key`; setting nil removes the key.
    public subscript(key: String) -> Value? {
        get {
            guard let index = position(of: key) else { return nil }
            return values[index]
        }
        set {
            if let index = position(of: key) {
                if let newValue {
                    values[index] = newValue
                } else {
                    keys.remove(at: index)
                    values.remove(at: index)
                    positions = nil
                    if keys.count >= Self.indexedFrom { indexPositions() }
                }
            } else if let newValue {
                keys.append(key)
                values.append(newValue)
                if positions != nil {
                    positions?[key] = keys.count - 1
                } else if keys.count >= Self.indexedFrom {
                    indexPositions()
                }
            }
        }
    }

    private mutating func indexPositions() {
        var positions = [String: Int](minimumCapacity: keys.count * 2)
        for (index, key) in keys.enumerated() { positions[key] = index }
        self.positions = positions
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
    /// evaluation budget before it is made; `what` names it in the error ("a string").
    func allocate(_ what: String, _ length: Double) throws
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
