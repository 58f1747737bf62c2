import HopsLang

/// A problem found while reading a flow, with the place it was found.
///
/// It renders through the language's `Diagnostic`, so a flow problem and an expression error
/// look alike: `file:line:col: error: message`, the source line and a caret.
public struct FlowDiagnostic: Sendable, Error, CustomStringConvertible {
    public typealias Severity = Diagnostic.Severity

    public var severity: Severity
    public var message: String
    public var location: SourceLocation?
    /// The text `location` points into (the whole YAML file), for the source line and the caret.
    public var source: SourceFile?
    /// How many characters the caret line underlines, at least one.
    public var length: Int

    public init(
        _ severity: Severity, _ message: String, at location: SourceLocation? = nil, in source: SourceFile? = nil,
        length: Int = 1
    ) {
        self.severity = severity
        self.message = message
        self.location = location
        self.source = source
        self.length = max(length, 1)
    }

    /// A diagnostic that knows only the text of its own line rather than the whole file.
    public init(_ severity: Severity, _ message: String, at location: SourceLocation?, sourceLine: String?) {
        var source: SourceFile?
        if let location, let sourceLine {
            // Blank lines before it put the line at its number, so the one renderer can show it.
            let text = String(repeating: "\n", count: max(location.line - 1, 0)) + sourceLine
            source = SourceFile(name: location.file, text: text)
        }
        self.init(severity, message, at: location, in: source)
    }

    public var isError: Bool { severity == .error }

    /// The text of the source line at `location`, if the source is known.
    public var sourceLine: String? {
        guard let location, let source else { return nil }
        let lines = source.text.split(separator: "\n", omittingEmptySubsequences: false)
        guard location.line >= 1, location.line <= lines.count else { return nil }
        return String(lines[location.line - 1])
    }

    /// `file:line:col: error: message`, as one line.
    public var description: String {
        let place = location.map { "\($0): " } ?? ""
        return "\(place)\(severity.rawValue): \(message)"
    }

    /// The one-line description, then the source line and a caret under the column.
    public func rendered(colored: Bool = false) -> String {
        guard let diagnostic = languageDiagnostic else { return description }
        return diagnostic.rendered(colored: colored)
    }

    /// The same problem as the language's diagnostic, located by an offset into the source.
    public var languageDiagnostic: Diagnostic? {
        guard let location, let source, let start = source.offset(line: location.line, column: location.column) else {
            return nil
        }
        return Diagnostic(message, span: Span(start: start, end: start + length), file: source, severity: severity)
    }
}

extension SourceFile {
    /// The offset of a 1-based line and column, both counted in Unicode scalars as YAML marks are; nil past the text.
    func offset(line: Int, column: Int) -> Int? {
        guard line >= 1, column >= 1 else { return nil }
        var offset = 0
        var currentLine = 1
        var scalars = text.unicodeScalars.makeIterator()
        while currentLine < line {
            guard let scalar = scalars.next() else { return nil }
            offset += 1
            if scalar == "\n" { currentLine += 1 }
        }
        let lineLength = text.unicodeScalars.dropFirst(offset).prefix { $0 != "\n" }.count
        return offset + min(column - 1, lineLength)
    }
}

/// Reading a flow failed; the diagnostics say where and why.
public struct FlowLoadError: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [FlowDiagnostic]

    public init(diagnostics: [FlowDiagnostic]) {
        self.diagnostics = diagnostics
    }

    public var description: String { diagnostics.map { $0.rendered() }.joined(separator: "\n") }
}

/// What reading a flow gave: the flow as far as it could be read, and every problem met on the way.
public struct FlowLoadResult: Sendable {
    /// The flow; nil only when the file could not be read or is not a flow at all.
    public var flow: Flow?
    public var diagnostics: [FlowDiagnostic]

    public init(flow: Flow?, diagnostics: [FlowDiagnostic]) {
        self.flow = flow
        self.diagnostics = diagnostics
    }

    public var errors: [FlowDiagnostic] { diagnostics.filter(\.isError) }
    public var warnings: [FlowDiagnostic] { diagnostics.filter { !$0.isError } }
}
