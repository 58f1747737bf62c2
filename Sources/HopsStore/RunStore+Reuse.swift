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
    /// Records reused step attempts, finished as they begin: one row each, all in one transaction,
    /// `reusedRowsPerInsert` rows to an INSERT (an INSERT's own start, end and bindings were a
    /// quarter of what a row cost).
    @discardableResult
    public func recordReused(_ steps: [ReusedStep]) throws -> [StepRecordID] {
        guard !steps.isEmpty else { return [] }
        return try withDatabase { database in
            try database.transaction {
                // Read once: the transaction holds the write lock, so no one else takes a number or an id.
                var nextSeq: [RunID: Int64] = [:]
                var nextID = try database.integer("SELECT coalesce(max(id), 0) + 1 FROM steps")
                let origins = try Self.origins(of: steps.map(\.from), in: database)
                var ids: [StepRecordID] = []
                ids.reserveCapacity(steps.count)
                var start = 0
                while start < steps.count {
                    let count = steps.count - start >= Self.reusedRowsPerInsert ? Self.reusedRowsPerInsert : 1
                    var values: [SQLValue] = []
                    values.reserveCapacity(count * 13)
                    for step in steps[start..<start + count] {
                        let seq = try nextSeq[step.run]
                            ?? database.integer(
                                "SELECT coalesce(max(seq), 0) + 1 FROM steps WHERE run_id = ?", [.text(step.run.rawValue)])
                        nextSeq[step.run] = seq + 1
                        let at = SQLValue.double(Self.timestamp(step.at))
                        values += [
                            .integer(nextID), .text(step.run.rawValue), .integer(seq), .text(step.stepID), .text(step.place),
                            .integer(Int64(step.attempt)), redacted(step.argsJSON), at, at, SQLValue(step.cacheKey),
                            SQLValue(step.scriptHash), SQLValue(step.runner),
                            .integer(origins[step.from.rawValue] ?? step.from.rawValue),
                        ]
                        ids.append(StepRecordID(nextID))
                        nextID += 1
                    }
                    try database.run(try database.cachedStatement(count == 1 ? Self.insertOneReused : Self.insertReused), values)
                    start += count
                }
                return ids
            }
        }
    }

    /// Rows an INSERT of reused steps writes at once; the rows left over are written one by one,
    /// so that the store keeps two such statements prepared, not one per count.
    static let reusedRowsPerInsert = 50

    /// INSERTs of `reusedRowsPerInsert` reused rows and of one, 13 values a row; made once.
    private static let insertReused = insertReused(rows: reusedRowsPerInsert)
    private static let insertOneReused = insertReused(rows: 1)

    private static func insertReused(rows: Int) -> String {
        let row = "(?, ?, ?, ?, ?, ?, 'reused', ?, NULL, ?, ?, 0, ?, ?, ?, ?)"
        return """
            INSERT INTO steps (id, run_id, seq, step_id, place, attempt, status, args, result, started_at,
                               finished_at, duration_ms, cache_key, script_hash, runner, reused_from)
            VALUES
            """ + Array(repeating: row, count: rows).joined(separator: ", ")
    }

    /// The attempt that computed a step's result: the step itself, or the attempt a step that reused
    /// another names when it holds no copy of its own. A reuse names that attempt, so that a chain of
    /// resumes reads a result in one step.
    static let resultOrigin = "CASE WHEN result IS NULL AND reused_from IS NOT NULL THEN reused_from ELSE id END"

    /// `resultOrigin` of each of `steps`, in one query; a step not found is absent.
    private static func origins(of steps: [StepRecordID], in database: Database) throws -> [Int64: Int64] {
        let list = "[" + steps.map { String($0.rawValue) }.joined(separator: ",") + "]"
        let pairs = try database.rows(
            "SELECT id, \(resultOrigin) FROM steps WHERE id IN (SELECT value FROM json_each(?))", [.text(list)]
        ) { ($0.int64(0), $0.int64(1)) }
        return Dictionary(pairs, uniquingKeysWith: { first, _ in first })
    }
}
