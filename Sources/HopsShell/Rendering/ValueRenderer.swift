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
    /// Containers nested deeper than this are shown as `[Array]` or `[Object]`, as Node's inspect does.
    public var maximumDepth: Int

    public init(
        mode: Mode = .table, colored: Bool = false, maximumCellWidth: Int = 40, inlineWidth: Int = 72,
        maximumDepth: Int = 64
    ) {
        self.mode = mode
        self.colored = colored
        self.maximumCellWidth = maximumCellWidth
        self.inlineWidth = inlineWidth
        self.maximumDepth = maximumDepth
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
    /// Linear in the size of the value: a container is tried on one line only up to the width left,
    /// and containers nested deeper than `maximumDepth` are shown as `[Array]` or `[Object]`.
    public func pretty(_ value: Value, indent: Int) -> String {
        var output = ""
        write(value, indent: indent, depth: 0, into: &output)
        return output
    }

    private func write(_ value: Value, indent: Int, depth: Int, into output: inout String) {
        switch value {
        case .array(let elements):
            if elements.isEmpty || depth >= maximumDepth { return output += scalar(value) }
            if writeInline(value, indent: indent, depth: depth, into: &output) { return }
            let pad = String(repeating: "  ", count: indent + 1)
            output += "[\n"
            for (index, element) in elements.enumerated() {
                if index > 0 { output += ",\n" }
                output += pad
                write(element, indent: indent + 1, depth: depth + 1, into: &output)
            }
            output += "\n" + String(repeating: "  ", count: indent) + "]"
        case .object(let object):
            if object.count == 0 || depth >= maximumDepth { return output += scalar(value) }
            if writeInline(value, indent: indent, depth: depth, into: &output) { return }
            let pad = String(repeating: "  ", count: indent + 1)
            output += "{\n"
            for (index, (key, element)) in object.orderedEntries.enumerated() {
                if index > 0 { output += ",\n" }
                output += pad + TextStyle.key.apply(Value.quoted(key), colored: colored) + ": "
                write(element, indent: indent + 1, depth: depth + 1, into: &output)
            }
            output += "\n" + String(repeating: "  ", count: indent) + "}"
        default:
            output += scalar(value)
        }
    }

    /// Appends the one-line form of a container if it fits in the width left at `indent`.
    private func writeInline(_ value: Value, indent: Int, depth: Int, into output: inout String) -> Bool {
        var line = ""
        var width = inlineWidth - indent * 2
        guard appendInline(value, depth: depth, into: &line, width: &width) else { return false }
        output += line
        return true
    }

    /// Appends `value` on one line while `width` (the characters left, styling aside) lasts;
    /// false as soon as it runs out, so a big value costs no more than the width to reject.
    private func appendInline(_ value: Value, depth: Int, into line: inout String, width: inout Int) -> Bool {
        func append(_ plain: String, _ styled: String? = nil) -> Bool {
            width -= plain.count
            guard width >= 0 else { return false }
            line += styled ?? plain
            return true
        }
        switch value {
        case .array(let elements) where !elements.isEmpty && depth < maximumDepth:
            guard width >= elements.count * 3, append("[") else { return false }
            for (index, element) in elements.enumerated() {
                if index > 0, !append(", ") { return false }
                guard appendInline(element, depth: depth + 1, into: &line, width: &width) else { return false }
            }
            return append("]")
        case .object(let object) where object.count > 0 && depth < maximumDepth:
            guard width >= object.count * 5, append("{") else { return false }
            for (index, (key, element)) in object.orderedEntries.enumerated() {
                if index > 0, !append(", ") { return false }
                if key.utf8.count > width * 4 { return false }
                let quoted = Value.quoted(key)
                guard append(quoted, TextStyle.key.apply(quoted, colored: colored)), append(": ") else { return false }
                guard appendInline(element, depth: depth + 1, into: &line, width: &width) else { return false }
            }
            return append("}")
        case .string(let text):
            if text.utf8.count > width * 4 + 8 { return false }
            let quoted = Value.quoted(text)
            return append(quoted, TextStyle.string.apply(quoted, colored: colored))
        default:
            let text = scalar(value)
            return append(colored ? text.strippingANSI : text, text)
        }
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
        case .object(let object) where object.specialDescription != nil:
            TextStyle.string.apply(object.specialDescription ?? "", colored: colored)
        case .array(let elements) where elements.isEmpty: "[]"
        case .object(let object) where object.count == 0: "{}"
        case .array: TextStyle.undefined.apply("[Array]", colored: colored)
        case .object: TextStyle.undefined.apply("[Object]", colored: colored)
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
