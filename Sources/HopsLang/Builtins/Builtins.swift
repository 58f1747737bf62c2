/// The builtin methods of values and the global objects (Math, JSON, Object, ...).
/// Contract for the evaluator; bodies to be completed.
enum Builtins {
    /// A property of a value other than an object's own key: `[1].length`, `"ab".length`, `[5][0]`.
    /// Returns nil when there is none (the evaluator then gives undefined).
    static func property(of receiver: Value, _ name: String) -> Value? {
        nil
    }

    /// Calls the builtin method `name` on `receiver`: `xs.map(f)`, `s.split(",")`.
    /// Throws "x.name is not a function" when there is no such method.
    static func callMethod(
        _ receiver: Value, _ name: String, _ arguments: [Value], _ context: CallContext
    ) throws -> Value {
        throw LangError("\(name) is not a function")
    }

    /// The global names every program sees: Math, JSON, Object, Array, Number, String, ...
    static let globals: [String: Value] = [:]
}
