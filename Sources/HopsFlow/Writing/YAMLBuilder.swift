import HopsLang
import Yams

/// Builds Yams nodes for the writers, quoting strings that YAML would otherwise read as something else.
enum YAMLBuilder {
    static func string(_ text: String) -> Node {
        if text.contains("\n") { return Node(text, Tag(.str), .literal) }
        let plain = Node(text)
        let readsAsString = Tag.Name(rawValue: plain.tag.rawValue) == .str
        return Node(text, Tag(.str), readsAsString && !text.isEmpty ? .any : .singleQuoted)
    }

    static func number(_ value: Double) -> Node {
        if value.rounded() == value, abs(value) < 1e15 { return Node(String(Int(value)), Tag(.int)) }
        return Node(String(value), Tag(.float))
    }

    static func bool(_ value: Bool) -> Node { Node(value ? "true" : "false", Tag(.bool)) }

    static func value(_ value: Value) -> Node {
        switch value {
        case .undefined, .null, .function: return Node("null", Tag(.null))
        case .bool(let flag): return bool(flag)
        case .number(let number): return self.number(number)
        case .string(let text): return string(text)
        case .array(let items): return Node(items.map(self.value))
        case .object(let object): return Node(object.entries.map { (string($0.0), self.value($0.1)) })
        }
    }

    /// An ordered mapping from pairs, dropping nil values.
    static func mapping(_ pairs: [(String, Node?)]) -> Node {
        Node(pairs.compactMap { key, value in value.map { (string(key), $0) } })
    }

    /// The pairs of a kept JSON object, to append to a mapping.
    static func extras(_ extras: JSONValue?) -> [(String, Node?)] {
        guard case .object(let object)? = extras?.value else { return [] }
        return object.entries.map { ($0.0, value($0.1)) }
    }

    static func text(_ node: Node) -> String {
        (try? Yams.serialize(node: node, indent: 2, width: -1, allowUnicode: true)) ?? ""
    }
}
