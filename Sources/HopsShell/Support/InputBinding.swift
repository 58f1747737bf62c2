import HopsLang

/// Binds a JSON document to `input` and, for an object, each top-level key to a variable of that name.
public enum InputBinding {
    /// Reads the JSON file at `path` (`-` for standard input) and binds it in the interpreter.
    /// Throws `FileContents.ReadError`, or a `Diagnostic` located in the file for invalid JSON.
    public static func bind(path: String, into interpreter: Interpreter) throws {
        let value = try FileContents.withBytes(atPath: path) { bytes in
            do {
                return try Value(parsingJSON: bytes)
            } catch let error as LangError {
                let text = String(decoding: bytes, as: UTF8.self)
                let file = SourceFile(name: path == "-" ? "<stdin>" : path, text: text)
                let span = error.span ?? Span(start: 0, end: 0)
                throw Diagnostic(error.message.hasPrefix("JSON") ? "invalid \(error.message)" : "invalid JSON: \(error.message)", span: span, file: file)
            }
        }
        bind(value, into: interpreter)
    }

    /// Binds `value` to `input` and, when it is an object, each of its keys that is a valid name.
    public static func bind(_ value: Value, into interpreter: Interpreter) {
        if case .object(let object) = value {
            for (key, element) in object.entries where isIdentifier(key) {
                interpreter.setVariable(key, element)
            }
        }
        interpreter.setVariable("input", value)
    }

    /// Whether `name` can be written as a variable in an expression.
    static func isIdentifier(_ name: String) -> Bool {
        guard let first = name.first, first.isLetter || first == "_" || first == "$" else { return false }
        return name.allSatisfy(\.isIdentifierPart)
    }
}
