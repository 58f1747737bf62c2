import CSQLite

/// A failure reported by SQLite: its result code, its message, the file and the statement.
///
/// Bound values are never part of it: they may hold results or arguments a user wants kept private.
public struct DatabaseError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The extended result code (the primary code is its low byte).
    public let extendedCode: Int32
    /// SQLite's message for the failure.
    public let message: String
    /// The database file.
    public let path: String
    /// The SQL text being executed, with `?` placeholders only.
    public let sql: String?

    /// The primary result code, e.g. 5 for SQLITE_BUSY, 11 for SQLITE_CORRUPT.
    public var code: Int32 { extendedCode & 0xff }

    init(code: Int32, message: String, path: String, sql: String?) {
        self.extendedCode = code
        self.message = message
        self.path = path
        self.sql = sql
    }

    /// Whether the file is damaged or not a database at all.
    public var isCorruption: Bool { code == SQLITE_CORRUPT || code == SQLITE_NOTADB }

    public var description: String {
        var text = "SQLite error \(code) (\(message)) in \(path)"
        if let sql { text += " - while executing `\(sql)`" }
        return text
    }
}
