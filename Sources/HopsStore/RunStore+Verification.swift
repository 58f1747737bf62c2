extension RunStore {
    /// Reads back a finished run, its steps and the newest runs, as `hops show` and `hops runs`
    /// will: a damaged page under them is found now, while the run can still say it was not recorded.
    public func verify(run id: RunID) throws {
        guard try run(id) != nil else { throw RunStoreError.unknownRun(id) }
        _ = try runs(limit: 20)
    }
}
