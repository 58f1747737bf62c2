/// Where something of a flow was read: a file, a line and a column, both counted from 1.
///
/// Locations take no part in equality: the same flow read back from another file or from the
/// other format compares equal, which is what round-trip and export checks need.
public struct SourceLocation: Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file:line:col`, as diagnostics print it.
    public var description: String { "\(file):\(line):\(column)" }
}

extension SourceLocation: Equatable {
    public static func == (left: SourceLocation, right: SourceLocation) -> Bool { true }
}
