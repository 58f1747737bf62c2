/// A located error or warning about a piece of source: from the lexer, the parser or an evaluation.
public struct Diagnostic: Error, Sendable, CustomStringConvertible {
    public enum Severity: String, Sendable {
        case error
        case warning
    }

    public var message: String
    public var span: Span
    public var file: SourceFile
    public var severity: Severity
    /// The input ended before the construct did (an open bracket, a trailing operator): more may follow.
    public var isIncomplete: Bool

    public init(
        _ message: String, span: Span, file: SourceFile, severity: Severity = .error,
        isIncomplete: Bool = false
    ) {
        self.message = message
        self.span = span
        self.file = file
        self.severity = severity
        self.isIncomplete = isIncomplete
    }

    /// A runtime error of an evaluation of `file`, located at the error's span (or the whole file).
    init(_ error: LangError, file: SourceFile) {
        let span = error.span ?? Span(start: 0, end: file.scalars.count)
        self.init(error.message, span: span, file: file)
    }

    public var description: String { rendered(colored: false) }
}
