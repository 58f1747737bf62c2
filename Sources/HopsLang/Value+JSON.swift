// JSON in and out. Contract for the evaluator and the shell; bodies to be completed.
extension Value {
    /// Parses JSON text; a syntax error is a LangError whose span points at the offending character.
    public init(parsingJSON text: String) throws {
        throw LangError("JSON parsing is not implemented yet")
    }

    /// What `JSON.stringify(value, null, indent)` gives; nil where it gives undefined.
    public func jsonString(indent: Int = 0) -> String? {
        nil
    }
}
