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
        _ = try runs(limit: 20)
    }
}
