/// An expression of the hops language written in a flow, with where its text starts.
public struct FlowExpression: Sendable, Equatable, CustomStringConvertible {
    /// The expression's source text, as the flow spells it (without any `${{ }}` around it).
    public var text: String
    /// Where the text starts in its file; nil for expressions built in memory.
    public var location: SourceLocation?

    public init(_ text: String, location: SourceLocation? = nil) {
        self.text = text
        self.location = location
    }

    public var description: String { text }

    /// Only the text counts: where it was read does not.
    public static func == (left: FlowExpression, right: FlowExpression) -> Bool { left.text == right.text }

    /// Whether the expression is empty or only white space (Windmill keeps such placeholders).
    public var isBlank: Bool { text.allSatisfy(\.isWhitespace) }
}
