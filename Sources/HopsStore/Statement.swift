import CSQLite
import Foundation

/// A value bound to a `?` placeholder.
enum SQLValue {
    case integer(Int64)
    case double(Double)
    case text(String)
    case blob(Data)
    case null

    init(_ value: String?) { self = value.map { .text($0) } ?? .null }
    init(_ value: Int64?) { self = value.map { .integer($0) } ?? .null }
    init(_ value: Int?) { self = value.map { .integer(Int64($0)) } ?? .null }
    init(_ value: Double?) { self = value.map { .double($0) } ?? .null }
    init(_ value: Data?) { self = value.map { .blob($0) } ?? .null }
}

/// A prepared statement: owns the `sqlite3_stmt` handle and finalizes it in `deinit`.
final class Statement {
    private let handle: OpaquePointer
    private let path: String
    /// The SQL text, for error messages.
    let sql: String

    init(handle: OpaquePointer, path: String, sql: String) {
        self.handle = handle
        self.path = path
        self.sql = sql
    }

    deinit { sqlite3_finalize(handle) }

    /// Resets the statement and clears its bindings, so it can run again.
    func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    /// Binds `values` to the placeholders 1, 2, … in order.
    func bind(_ values: [SQLValue]) throws {
        for (offset, value) in values.enumerated() {
            try bind(value, at: Int32(offset + 1))
        }
    }

    /// Binds one value to the placeholder at `index` (1-based).
    func bind(_ value: SQLValue, at index: Int32) throws {
        let code: Int32
        switch value {
        case .integer(let integer):
            code = sqlite3_bind_int64(handle, index, integer)
        case .double(let double):
            code = sqlite3_bind_double(handle, index, double)
        case .text(var text):
            code = text.withUTF8 { bytes in
                bytes.withMemoryRebound(to: CChar.self) { characters in
                    guard let base = characters.baseAddress else {
                        // A non-null pointer, so SQLite stores an empty text rather than NULL.
                        return "".withCString { hops_sqlite3_bind_text64_transient(handle, index, $0, 0) }
                    }
                    return hops_sqlite3_bind_text64_transient(handle, index, base, sqlite3_uint64(characters.count))
                }
            }
        case .blob(let data):
            code = data.withUnsafeBytes { bytes in
                hops_sqlite3_bind_blob64_transient(
                    handle, index, bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1), sqlite3_uint64(bytes.count))
            }
        case .null:
            code = sqlite3_bind_null(handle, index)
        }
        guard code == SQLITE_OK else { throw error(code) }
    }

    /// Advances to the next row: true when a row is available, false when the statement is done.
    func step() throws -> Bool {
        let code = sqlite3_step(handle)
        switch code {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            let failure = error(code)
            sqlite3_reset(handle)
            throw failure
        }
    }

    /// Whether column `index` (0-based) of the current row is NULL.
    func isNull(_ index: Int32) -> Bool { sqlite3_column_type(handle, index) == SQLITE_NULL }

    /// Column `index` as an integer (0 for NULL).
    func int64(_ index: Int32) -> Int64 { sqlite3_column_int64(handle, index) }

    /// Column `index` as an integer, nil for NULL.
    func optionalInt64(_ index: Int32) -> Int64? { isNull(index) ? nil : int64(index) }

    /// Column `index` as a double (0 for NULL).
    func double(_ index: Int32) -> Double { sqlite3_column_double(handle, index) }

    /// Column `index` as a double, nil for NULL.
    func optionalDouble(_ index: Int32) -> Double? { isNull(index) ? nil : double(index) }

    /// Column `index` as text ("" for NULL).
    func string(_ index: Int32) -> String { optionalString(index) ?? "" }

    /// Column `index` as text, nil for NULL.
    func optionalString(_ index: Int32) -> String? {
        guard let text = sqlite3_column_text(handle, index) else { return nil }
        // column_bytes after column_text: the byte count of the UTF-8 form just produced.
        let count = Int(sqlite3_column_bytes(handle, index))
        return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
    }

    /// Column `index` as a step's output: text as it is, or bytes (a blob: output that was not plain
    /// text) with the text that shows them.
    func optionalOutput(_ index: Int32) -> (text: String?, bytes: Data?) {
        guard sqlite3_column_type(handle, index) == SQLITE_BLOB else { return (optionalString(index), nil) }
        let bytes = optionalData(index) ?? Data()
        return (OutputText.escaped(bytes), bytes)
    }

    /// Column `index` as bytes, nil for NULL.
    func optionalData(_ index: Int32) -> Data? {
        if isNull(index) { return nil }
        guard let bytes = sqlite3_column_blob(handle, index) else { return Data() }
        return Data(bytes: bytes, count: Int(sqlite3_column_bytes(handle, index)))
    }

    private func error(_ code: Int32) -> DatabaseError {
        let message = sqlite3_db_handle(handle).map { String(cString: sqlite3_errmsg($0)) }
        return DatabaseError(
            code: code, message: message ?? String(cString: sqlite3_errstr(code)), path: path, sql: sql)
    }
}

@available(*, unavailable)
extension Statement: Sendable {}
