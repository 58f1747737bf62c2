import Foundation

/// A step attempt that took its result from an earlier attempt (a resume, a `cache_ttl` hit).
public struct ReusedStep: Sendable {
    public var run: RunID
    public var stepID: String
    public var place: String
    public var attempt: Int
    /// The resolved arguments, secrets as their reference.
    public var argsJSON: String?
    public var cacheKey: String?
    public var runner: String?
    public var scriptHash: String?
    /// The attempt whose result is taken (and copied, so the record outlives a `gc` of it).
    public var from: StepRecordID
    public var at: Date

    public init(
        run: RunID, stepID: String, place: String = "", attempt: Int = 1, argsJSON: String?, cacheKey: String?,
        runner: String?, scriptHash: String?, from: StepRecordID, at: Date = Date()
    ) {
        self.run = run
        self.stepID = stepID
        self.place = place
        self.attempt = attempt
        self.argsJSON = argsJSON
        self.cacheKey = cacheKey
        self.runner = runner
        self.scriptHash = scriptHash
        self.from = from
        self.at = at
    }
}

extension RunStore {
    /// Records reused step attempts, finished as they begin: one row each, all in one transaction.
    @discardableResult
    public func recordReused(_ steps: [ReusedStep]) throws -> [StepRecordID] {
        guard !steps.isEmpty else { return [] }
        return try withDatabase { database in
            try database.transaction {
                // Each run's next sequence number is read once: the transaction holds the write lock.
                var nextSeq: [RunID: Int64] = [:]
                let insert = try database.cachedStatement(
                    """
                    INSERT INTO steps (run_id, seq, step_id, place, attempt, status, args, result, started_at,
                                       finished_at, duration_ms, cache_key, script_hash, runner, reused_from)
                    VALUES (?1, ?2, ?3, ?4, ?5, 'reused', ?6, NULL, ?7, ?7, 0, ?8, ?9, ?10,
                            coalesce((SELECT source.reused_from FROM steps AS source
                                      WHERE source.id = ?11 AND source.result IS NULL AND source.reused_from IS NOT NULL), ?11))
                    """)
                return try steps.map { step in
                    let seq = try nextSeq[step.run]
                        ?? database.integer(
                            "SELECT coalesce(max(seq), 0) + 1 FROM steps WHERE run_id = ?", [.text(step.run.rawValue)])
                    nextSeq[step.run] = seq + 1
                    let at = Self.timestamp(step.at)
                    try database.run(
                        insert,
                        [
                            .text(step.run.rawValue), .integer(seq), .text(step.stepID), .text(step.place),
                            .integer(Int64(step.attempt)), redacted(step.argsJSON), .double(at), SQLValue(step.cacheKey),
                            SQLValue(step.scriptHash), SQLValue(step.runner), .integer(step.from.rawValue),
                        ])
                    return StepRecordID(database.lastInsertRowID)
                }
            }
        }
    }
}
