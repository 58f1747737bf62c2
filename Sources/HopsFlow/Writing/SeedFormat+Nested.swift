import HopsLang
import Yams

extension SeedFormat {
    /// A seed argument for an expression: the nested YAML map or list whose `${{ }}` leaves read back as
    /// this very object or array literal, else the string `${{ e }}`.
    static func argument(for expression: String) -> Node {
        nestedArgument(for: expression) ?? YAMLBuilder.string(seedString(for: expression))
    }

    /// The nested form of an object literal `({k: e, ...})` or array literal, when reading it back gives the same text.
    static func nestedArgument(for expression: String) -> Node? {
        var scalars = Array(expression.unicodeScalars)
        if scalars.count >= 4, scalars.first == "(", scalars[1] == "{", scalars.last == ")" {
            scalars = Array(scalars.dropFirst().dropLast())
        } else if scalars.first != "[" {
            return nil
        }
        var scanner = LiteralScanner(scalars: scalars)
        guard let (node, onlyExpressions) = scanner.value(), scanner.isAtEnd else { return nil }
        // `${{ [a, b] }}` reads as `[a, b]` too; keep the list of bare expressions in that shorter form.
        if scalars.first == "[", onlyExpressions { return nil }
        // Only a form that the reader turns back into the same text will do.
        let yaml = YAMLBuilder.text(YAMLBuilder.mapping([("argument", node)]))
        let source = YAMLSource(file: "", text: yaml)
        guard case .mapping(let mapping)? = source.root(), let written = mapping["argument"] else { return nil }
        let transform = SeedReader(source: source, scriptsRoot: nil).readArgument(written)
        guard source.diagnostics.isEmpty, transform.expression?.text == expression else { return nil }
        return node
    }
}

/// Splits an object or array literal into its properties and elements, down to leaves it leaves unparsed.
private struct LiteralScanner {
    let scalars: [Unicode.Scalar]
    var index = 0

    var isAtEnd: Bool { index >= scalars.count }

    /// The YAML for the literal at `index`, and whether all its leaves are plain expressions.
    mutating func value() -> (Node, Bool)? {
        skipSpaces()
        guard !isAtEnd else { return nil }
        switch scalars[index] {
        case "{":
            index += 1
            var pairs: [(Node, Node)] = []
            var onlyExpressions = true
            skipSpaces()
            if peek("}") { return (Node(pairs), false) }
            while true {
                guard let key = key() else { return nil }
                skipSpaces()
                guard peek(":") else { return nil }
                guard let (value, plain) = value() else { return nil }
                pairs.append((YAMLBuilder.string(key), value))
                onlyExpressions = onlyExpressions && plain
                skipSpaces()
                if peek(",") { continue }
                if peek("}") { return (Node(pairs), onlyExpressions) }
                return nil
            }
        case "[":
            index += 1
            var items: [Node] = []
            var onlyExpressions = true
            skipSpaces()
            if peek("]") { return (Node(items), false) }
            while true {
                guard let (value, plain) = value() else { return nil }
                items.append(value)
                onlyExpressions = onlyExpressions && plain
                skipSpaces()
                if peek(",") { continue }
                if peek("]") { return (Node(items), onlyExpressions) }
                return nil
            }
        default:
            return leaf()
        }
    }

    /// A leaf up to the next `,`, `}` or `]` outside brackets and strings: JSON, a template, or an expression.
    private mutating func leaf() -> (Node, Bool)? {
        let start = index
        var depth = 0
        var quotes: [Unicode.Scalar] = []
        while index < scalars.count {
            let scalar = scalars[index]
            if let quote = quotes.last, quote != "}" {
                if scalar == "\\" {
                    index += 2
                    continue
                }
                if scalar == quote {
                    quotes.removeLast()
                } else if quote == "`", scalar == "$", index + 1 < scalars.count, scalars[index + 1] == "{" {
                    quotes.append("}")
                    index += 1
                }
            } else if scalar == "\"" || scalar == "'" || scalar == "`" {
                quotes.append(scalar)
            } else if scalar == "(" || scalar == "[" || scalar == "{" {
                depth += 1
            } else if scalar == ")" || scalar == "]" || scalar == "}" {
                if depth == 0, quotes.last == "}", scalar == "}" {
                    quotes.removeLast()
                } else if depth == 0 {
                    break
                } else {
                    depth -= 1
                }
            } else if scalar == ",", depth == 0, quotes.isEmpty {
                break
            }
            index += 1
        }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[start..<min(index, scalars.count)])
        let text = String(view).trimmingWhitespace()
        guard !text.isEmpty else { return nil }
        if text.first != "`", let value = try? Value(parsingJSON: text) { return (YAMLBuilder.value(value), false) }
        if text.first == "`", let seed = SeedFormat.template(text) { return (YAMLBuilder.string(seed), false) }
        return (YAMLBuilder.string("${{ \(text) }}"), true)
    }

    /// A property name: an identifier or a JSON string.
    private mutating func key() -> String? {
        skipSpaces()
        guard !isAtEnd else { return nil }
        if scalars[index] == "\"" {
            let start = index
            index += 1
            while index < scalars.count, scalars[index] != "\"" { index += scalars[index] == "\\" ? 2 : 1 }
            index += 1
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars[start..<min(index, scalars.count)])
            guard case .string(let key)? = try? Value(parsingJSON: String(view)) else { return nil }
            return key
        }
        let start = index
        while index < scalars.count, scalars[index].properties.isAlphabetic || scalars[index] == "_" || scalars[index] == "$"
            || ("0"..."9").contains(scalars[index])
        {
            index += 1
        }
        guard index > start else { return nil }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[start..<index])
        return String(view)
    }

    private mutating func skipSpaces() {
        while index < scalars.count, scalars[index].properties.isWhitespace { index += 1 }
    }

    /// Consumes `scalar` when it comes next.
    private mutating func peek(_ scalar: Unicode.Scalar) -> Bool {
        guard index < scalars.count, scalars[index] == scalar else { return false }
        index += 1
        return true
    }
}
