import CSQLite
import Foundation

/// An open SQLite connection: owns the `sqlite3` handle and its cache of prepared statements.
///
/// Not thread-safe by itself; `RunStore` serializes every use behind its lock.
final class Database {
    /// The file this connection reads and writes, as given to `init`.
    let path: String
    private let handle: OpaquePointer
    private var statementCache: [String: Statement] = [:]
    private let openedAt = ContinuousClock.now

    /// How a connection may use its file.
    enum Access {
        case readWrite
        /// Reads only; `immutable` also without locks or the WAL's shared-memory file, for a store in
        /// a folder hops may not write (it then reads only what is checkpointed into the file).
        case readOnly(immutable: Bool)
    }

    /// Opens (or creates) the database file at `path`; sets a busy timeout before anything else.
    init(path: String, create: Bool = true, access: Access = .readWrite, busyTimeoutMilliseconds: Int32 = 10_000) throws {
        self.path = path
        var opened: OpaquePointer?
        var flags = SQLITE_OPEN_NOMUTEX
        var name = path
        switch access {
        case .readWrite:
            flags |= SQLITE_OPEN_READWRITE
            if create { flags |= SQLITE_OPEN_CREATE }
        case .readOnly(let immutable):
            flags |= SQLITE_OPEN_READONLY | SQLITE_OPEN_URI
            name = "file:" + Self.uriEscaped(path) + (immutable ? "?immutable=1" : "?mode=ro")
        }
        let code = sqlite3_open_v2(name, &opened, flags, nil)
        guard let opened else {
            throw DatabaseError(code: code, message: String(cString: sqlite3_errstr(code)), path: path, sql: nil)
        }
        guard code == SQLITE_OK else {
            let error = DatabaseError(
                code: code, message: String(cString: sqlite3_errmsg(opened)), path: path, sql: nil)
            sqlite3_close_v2(opened)
            throw error
        }
        handle = opened
        sqlite3_extended_result_codes(handle, 1)
        // Two hops processes on one store wait for each other instead of failing with "database is locked".
        sqlite3_busy_timeout(handle, busyTimeoutMilliseconds)
    }

    /// `path` with the characters a URI gives a meaning to percent-encoded.
    private static func uriEscaped(_ path: String) -> String {
        var escaped = ""
        for byte in path.utf8 {
            if byte == UInt8(ascii: "%") || byte == UInt8(ascii: "?") || byte == UInt8(ascii: "#") || byte < 0x20 || byte >= 0x80 {
                escaped += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            } else {
                escaped.unicodeScalars.append(Unicode.Scalar(byte))
            }
        }
        return escaped
    }

    deinit {
        statementCache.removeAll()
        if Self.logSize(of: path) < Self.logKeptBelow && ContinuousClock.now - openedAt < Self.logKeptWithin {
            _ = hops_sqlite3_keep_wal_on_close(handle)
        }
        sqlite3_close_v2(handle)
    }

    /// A write-ahead log smaller than this stays beside the store when the last connection closes;
    /// a bigger one is checkpointed into the store and removed. A checkpoint waits for the disk
    /// twice, 2 to 15 ms here and more the bigger the store, and the next write starts a new log;
    /// a log left behind is read whole, to rebuild its index, by the next command that opens the
    /// store (1 ms a MB). At SQLite's own checkpoint size (1,000 pages, `wal_autocheckpoint`), a
    /// resume of 1,000 steps (600 KB of log) checkpoints once every six, not every time.
    static let logKeptBelow: Int64 = 4 << 20

    /// A connection open this long (a flow run of many steps, a session at the prompt) checkpoints
    /// whatever log it leaves: the checkpoint's waits are then a small part of its time, and the
    /// commands after it read no log when they open the store.
    static let logKeptWithin: Duration = .seconds(1)

    /// The size of the write-ahead log of the store at `path`; 0 when there is none.
    static func logSize(of path: String) -> Int64 {
        var info = stat()
        return stat(path + "-wal", &info) == 0 ? Int64(info.st_size) : 0
    }

    /// Runs one or more SQL statements without bound values (schema, pragmas).
    func execute(_ sql: String) throws {
        let code = sqlite3_exec(handle, sql, nil, nil, nil)
        guard code == SQLITE_OK else { throw error(code: code, sql: sql) }
    }

    /// Prepares `sql` once and hands back the same statement, reset and unbound, on later calls.
    func cachedStatement(_ sql: String) throws -> Statement {
        if let statement = statementCache[sql] {
            statement.reset()
            return statement
        }
        let statement = try prepare(sql)
        statementCache[sql] = statement
        return statement
    }

    /// Prepares a statement that is not cached (used once: migrations, maintenance).
    func prepare(_ sql: String) throws -> Statement {
        var prepared: OpaquePointer?
        let code = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &prepared, nil)
        guard code == SQLITE_OK, let prepared else { throw error(code: code, sql: sql) }
        return Statement(handle: prepared, path: path, sql: sql)
    }

    /// Executes a cached statement with `values` bound in order, discarding any rows.
    func run(_ sql: String, _ values: [SQLValue] = []) throws {
        try run(try cachedStatement(sql), values)
    }

    /// Executes `statement` again with `values` bound in order, discarding any rows: for a
    /// statement run many times in a row, whose text is then not looked up each time.
    func run(_ statement: Statement, _ values: [SQLValue]) throws {
        statement.reset()
        try statement.bind(values)
        while try statement.step() {}
    }

    /// Executes a cached statement and maps each row.
    func rows<T>(_ sql: String, _ values: [SQLValue] = [], _ map: (Statement) throws -> T) throws -> [T] {
        let statement = try cachedStatement(sql)
        try statement.bind(values)
        var result: [T] = []
        while try statement.step() { result.append(try map(statement)) }
        return result
    }

    /// Executes a cached statement and maps its first row, if any.
    func row<T>(_ sql: String, _ values: [SQLValue] = [], _ map: (Statement) throws -> T) throws -> T? {
        let statement = try cachedStatement(sql)
        defer { statement.reset() }
        try statement.bind(values)
        guard try statement.step() else { return nil }
        return try map(statement)
    }

    /// The first column of the first row as an integer (0 when there is no row or it is NULL).
    func integer(_ sql: String, _ values: [SQLValue] = []) throws -> Int64 {
        try row(sql, values) { $0.int64(0) } ?? 0
    }

    /// The row id of the last successful INSERT on this connection.
    var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Rows changed by the last INSERT, UPDATE or DELETE.
    var changes: Int { Int(sqlite3_changes(handle)) }

    /// Whether the connection can only read (SQLite falls back to read-only on a read-only file).
    var isReadOnly: Bool { sqlite3_db_readonly(handle, "main") == 1 }

    /// How a transaction takes its locks.
    enum TransactionKind: String {
        /// Takes the write lock at BEGIN, so a writer waits (busy timeout) rather than failing later.
        case immediate = "BEGIN IMMEDIATE"
        /// Takes locks as statements need them; for reads that must see one snapshot.
        case deferred = "BEGIN DEFERRED"
    }

    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
    func transaction<T>(_ kind: TransactionKind = .immediate, _ body: () throws -> T) throws -> T {
        try execute(kind.rawValue)
        do {
            let value = try body()
            try execute("COMMIT")
            return value
        } catch {
            // The rollback's own failure (e.g. SQLite already rolled back) must not hide the cause.
            if sqlite3_get_autocommit(handle) == 0 { try? execute("ROLLBACK") }
            throw error
        }
    }

    /// A `DatabaseError` for `code`, with SQLite's own message for this connection.
    func error(code: Int32, sql: String?) -> DatabaseError {
        DatabaseError(code: code, message: String(cString: sqlite3_errmsg(handle)), path: path, sql: sql)
    }
}

@available(*, unavailable)
extension Database: Sendable {}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
