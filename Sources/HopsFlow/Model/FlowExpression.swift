/// An expression of the hops language written in a flow, with where its text was read.
public struct FlowExpression: Sendable, Equatable, CustomStringConvertible {
    /// The expression's source text, as the flow spells it (without any `${{ }}` around it).
    public var text: String
    /// Where the pieces of the text were read; empty for expressions built in memory.
    public var origins: [ExpressionOrigin]

    public init(_ text: String, location: SourceLocation? = nil) {
        self.text = text
        self.origins = location.map { [ExpressionOrigin(offset: 0, location: $0)] } ?? []
    }

    public init(_ text: String, origins: [ExpressionOrigin]) {
        self.text = text
        self.origins = origins
    }

    /// Where the text starts in its file: the first piece copied from the file; nil for expressions built in memory.
    public var location: SourceLocation? {
        get { (origins.first { $0.advances } ?? origins.first)?.location }
        set { origins = newValue.map { [ExpressionOrigin(offset: 0, location: $0)] } ?? [] }
    }

    /// The place in the file of the character at `offset` of the text, counted in Unicode scalars as the
    /// language's spans are; inside multi-line YAML scalars too.
    public func location(atOffset offset: Int) -> SourceLocation? {
        guard let origin = origins.last(where: { $0.offset <= offset }) ?? origins.first else { return nil }
        var location = origin.location
        if origin.advances { location.column += max(offset - origin.offset, 0) }
        return location
    }

    public var description: String { text }

    /// Only the text counts: where it was read does not.
    public static func == (left: FlowExpression, right: FlowExpression) -> Bool { left.text == right.text }

    /// Whether the expression is empty or only white space (Windmill keeps such placeholders).
    public var isBlank: Bool { text.allSatisfy(\.isWhitespace) }

    /// The text to evaluate. Windmill runs a text containing `return ` as a function body; a body that
    /// is one `return X;` is the expression X, so the keyword (and a final `;`) become spaces, which
    /// keeps every offset, and so every diagnostic's place, as written.
    public var evaluableText: String {
        let leading = text.prefix { $0.isWhitespace }
        let rest = text.dropFirst(leading.count)
        guard rest.hasPrefix("return"), let next = rest.dropFirst(6).first, next.isWhitespace || next == "{" || next == "(" || next == "["
        else { return text }
        var body = String(rest.dropFirst(6))
        let trailing = body.reversed().prefix { $0.isWhitespace }.count
        if body.dropLast(trailing).hasSuffix(";") {
            let end = body.index(body.endIndex, offsetBy: -(trailing + 1))
            body.replaceSubrange(end...end, with: " ")
        }
        return String(leading) + "      " + body
    }
}

/// Where a piece of an expression's text was read: the text from `offset` on starts at `location`.
public struct ExpressionOrigin: Sendable {
    /// Where the piece starts in the expression's text, in Unicode scalars.
    public var offset: Int
    /// Where the piece starts in its file; columns count Unicode scalars, as YAML positions do.
    public var location: SourceLocation
    /// Whether the piece was copied from the file, one column per character; false for text hops
    /// wrote around it (such as the `!(` of a seed `if`), which all points at `location`.
    public var advances: Bool

    public init(offset: Int, location: SourceLocation, advances: Bool = true) {
        self.offset = offset
        self.location = location
        self.advances = advances
    }
}
