import HopsFlow
import HopsLang

/// Flow inputs given as `key=value` words (`-i` on the command line, `:inputs` at the prompt).
public enum FlowInputValues {
    /// A word that is not `key=value`.
    public struct MalformedInput: Error, Sendable, CustomStringConvertible {
        public var word: String
        public var description: String { "an input is key=value, not '\(word)'" }
    }

    /// The words as named text, for the flow's schema to convert (`FlowInputs.bind`).
    public static func named(_ words: [String]) throws(MalformedInput) -> [(name: String, value: FlowInputs.Given)] {
        try words.map { word throws(MalformedInput) in
            guard let equals = word.firstIndex(of: "="), equals != word.startIndex else { throw MalformedInput(word: word) }
            return (String(word[..<equals]), .text(String(word[word.index(after: equals)...])))
        }
    }

    /// The inputs named by `words`, converted and checked against the flow's schema, defaults applied.
    public static func bind(_ words: [String], to flow: Flow, allowMissing: Bool = false) throws -> ObjectValue {
        try FlowInputs.bind(named(words), to: flow, allowMissing: allowMissing)
    }
}
