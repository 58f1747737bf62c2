import Foundation
import HopsLang
import Yams

/// One YAML file being read: its text, its root node, and the diagnostics found in it.
///
/// Not Sendable: it lives for one load on one thread.
final class YAMLSource {
    let file: String
    let text: String
    // Made when first needed: a flow that loads without a diagnostic or an expression needs none of them.
    /// The text as the language's source file, which diagnostics render from.
    private(set) lazy var sourceFile = SourceFile(name: file, text: text)
    private(set) lazy var lines: [Substring] = text.split(separator: "\n", omittingEmptySubsequences: false)
    /// The text as Unicode scalars, and where each line starts in it, for placing pieces of scalars.
    private(set) lazy var rawScalars = Array(text.unicodeScalars)
    private(set) lazy var rawLineStarts = [0] + rawScalars.indices.filter { rawScalars[$0] == "\n" }.map { $0 + 1 }
    private(set) var diagnostics: [FlowDiagnostic] = []
    /// What reading the flow looked up on disk.
    let files = FileLookups()

    init(file: String, text: String) {
        self.file = file
        self.text = text
    }

    /// Nesting deeper than this is refused: no flow needs it, and it would exhaust the stack.
    static let maxDepth = 256
    /// More nodes than this once aliases are expanded is refused (an alias bomb).
    static let maxNodes = 500_000

    /// The root node; nil (with a diagnostic) when the text is not valid YAML, is empty, nests too
    /// deep or expands, through aliases, to more nodes than a flow can have.
    func root() -> Node? {
        if let (line, column) = Self.tooDeepFlowCollection(text) {
            report(.error, "invalid YAML: brackets nested more than \(Self.maxDepth) deep", at: SourceLocation(file: file, line: line, column: column))
            return nil
        }
        do throws(YAMLComposer.Problem) {
            guard let node = try YAMLComposer.compose(text) else {
                report(.error, "the file is empty", at: SourceLocation(file: file, line: 1, column: 1))
                return nil
            }
            return node
        } catch {
            report(.error, error.message, at: SourceLocation(file: file, line: error.line, column: error.column))
            return nil
        }
    }

    /// Where `[` / `{` brackets first nest deeper than `maxDepth` (outside quotes and comments), or nil.
    ///
    /// Read as UTF-8 bytes: every character that matters is ASCII; a character of several bytes
    /// counts once, at its first byte, and is none of them.
    static func tooDeepFlowCollection(_ text: String) -> (line: Int, column: Int)? {
        var text = text
        return text.withUTF8 { bytes -> (line: Int, column: Int)? in
            var depth = 0
            var line = 1
            var column = 0
            var quote: UInt8?
            var comment = false
            var previous = UInt8(ascii: "\n")
            // Outside brackets, one starts a collection only as a value: first on its line, or after `:`, `-` or `?`.
            var lastOnLine: UInt8?
            for byte in bytes where byte & 0xC0 != 0x80 {
                column += 1
                defer {
                    previous = byte
                    if byte != UInt8(ascii: " ") && byte != UInt8(ascii: "\t") && byte != UInt8(ascii: "\n") { lastOnLine = byte }
                }
                if byte == UInt8(ascii: "\n") {
                    line += 1
                    column = 0
                    comment = false
                    lastOnLine = nil
                    continue
                }
                if comment { continue }
                if let open = quote {
                    if byte == open { quote = nil }
                    continue
                }
                switch byte {
                case UInt8(ascii: "#")
                where previous == UInt8(ascii: " ") || previous == UInt8(ascii: "\t") || previous == UInt8(ascii: "\n"):
                    comment = true
                case UInt8(ascii: "\""), UInt8(ascii: "'"): if depth > 0 { quote = byte }
                case UInt8(ascii: "["), UInt8(ascii: "{"):
                    if depth == 0, let last = lastOnLine,
                        last != UInt8(ascii: ":"), last != UInt8(ascii: "-"), last != UInt8(ascii: "?")
                    {
                        break
                    }
                    depth += 1
                    if depth > maxDepth { return (line, column) }
                case UInt8(ascii: "]"), UInt8(ascii: "}"): depth = max(0, depth - 1)
                default: break
                }
            }
            return nil
        }
    }

    func location(of node: Node) -> SourceLocation {
        let mark = node.mark
        return SourceLocation(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1)
    }

    /// Where the text of a scalar starts: after the opening quote of a quoted one, on the next line for a block one.
    func textLocation(of node: Node) -> SourceLocation {
        var location = location(of: node)
        switch node.scalar?.style {
        case .singleQuoted?, .doubleQuoted?: location.column += 1
        case .literal?, .folded?:
            location.line += 1
            let line = location.line <= lines.count ? lines[location.line - 1] : ""
            location.column = line.prefix { $0 == " " }.count + 1
        default: break
        }
        return location
    }

    func report(_ severity: FlowDiagnostic.Severity, _ message: String, at location: SourceLocation, length: Int = 1) {
        diagnostics.append(FlowDiagnostic(severity, message, at: location, in: sourceFile, length: length))
    }

    func report(_ severity: FlowDiagnostic.Severity, _ message: String, at node: Node) {
        report(severity, message, at: location(of: node))
    }

    func adopt(_ diagnostics: [FlowDiagnostic]) {
        self.diagnostics += diagnostics
    }

    // MARK: Typed access

    /// The key/value pairs of a mapping; nil (with an error naming `what`) for anything else.
    func mapping(_ node: Node, _ what: String) -> [(key: String, value: Node, keyNode: Node)]? {
        guard case .mapping(let mapping) = node else {
            report(.error, "\(what) must be a mapping", at: node)
            return nil
        }
        return mapping.map { (key: $0.key.scalar?.string ?? $0.key.string ?? "", value: $0.value, keyNode: $0.key) }
    }

    /// The value of each key among `pairs`, or nil: the keys are gathered once and compared alone,
    /// since a look at a pair copies its two nodes, weak references and all (a step's fields are
    /// read a dozen times, in a flow of a thousand steps).
    static func fields(_ pairs: [(key: String, value: Node, keyNode: Node)]) -> (String) -> Node? {
        let keys = pairs.map(\.key)
        return { key in keys.firstIndex(of: key).map { pairs[$0].value } }
    }

    /// The items of a sequence; a null node is an empty list; nil (with an error) for anything else.
    func sequence(_ node: Node, _ what: String) -> [Node]? {
        if isNull(node) { return [] }
        guard case .sequence(let sequence) = node else {
            report(.error, "\(what) must be a list", at: node)
            return nil
        }
        return Array(sequence)
    }

    func isNull(_ node: Node) -> Bool {
        node.scalar != nil && node.tag.rawValue == Tag.Name.null.rawValue
    }

    /// A scalar as a string (numbers and booleans in their written form); nil with an error otherwise.
    func string(_ node: Node, _ what: String) -> String? {
        guard let scalar = node.scalar else {
            report(.error, "\(what) must be a string", at: node)
            return nil
        }
        if node.tag.rawValue == Tag.Name.null.rawValue { return nil }
        return scalar.string
    }

    func bool(_ node: Node, _ what: String) -> Bool? {
        if isNull(node) { return nil }
        guard node.scalar != nil, let value = node.bool else {
            report(.error, "\(what) must be true or false", at: node)
            return nil
        }
        return value
    }

    func number(_ node: Node, _ what: String) -> Double? {
        if isNull(node) { return nil }
        guard node.scalar != nil, let value = node.float ?? node.int.map(Double.init) else {
            report(.error, "\(what) must be a number", at: node)
            return nil
        }
        return value
    }

    func integer(_ node: Node, _ what: String) -> Int? {
        guard let value = number(node, what) else { return nil }
        guard value.rounded() == value, abs(value) < 1e15 else {
            report(.error, "\(what) must be a whole number", at: node)
            return nil
        }
        return Int(value)
    }

    /// The node as a JSON value of the language, by YAML's own typing of scalars.
    func value(_ node: Node) -> Value {
        switch node {
        case .scalar:
            return node.scalarValue ?? .null
        case .sequence(let sequence):
            return .array(sequence.map(value))
        case .mapping(let mapping):
            return .object(ObjectValue(mapping.map { ($0.key.string ?? "", value($0.value)) }))
        case .alias:
            return .null
        }
    }

    /// Warns about each key of `pairs` outside `known`, naming where it was found.
    func warnUnknown(_ pairs: [(key: String, value: Node, keyNode: Node)], known: Set<String>, in what: @autoclosure () -> String) {
        for pair in pairs where !known.contains(pair.key) {
            report(.warning, "unknown field '\(pair.key)' in \(what()), ignored", at: pair.keyNode)
        }
    }
}

extension Node {
    /// A scalar as a JSON value of the language, by YAML's own typing (null, bool, int, float, else
    /// text); nil for a sequence, a mapping or an alias.
    public var scalarValue: HopsLang.Value? {
        guard case .scalar(let scalar) = self else { return nil }
        switch Tag.Name(rawValue: tag.rawValue) {
        case .null: return HopsLang.Value.null
        case .bool: return bool.map(HopsLang.Value.bool) ?? HopsLang.Value.string(scalar.string)
        case .int:
            // Decimal digits as most numbers are written; Yams's own reading handles the others
            // (0x1F, 0o17, 017, 1_000, 1:30, and -0, which it leaves as text).
            let digits = scalar.string.utf8.drop { $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "+") }
            if digits.first != UInt8(ascii: "0"), let number = Int(scalar.string) {
                return HopsLang.Value.number(Double(number))
            }
            return int.map { HopsLang.Value.number(Double($0)) } ?? HopsLang.Value.string(scalar.string)
        case .float: return float.map(HopsLang.Value.number) ?? HopsLang.Value.string(scalar.string)
        default: return HopsLang.Value.string(scalar.string)
        }
    }
}
