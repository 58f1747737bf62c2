"""VACUUM a SQLite database file and report its size before and after.

The database is named by `path`, or, when `path` is empty, by the `path` field
of a database resource (default `databases/homeops-sqlite`).
"""

import os
import sqlite3


def _database_path(path: str, resource: str) -> str:
    if path:
        return path
    import wmill  # only needed when the path comes from a resource

    value = wmill.get_resource(resource)
    if not isinstance(value, dict) or not value.get("path"):
        raise ValueError(f"resource {resource} has no 'path' field")
    return str(value["path"])


def main(path: str = "", resource: str = "databases/homeops-sqlite"):
    db_path = os.path.abspath(_database_path(path, resource))
    # sqlite3.connect would silently create a missing file; a typo must fail instead.
    if not os.path.isfile(db_path):
        raise FileNotFoundError(f"database file not found: {db_path}")
    size_before = os.path.getsize(db_path)
    try:
        connection = sqlite3.connect(f"file:{db_path}?mode=rw", uri=True, timeout=10)
    except sqlite3.Error as error:
        raise RuntimeError(f"cannot open {db_path}: {error}") from None
    try:
        integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
        if integrity != "ok":
            raise RuntimeError(f"integrity check of {db_path} failed: {integrity}")
        free_pages = connection.execute("PRAGMA freelist_count").fetchone()[0]
        connection.execute("VACUUM")
        # In WAL mode the file shrinks only once the WAL is checkpointed.
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except sqlite3.DatabaseError as error:
        raise RuntimeError(f"cannot vacuum {db_path}: {error}") from None
    finally:
        connection.close()
    size_after = os.path.getsize(db_path)
    return {
        "path": db_path,
        "size_before": size_before,
        "size_after": size_after,
        "bytes_freed": size_before - size_after,
        "free_pages_before": free_pages,
        "integrity": integrity,
    }
