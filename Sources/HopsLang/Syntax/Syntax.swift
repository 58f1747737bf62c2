/// An expression of the language as parsed, before it is compiled.
indirect enum Node: Sendable {
    case literal(Value, Span)
    /// A template literal: `strings.count == expressions.count + 1`.
    case template(strings: [String], expressions: [Node], Span)
    case identifier(String, Span)
    case array([Element], Span)
    case object([Property], Span)
    case member(Node, name: String, optional: Bool, Span)
    case index(Node, Node, optional: Bool, Span)
    case call(Node, [Element], optional: Bool, Span)
    /// The extent of an optional chain: `a?.b.c` is undefined as a whole when `a` is nullish.
    case optionalChain(Node, Span)
    case arrow(parameters: Parameters, body: Node, Span)
    case unary(UnaryOperator, Node, Span)
    case binary(BinaryOperator, Node, Node, Span)
    case conditional(Node, Node, Node, Span)

    var span: Span {
        switch self {
        case .literal(_, let span), .template(_, _, let span), .identifier(_, let span),
            .array(_, let span), .object(_, let span), .member(_, _, _, let span),
            .index(_, _, _, let span), .call(_, _, _, let span), .optionalChain(_, let span),
            .arrow(_, _, let span), .unary(_, _, let span), .binary(_, _, _, let span),
            .conditional(_, _, _, let span):
            span
        }
    }
}

/// An array literal element or a call argument.
enum Element: Sendable {
    case value(Node)
    case spread(Node, Span)
}

/// An object literal entry.
enum Property: Sendable {
    /// `key: value`; `key` is where the key is written.
    case named(String, Node, key: Span)
    /// `{name}`: the property `name` with the value of the variable `name`.
    case shorthand(String, Span)
    case computed(Node, Node)
    case spread(Node, Span)
}

enum UnaryOperator: String, Sendable {
    case not = "!"
    case negate = "-"
    case plus = "+"
    case typeOf = "typeof"
}

enum BinaryOperator: String, CaseIterable, Sendable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", remainder = "%", power = "**"
    case strictEqual = "===", strictNotEqual = "!==", looseEqual = "==", looseNotEqual = "!="
    case less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    case `in` = "in"
    case and = "&&", or = "||", coalesce = "??"

    /// The operator written `text`. A search of the cases rather than `init(rawValue:)`, which builds
    /// a dictionary of them on first use: a measurable part of the start-up of `hops -e`.
    static func written(_ text: String) -> BinaryOperator? { allCases.first { $0.rawValue == text } }
}

/// A statement of the prompt or a notebook.
enum Statement: Sendable {
    /// `let name = value` or `const name = value`.
    case declaration(name: String, value: Node?, constant: Bool, Span)
    /// `target = value`, where target is a name with a path of members and indexes.
    case assignment(target: Node, value: Node, Span)
    case expression(Node)
}

extension Span {
    /// The span from the start of `self` to the end of `other`.
    func through(_ other: Span) -> Span { Span(start: start, end: max(end, other.end)) }
}
