#ifndef HOPS_CSQLITE_SHIM_H
#define HOPS_CSQLITE_SHIM_H
#include <sqlite3.h>

/// Leaves the WAL as it is when the last connection closes (SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE):
/// sqlite3_db_config is variadic, which Swift cannot call.
int hops_sqlite3_keep_wal_on_close(sqlite3 *db);

/// SQLITE_TRANSIENT is a cast macro that Swift cannot import.
static inline int hops_sqlite3_bind_text_transient(sqlite3_stmt *statement, int index, const char *text, int length) {
    return sqlite3_bind_text(statement, index, text, length, SQLITE_TRANSIENT);
}

static inline int hops_sqlite3_bind_blob_transient(sqlite3_stmt *statement, int index, const void *bytes, int length) {
    return sqlite3_bind_blob(statement, index, bytes, length, SQLITE_TRANSIENT);
}

/// The 64-bit variants, so that texts and blobs over 2 GB fail with SQLITE_TOOBIG instead of wrapping.
static inline int hops_sqlite3_bind_text64_transient(sqlite3_stmt *statement, int index, const char *text, sqlite3_uint64 length) {
    return sqlite3_bind_text64(statement, index, text, length, SQLITE_TRANSIENT, SQLITE_UTF8);
}

static inline int hops_sqlite3_bind_blob64_transient(sqlite3_stmt *statement, int index, const void *bytes, sqlite3_uint64 length) {
    return sqlite3_bind_blob64(statement, index, bytes, length, SQLITE_TRANSIENT);
}
#endif
