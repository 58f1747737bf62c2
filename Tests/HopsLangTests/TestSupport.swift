import HopsLang

/// A compact, deterministic rendering of a value for assertions, independent of the builtins.
func describe(_ value: Value) -> String {
    switch value {
    case .undefined: return "undefined"
    case .null: return "null"
    case .bool(let value): return String(value)
    case .number(let value):
        if value.isNaN { return "NaN" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        return String(value)
    case .string(let value): return "\"\(value)\""
    case .array(let items): return "[" + items.map(describe).joined(separator: ",") + "]"
    case .object(let object):
        return "{" + object.entries.map { "\($0.0):\(describe($0.1))" }.joined(separator: ",") + "}"
    case .function(let function): return "function \(function.name)"
    }
}

/// Evaluates `text` with `bindings` and describes the result, or the error message.
func evaluate(_ text: String, _ bindings: [String: Value] = [:]) -> String {
    do {
        return describe(try Expression(text).evaluate(bindings: bindings))
    } catch let diagnostic as Diagnostic {
        return "error: \(diagnostic.message)"
    } catch {
        return "error: \(error)"
    }
}
