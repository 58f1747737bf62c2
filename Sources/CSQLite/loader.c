// libsqlite3 loaded when a store is first opened, not when hops starts: `hops -e` never opens
// one. These are the functions hops calls, forwarded to the library.
#include "shim.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>

static void *hops_sqlite_symbol(const char *name) {
    static void *library = NULL;
    if (library == NULL) library = dlopen("libsqlite3.so.0", RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) library = dlopen("libsqlite3.so", RTLD_NOW | RTLD_LOCAL);
    return library == NULL ? NULL : dlsym(library, name);
}

// The sqlite3 function `name`, typed as sqlite3.h declares it. Every path into the library
// starts at sqlite3_open_v2, which fails cleanly when the library is missing.
#define FUNCTION(name) \
    static __typeof__(&name) function = NULL; \
    if (function == NULL) function = (__typeof__(&name))hops_sqlite_symbol(#name);

// Before the library's first use: no count of the memory it holds (SQLITE_CONFIG_MEMSTATUS), which
// hops never asks for and which costs a global mutex around every allocation and free. A library
// some other code of the process already started keeps its setting (sqlite3_config then refuses).
static void hops_sqlite3_configure(void) {
    int (*config)(int, ...) = (int (*)(int, ...))hops_sqlite_symbol("sqlite3_config");
    if (config != NULL) config(SQLITE_CONFIG_MEMSTATUS, 0);
}

int sqlite3_open_v2(const char *path, sqlite3 **db, int flags, const char *vfs) {
    static pthread_once_t configured = PTHREAD_ONCE_INIT;
    pthread_once(&configured, hops_sqlite3_configure);
    FUNCTION(sqlite3_open_v2)
    if (function == NULL) {
        *db = NULL;
        return SQLITE_CANTOPEN;
    }
    return function(path, db, flags, vfs);
}
sqlite3_int64 sqlite3_memory_used(void) {
    FUNCTION(sqlite3_memory_used)
    return function ? function() : 0;
}
const char *sqlite3_errstr(int code) {
    FUNCTION(sqlite3_errstr)
    return function ? function(code) : "libsqlite3 could not be loaded";
}
int hops_sqlite3_keep_wal_on_close(sqlite3 *db) {
    FUNCTION(sqlite3_db_config)
    return function ? function(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, (int *)NULL) : SQLITE_ERROR;
}
int sqlite3_close_v2(sqlite3 *db) { FUNCTION(sqlite3_close_v2) return function(db); }
int sqlite3_extended_result_codes(sqlite3 *db, int on) { FUNCTION(sqlite3_extended_result_codes) return function(db, on); }
int sqlite3_busy_timeout(sqlite3 *db, int ms) { FUNCTION(sqlite3_busy_timeout) return function(db, ms); }
int sqlite3_exec(sqlite3 *db, const char *sql, int (*callback)(void *, int, char **, char **), void *data, char **error) {
    FUNCTION(sqlite3_exec) return function(db, sql, callback, data, error);
}
int sqlite3_prepare_v3(sqlite3 *db, const char *sql, int bytes, unsigned int flags, sqlite3_stmt **statement, const char **tail) {
    FUNCTION(sqlite3_prepare_v3) return function(db, sql, bytes, flags, statement, tail);
}
const char *sqlite3_errmsg(sqlite3 *db) { FUNCTION(sqlite3_errmsg) return function(db); }
sqlite3_int64 sqlite3_last_insert_rowid(sqlite3 *db) { FUNCTION(sqlite3_last_insert_rowid) return function(db); }
int sqlite3_changes(sqlite3 *db) { FUNCTION(sqlite3_changes) return function(db); }
int sqlite3_db_readonly(sqlite3 *db, const char *name) { FUNCTION(sqlite3_db_readonly) return function(db, name); }
int sqlite3_get_autocommit(sqlite3 *db) { FUNCTION(sqlite3_get_autocommit) return function(db); }
int sqlite3_finalize(sqlite3_stmt *statement) { FUNCTION(sqlite3_finalize) return function(statement); }
int sqlite3_reset(sqlite3_stmt *statement) { FUNCTION(sqlite3_reset) return function(statement); }
int sqlite3_clear_bindings(sqlite3_stmt *statement) { FUNCTION(sqlite3_clear_bindings) return function(statement); }
int sqlite3_step(sqlite3_stmt *statement) { FUNCTION(sqlite3_step) return function(statement); }
sqlite3 *sqlite3_db_handle(sqlite3_stmt *statement) { FUNCTION(sqlite3_db_handle) return function(statement); }
int sqlite3_bind_int64(sqlite3_stmt *statement, int index, sqlite3_int64 value) {
    FUNCTION(sqlite3_bind_int64) return function(statement, index, value);
}
int sqlite3_bind_double(sqlite3_stmt *statement, int index, double value) {
    FUNCTION(sqlite3_bind_double) return function(statement, index, value);
}
int sqlite3_bind_null(sqlite3_stmt *statement, int index) { FUNCTION(sqlite3_bind_null) return function(statement, index); }
int sqlite3_bind_text(sqlite3_stmt *statement, int index, const char *text, int bytes, void (*destructor)(void *)) {
    FUNCTION(sqlite3_bind_text) return function(statement, index, text, bytes, destructor);
}
int sqlite3_bind_blob(sqlite3_stmt *statement, int index, const void *bytes, int count, void (*destructor)(void *)) {
    FUNCTION(sqlite3_bind_blob) return function(statement, index, bytes, count, destructor);
}
int sqlite3_bind_text64(
    sqlite3_stmt *statement, int index, const char *text, sqlite3_uint64 bytes, void (*destructor)(void *),
    unsigned char encoding) {
    FUNCTION(sqlite3_bind_text64) return function(statement, index, text, bytes, destructor, encoding);
}
int sqlite3_bind_blob64(
    sqlite3_stmt *statement, int index, const void *bytes, sqlite3_uint64 count, void (*destructor)(void *)) {
    FUNCTION(sqlite3_bind_blob64) return function(statement, index, bytes, count, destructor);
}
int sqlite3_column_type(sqlite3_stmt *statement, int column) { FUNCTION(sqlite3_column_type) return function(statement, column); }
sqlite3_int64 sqlite3_column_int64(sqlite3_stmt *statement, int column) {
    FUNCTION(sqlite3_column_int64) return function(statement, column);
}
double sqlite3_column_double(sqlite3_stmt *statement, int column) { FUNCTION(sqlite3_column_double) return function(statement, column); }
const unsigned char *sqlite3_column_text(sqlite3_stmt *statement, int column) {
    FUNCTION(sqlite3_column_text) return function(statement, column);
}
const void *sqlite3_column_blob(sqlite3_stmt *statement, int column) { FUNCTION(sqlite3_column_blob) return function(statement, column); }
int sqlite3_column_bytes(sqlite3_stmt *statement, int column) { FUNCTION(sqlite3_column_bytes) return function(statement, column); }
