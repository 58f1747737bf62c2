import Foundation

/// The store's schema as a list of migrations; `PRAGMA user_version` holds how many were applied.
struct Schema {
    /// One step from version `version - 1` to `version`.
    struct Migration {
        let version: Int
        let sql: String
        /// Table definitions changed in place, each `from` text replaced by `to`: for a change ALTER
        /// TABLE cannot make and that every stored row already satisfies (a constraint written
        /// another way), SQLite's own procedure, without copying the table.
        var rewrites: [Rewrite] = []
    }

    /// One replacement in the stored `CREATE TABLE` of `table`.
    struct Rewrite {
        let table: String
        let from: String
        let to: String

        /// `column IN ('a', 'b', …)` in `table`'s CHECK written as `column = 'a' OR column = 'b' …`:
        /// the same constraint, without the temporary b-tree SQLite builds of an IN list at every
        /// INSERT and every UPDATE of the column.
        static func inListAsComparisons(table: String, column: String, values: [String]) -> Rewrite {
            Rewrite(
                table: table, from: "\(column) IN (" + values.map { "'\($0)'" }.joined(separator: ", ") + ")",
                to: values.map { "\(column) = '\($0)'" }.joined(separator: " OR "))
        }
    }

    let migrations: [Migration]

    /// The version a store has after every migration.
    var currentVersion: Int { migrations.last?.version ?? 0 }

    /// The schema this hops writes.
    static let current = Schema(migrations: [
        Migration(
            version: 1,
            sql: """
                CREATE TABLE runs (
                    id TEXT PRIMARY KEY,
                    kind TEXT NOT NULL CHECK (kind IN ('flow', 'prompt', 'notebook', 'resume')),
                    source TEXT,
                    source_hash TEXT,
                    inputs TEXT,
                    parent_id TEXT REFERENCES runs(id) ON DELETE SET NULL,
                    status TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'interrupted')),
                    started_at REAL NOT NULL,
                    finished_at REAL,
                    error TEXT,
                    result TEXT,
                    pid INTEGER,
                    host TEXT
                );
                CREATE INDEX runs_by_start ON runs(started_at, id);
                CREATE INDEX runs_running ON runs(status) WHERE status = 'running';
                CREATE TABLE steps (
                    id INTEGER PRIMARY KEY,
                    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    seq INTEGER NOT NULL,
                    step_id TEXT NOT NULL,
                    place TEXT NOT NULL DEFAULT '',
                    attempt INTEGER NOT NULL DEFAULT 1,
                    status TEXT NOT NULL
                        CHECK (status IN ('running', 'succeeded', 'failed', 'skipped', 'reused', 'interrupted')),
                    args TEXT,
                    result TEXT,
                    error TEXT,
                    stdout TEXT,
                    stderr TEXT,
                    started_at REAL NOT NULL,
                    finished_at REAL,
                    duration_ms INTEGER,
                    cache_key TEXT,
                    script_hash TEXT,
                    runner TEXT,
                    reused_from INTEGER REFERENCES steps(id) ON DELETE SET NULL,
                    UNIQUE (run_id, seq)
                );
                CREATE INDEX steps_by_step_id ON steps(run_id, step_id, place, seq);
                CREATE INDEX steps_cache ON steps(cache_key, finished_at)
                    WHERE cache_key IS NOT NULL AND status = 'succeeded';
                CREATE INDEX steps_reused_from ON steps(reused_from) WHERE reused_from IS NOT NULL;
                """),
        Migration(
            version: 2,
            sql: """
                ALTER TABLE runs ADD COLUMN remote_job TEXT;
                CREATE INDEX runs_by_remote_job ON runs(remote_job) WHERE remote_job IS NOT NULL;
                """),
        Migration(
            version: 3,
            sql: """
                -- A run's failed step (`hops runs`) without reading each of its steps.
                CREATE INDEX steps_failed ON steps(run_id, seq) WHERE status = 'failed';
                """),
        Migration(
            version: 4,
            sql: "",
            // The IN lists cost more than half of what writing a step row did; as comparisons, nothing measurable.
            rewrites: [
                .inListAsComparisons(table: "runs", column: "kind", values: ["flow", "prompt", "notebook", "resume"]),
                .inListAsComparisons(
                    table: "runs", column: "status", values: ["running", "succeeded", "failed", "interrupted"]),
                .inListAsComparisons(
                    table: "steps", column: "status",
                    values: ["running", "succeeded", "failed", "skipped", "reused", "interrupted"]),
            ]),
    ])

    /// Brings `database` from its version to `currentVersion` in one write transaction.
    ///
    /// The version is read again inside the transaction: another hops may have migrated meanwhile.
    /// A newer version is refused; an unversioned database that already holds tables is not ours.
    func migrate(_ database: Database) throws {
        try database.transaction(.immediate) {
            let found = Int(try database.integer("PRAGMA user_version"))
            if found > currentVersion {
                throw RunStoreError.newerSchema(path: database.path, found: found, known: currentVersion)
            }
            if found == 0 {
                let tables = try database.rows(
                    "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
                ) { $0.string(0) }
                if !tables.isEmpty { throw RunStoreError.notAStore(path: database.path, tables: tables) }
            }
            for migration in migrations where migration.version > found {
                try database.execute(migration.sql)
                if !migration.rewrites.isEmpty { try rewrite(migration.rewrites, in: database) }
                try database.execute("PRAGMA user_version = \(migration.version)")
            }
        }
    }

    /// Replaces text in stored table definitions (`PRAGMA writable_schema`, inside the migration's
    /// transaction), then moves the schema version on so that every connection reads them again.
    /// A definition that does not hold the text exactly once is refused: this store is not one hops made.
    private func rewrite(_ rewrites: [Rewrite], in database: Database) throws {
        let version = try database.integer("PRAGMA schema_version")
        try database.execute("PRAGMA writable_schema = ON")
        defer { try? database.execute("PRAGMA writable_schema = RESET") }
        for rewrite in rewrites {
            let definition = try database.row(
                "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?", [.text(rewrite.table)]
            ) { $0.string(0) } ?? ""
            guard definition.components(separatedBy: rewrite.from).count == 2 else {
                throw RunStoreError.unusable(
                    path: database.path, reason: "its table \(rewrite.table) is not defined as hops defines it")
            }
            try database.run(
                "UPDATE sqlite_schema SET sql = ? WHERE type = 'table' AND name = ?",
                [.text(definition.replacingOccurrences(of: rewrite.from, with: rewrite.to)), .text(rewrite.table)])
        }
        try database.execute("PRAGMA schema_version = \(version + 1)")
    }
}
