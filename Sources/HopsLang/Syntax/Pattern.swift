/// The parameter list of an arrow function: patterns bound by position, then an optional rest.
struct Parameters: Sendable {
    var patterns: [Pattern]
    /// `...rest`: the arguments after the patterns, as an array.
    var rest: Pattern?

    /// Plain names only, `(a, b) =>`: bound straight from the arguments, the fast path.
    var isSimple: Bool {
        rest == nil && patterns.allSatisfy { if case .name = $0 { true } else { false } }
    }

    /// Every name the parameters bind, in the order they are bound.
    var names: [String] { (patterns + (rest.map { [$0] } ?? [])).flatMap(\.names) }
}

/// What a parameter binds: a name, or the parts of an array or object taken apart.
indirect enum Pattern: Sendable {
    case name(String, Span)
    /// `[a, , b, ...rest]`: nil stands for a skipped element.
    case array([Pattern?], rest: Pattern?, Span)
    /// `{a, b: c, [key]: d, ...rest}`.
    case object([PatternProperty], rest: Pattern?, Span)
    /// `pattern = fallback`: the fallback is used when the value is undefined.
    case defaulted(Pattern, fallback: Node, Span)

    var span: Span {
        switch self {
        case .name(_, let span), .array(_, _, let span), .object(_, _, let span), .defaulted(_, _, let span): span
        }
    }

    /// The names bound, left to right.
    var names: [String] {
        switch self {
        case .name(let name, _): [name]
        case .array(let elements, let rest, _): (elements.compactMap { $0 } + (rest.map { [$0] } ?? [])).flatMap(\.names)
        case .object(let properties, let rest, _): properties.flatMap(\.value.names) + (rest?.names ?? [])
        case .defaulted(let target, _, _): target.names
        }
    }
}

/// One property of an object pattern: which property, and the pattern its value is bound to.
struct PatternProperty: Sendable {
    enum Key: Sendable {
        case named(String)
        case computed(Node)
    }

    var key: Key
    var value: Pattern
    /// Written `{name}` or `{name = fallback}`, without a separate key.
    var isShorthand: Bool
}
