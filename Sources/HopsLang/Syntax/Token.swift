/// A lexical token: its kind, where it is, and the literal it carries.
struct Token: Sendable {
    enum Kind: Sendable, Equatable {
        case number
        case string
        case identifier
        case keyword
        /// A whole template without substitutions: `` `abc` ``.
        case template
        /// `` `abc${ ``
        case templateHead
        /// `}abc${`
        case templateMiddle
        /// `` }abc` ``
        case templateTail
        case punctuator
        /// A regular expression literal: `text` is the pattern, `flags` the flags.
        case regExp
        case error
        case end
    }

    var kind: Kind
    var start: Int
    var end: Int
    /// The punctuator, keyword or identifier text; the cooked value of a string or template part;
    /// the message of an error token.
    var text: String
    var number: Double = 0
    /// The flags of a regular expression literal.
    var flags = ""
    /// A line break comes between this token and the previous one.
    var newlineBefore = false
    /// For error tokens: the input ended inside the token (an open string, template or comment).
    var isIncomplete = false

    var span: Span { Span(start: start, end: end) }

    func isPunctuator(_ value: String) -> Bool { kind == .punctuator && text == value }
    func isKeyword(_ value: String) -> Bool { kind == .keyword && text == value }

    /// How the token is named in a message.
    var described: String {
        switch kind {
        case .end: "end of input"
        case .number, .string, .template, .templateHead, .regExp: "literal"
        case .templateMiddle, .templateTail: "'}'"
        case .identifier: "name '\(text)'"
        case .keyword, .punctuator: "'\(text)'"
        case .error: text
        }
    }
}

/// The words that are not plain names.
let keywords: Set<String> = [
    "true", "false", "null", "undefined", "typeof", "in", "let", "const",
    "var", "function", "return", "new", "this", "class", "if", "else", "for", "while",
    "delete", "void", "instanceof", "yield", "await", "async", "do", "switch", "throw", "try",
]
