import HopsLang

/// Turns values into the text the prompt prints: pretty JSON-like text, box tables, JSON or lines.
public struct ValueRenderer: Sendable {
    /// How results are shown; `:mode` switches between them.
    public enum Mode: String, CaseIterable, Sendable {
        /// Pretty-printed values, arrays of objects as tables.
        case table
        /// What `JSON.stringify(value, null, 2)` gives.
        case json
        /// One `key = value` per line, records separated by a blank line.
        case line
    }

    public var mode: Mode
    public var colored: Bool
    /// Cells longer than this many characters are cut with an ellipsis.
    public var maximumCellWidth: Int
    /// A container whose one-line form fits in this many characters stays on one line.
    public var inlineWidth: Int

    public init(mode: Mode = .table, colored: Bool = false, maximumCellWidth: Int = 40, inlineWidth: Int = 72) {
        self.mode = mode
        self.colored = colored
        self.maximumCellWidth = maximumCellWidth
        self.inlineWidth = inlineWidth
    }

    /// The text for a result, without a trailing newline.
    public func render(_ value: Value) -> String {
        switch mode {
        case .json:
            // As `--json` does: what JSON.stringify gives, and null where it gives undefined.
            guard let text = value.jsonString(indent: 2) else { return scalar(.null) }
            switch value {
            case .string: return TextStyle.string.apply(text, colored: colored)
            case .number, .bool: return TextStyle.number.apply(text, colored: colored)
            case .null: return TextStyle.keyword.apply(text, colored: colored)
            default: return text
            }
        case .line:
            return renderLines(value)
        case .table:
            if let table = Table(value) { return renderBox(table) }
            return pretty(value, indent: 0)
        }
    }

    /// A value pretty-printed: scalars as JavaScript shows them, containers as indented JSON-like text.
    public func pretty(_ value: Value, indent: Int) -> String {
        switch value {
        case .array(let elements):
            if elements.isEmpty { return "[]" }
            let inline = "[" + elements.map { pretty($0, indent: 0) }.joined(separator: ", ") + "]"
            if fitsInline(inline, indent: indent) { return inline }
            let pad = String(repeating: "  ", count: indent + 1)
            let items = elements.map { pad + pretty($0, indent: indent + 1) }
            return "[\n" + items.joined(separator: ",\n") + "\n" + String(repeating: "  ", count: indent) + "]"
        case .object(let object):
            if object.count == 0 { return "{}" }
            let parts = object.orderedEntries.map { key, element in
                (TextStyle.key.apply(Value.quoted(key), colored: colored), element)
            }
            let inline = "{" + parts.map { "\($0.0): \(pretty($0.1, indent: 0))" }.joined(separator: ", ") + "}"
            if fitsInline(inline, indent: indent) { return inline }
            let pad = String(repeating: "  ", count: indent + 1)
            let items = parts.map { pad + "\($0.0): \(pretty($0.1, indent: indent + 1))" }
            return "{\n" + items.joined(separator: ",\n") + "\n" + String(repeating: "  ", count: indent) + "}"
        default:
            return scalar(value)
        }
    }

    private func fitsInline(_ text: String, indent: Int) -> Bool {
        let plain = colored ? text.strippingANSI : text
        return !plain.contains("\n") && plain.count + indent * 2 <= inlineWidth
    }

    /// A scalar as the prompt shows it: strings quoted, numbers as JavaScript prints them.
    func scalar(_ value: Value) -> String {
        switch value {
        case .undefined: TextStyle.undefined.apply("undefined", colored: colored)
        case .null: TextStyle.keyword.apply("null", colored: colored)
        case .bool(let flag): TextStyle.number.apply(flag ? "true" : "false", colored: colored)
        case .number: TextStyle.number.apply(value.toJSString(), colored: colored)
        case .string(let text): TextStyle.string.apply(Value.quoted(text), colored: colored)
        case .function(let function):
            TextStyle.function.apply("[Function: \(function.name.isEmpty ? "(anonymous)" : function.name)]", colored: colored)
        case .array, .object: pretty(value, indent: 0)
        }
    }

}

extension Value {
    /// Whether the value is neither an array nor an object.
    var isScalar: Bool {
        switch self {
        case .array, .object: false
        default: true
        }
    }
}
