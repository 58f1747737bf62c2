/// A problem found while reading a flow, with the place it was found.
public struct FlowDiagnostic: Sendable, Error, CustomStringConvertible {
    public enum Severity: String, Sendable {
        case error
        case warning
    }

    public var severity: Severity
    public var message: String
    public var location: SourceLocation?
    /// The text of the line at `location`, for the caret display.
    public var sourceLine: String?

    public init(_ severity: Severity, _ message: String, at location: SourceLocation? = nil, sourceLine: String? = nil) {
        self.severity = severity
        self.message = message
        self.location = location
        self.sourceLine = sourceLine
    }

    public var isError: Bool { severity == .error }

    /// `file:line:col: error: message`, as one line.
    public var description: String {
        let place = location.map { "\($0): " } ?? ""
        return "\(place)\(severity.rawValue): \(message)"
    }

    /// The one-line description, then the source line and a caret under the column.
    public func rendered(colored: Bool = false) -> String {
        var lines = [colored ? coloredHeadline : description]
        if let sourceLine, let location {
            lines.append(sourceLine)
            // Carets count characters; tabs are kept so the caret lines up under them.
            let prefix = sourceLine.prefix(max(0, location.column - 1)).map { $0 == "\t" ? "\t" : " " }.joined()
            lines.append(prefix + "^")
        }
        return lines.joined(separator: "\n")
    }

    private var coloredHeadline: String {
        let place = location.map { "\u{1B}[1m\($0):\u{1B}[0m " } ?? ""
        let colour = severity == .error ? "\u{1B}[1;31m" : "\u{1B}[1;35m"
        return "\(place)\(colour)\(severity.rawValue):\u{1B}[0m \(message)"
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
