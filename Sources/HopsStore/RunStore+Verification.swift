extension RunStore {
    /// Reads back a finished run, its steps and the newest runs, as `hops show` and `hops runs`
    /// will: a damaged page under them is found now, while the run can still say it was not recorded.
    ///
    /// Every column `run(_:)` reads is read here too, reused results through their origin, but
    /// inside SQLite: no record is built.
    public func verify(run id: RunID) throws {
        let found = try withDatabase { database in
            try database.integer(
                """
                SELECT count(*) + total(length(runs.inputs) + length(runs.result) + length(runs.error))
                     + (SELECT total(length(args) + length(\(Self.stepResult)) + length(error)
                                     + length(CAST(stdout AS TEXT)) + length(CAST(stderr AS TEXT)) + length(cache_key))
                        FROM steps WHERE run_id = runs.id)
                FROM runs WHERE id = ?
                """, [.text(id.rawValue)])
        }
        guard found > 0 else { throw RunStoreError.unknownRun(id) }
        // The rows `hops runs` lists first, through the index it lists them by. Their steps were
        // read back when each of them finished; counting them again would cost more than the run.
        _ = try withDatabase { database in
            try database.integer(
                """
                SELECT count(*) + total(length(id) + length(kind) + length(source) + length(status) + length(parent_id))
                FROM (SELECT * FROM runs ORDER BY started_at DESC, id DESC LIMIT 20)
                """)
        }
    }
}
