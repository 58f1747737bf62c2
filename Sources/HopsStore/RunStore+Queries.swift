import Foundation

extension RunStore {
    /// The most recent runs, newest first.
    public func runs(limit: Int = 50) throws -> [RunSummary] {
        try withDatabase { database in
            try database.rows(
                """
                SELECT id, kind, source, status, started_at, finished_at, parent_id,
                       (SELECT step_id FROM steps WHERE run_id = runs.id AND status = 'failed' ORDER BY seq DESC LIMIT 1),
                       (SELECT count(*) FROM steps WHERE run_id = runs.id)
                FROM runs ORDER BY started_at DESC, id DESC LIMIT ?
                """, [.integer(Int64(limit))]
            ) { row in
                RunSummary(
                    id: RunID(row.string(0)), kind: RunKind(rawValue: row.string(1)) ?? .flow,
                    source: row.optionalString(2), status: RunStatus(rawValue: row.string(3)) ?? .failed,
                    startedAt: Self.date(row.double(4)), finishedAt: row.optionalDouble(5).map(Self.date),
                    parent: row.optionalString(6).map(RunID.init), failedStep: row.optionalString(7),
                    stepCount: Int(row.int64(8)))
            }
        }
    }

    /// The id a user's reference names: a whole id, a unique prefix of one (the `r-` may be left out),
    /// `last` or `-1` for the newest run, `-2` for the one before, …; nil when nothing matches.
    public func resolveRun(_ reference: String) throws -> RunID? {
        // Trimmed in Swift: Foundation's trimming sets up its character sets first, a millisecond.
        var trimmed = Substring(reference)
        while trimmed.first?.isWhitespace == true { trimmed.removeFirst() }
        while trimmed.last?.isWhitespace == true { trimmed.removeLast() }
        let reference = String(trimmed)
        if reference.isEmpty { return nil }
        return try withDatabase { database in
            var back: Int64?
            if reference == "last" { back = 1 }
            if reference.hasPrefix("-"), let number = Int64(reference.dropFirst()), number > 0 { back = number }
            if let back {
                return try database.row(
                    "SELECT id FROM runs ORDER BY started_at DESC, id DESC LIMIT 1 OFFSET ?", [.integer(back - 1)]
                ) { RunID($0.string(0)) }
            }
            for candidate in reference.hasPrefix("r-") ? [reference] : [reference, "r-" + reference] {
                if try database.integer("SELECT count(*) FROM runs WHERE id = ?", [.text(candidate)]) > 0 {
                    return RunID(candidate)
                }
                let escaped = candidate.replacingOccurrences(of: "\\", with: "\\\\")
                    .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
                let matches = try database.rows(
                    "SELECT id FROM runs WHERE id LIKE ? ESCAPE '\\' ORDER BY id DESC LIMIT 10",
                    [.text(escaped + "%")]
                ) { RunID($0.string(0)) }
                if matches.count == 1 { return matches[0] }
                if matches.count > 1 { throw RunStoreError.ambiguousRun(reference: reference, candidates: matches) }
            }
            return nil
        }
    }

    /// A run with all its step attempts, looked up as `resolveRun` does; nil when nothing matches.
    public func run(_ reference: String) throws -> RunRecord? {
        guard let id = try resolveRun(reference) else { return nil }
        return try run(id)
    }

    /// A run with all its step attempts.
    public func run(_ id: RunID) throws -> RunRecord? {
        try withDatabase { database in
            let steps = try database.rows(
                "SELECT \(Self.stepColumns) FROM steps WHERE run_id = ? ORDER BY seq", [.text(id.rawValue)],
                Self.stepRecord)
            return try database.row(
                """
                SELECT id, kind, source, source_hash, inputs, parent_id, status, started_at, finished_at, error,
                       result, pid, remote_job
                FROM runs WHERE id = ?
                """, [.text(id.rawValue)]
            ) { row in
                RunRecord(
                    id: RunID(row.string(0)), kind: RunKind(rawValue: row.string(1)) ?? .flow,
                    source: row.optionalString(2), sourceHash: row.optionalString(3), inputsJSON: row.optionalString(4),
                    parent: row.optionalString(5).map(RunID.init),
                    status: RunStatus(rawValue: row.string(6)) ?? .failed,
                    startedAt: Self.date(row.double(7)), finishedAt: row.optionalDouble(8).map(Self.date),
                    error: row.optionalString(9), resultJSON: Self.resolveResult(row.optionalString(10), steps: steps),
                    processID: row.optionalInt64(11).map { Int32(truncatingIfNeeded: $0) },
                    remoteJob: row.optionalString(12), steps: steps)
            }
        }
    }

    /// What a run is and the flow or notebook it ran, without its steps; nil for an unknown id.
    public func kindAndSource(of id: RunID) throws -> (kind: RunKind, source: String?)? {
        try withDatabase { database in
            try database.row("SELECT kind, source FROM runs WHERE id = ?", [.text(id.rawValue)]) { row in
                (RunKind(rawValue: row.string(0)) ?? .flow, row.optionalString(1))
            }
        }
    }

    /// The newest finished run recorded for the Windmill job `job`, if any.
    public func run(remoteJob job: String) throws -> RunID? {
        try withDatabase { database in
            try database.row(
                """
                SELECT id FROM runs WHERE remote_job = ? AND status != 'running'
                ORDER BY started_at DESC, id DESC LIMIT 1
                """, [.text(job)]
            ) { RunID($0.string(0)) }
        }
    }

    /// The latest attempt of a step in a run (any place, any status); nil when it never began.
    public func step(run: RunID, stepID: String) throws -> StepRecord? {
        try withDatabase { database in
            try database.row(
                "SELECT \(Self.stepColumns) FROM steps WHERE run_id = ? AND step_id = ? ORDER BY seq DESC LIMIT 1",
                [.text(run.rawValue), .text(stepID)], Self.stepRecord)
        }
    }

    /// One step attempt by its row id.
    public func step(_ id: StepRecordID) throws -> StepRecord? {
        try withDatabase { database in
            try database.row(
                "SELECT \(Self.stepColumns) FROM steps WHERE id = ?", [.integer(id.rawValue)], Self.stepRecord)
        }
    }

    /// The newest succeeded step attempt with this cache key, no older than `maxAge` seconds when given.
    public func cachedResult(forKey key: String, maxAge: TimeInterval? = nil, now: Date = Date()) throws -> CachedStep?
    {
        let oldest = maxAge.map { Self.timestamp(now) - $0 } ?? -Double.greatestFiniteMagnitude
        return try withDatabase { database in
            try database.row(
                """
                SELECT id, run_id, step_id, result, finished_at FROM steps
                WHERE cache_key = ? AND status = 'succeeded' AND finished_at >= ?
                ORDER BY finished_at DESC LIMIT 1
                """, [.text(key), .double(oldest)]
            ) { row in
                CachedStep(
                    step: StepRecordID(row.int64(0)), run: RunID(row.string(1)), stepID: row.string(2),
                    resultJSON: row.optionalString(3), finishedAt: Self.date(row.double(4)))
            }
        }
    }

    /// For each step and place of a run, its latest succeeded (or reused) attempt, in run order:
    /// what a resume may reuse when the cache key still matches.
    public func latestSucceededSteps(run: RunID) throws -> [StepRecord] {
        try withDatabase { database in
            try database.rows(
                """
                SELECT \(Self.stepColumns) FROM steps
                WHERE steps.run_id = ?1 AND steps.status IN ('succeeded', 'reused')
                  AND steps.seq = (SELECT max(t.seq) FROM steps AS t
                               WHERE t.run_id = ?1 AND t.step_id = steps.step_id AND t.place = steps.place
                                 AND t.status IN ('succeeded', 'reused'))
                ORDER BY steps.seq
                """, [.text(run.rawValue)], Self.stepRecord)
        }
    }

    /// A step's result; a reused attempt stores no copy of its own: it is read from the attempt it reused.
    static let stepResult = "coalesce(result, (SELECT origin.result FROM steps AS origin WHERE origin.id = steps.reused_from))"

    static let stepColumns = """
        id, run_id, seq, step_id, place, attempt, status, args, \(stepResult), \
        error, stdout, stderr, started_at, \
        finished_at, duration_ms, cache_key, script_hash, runner, reused_from
        """

    static func stepRecord(_ row: Statement) -> StepRecord {
        let (stdout, stdoutBytes) = row.optionalOutput(10)
        let (stderr, stderrBytes) = row.optionalOutput(11)
        return StepRecord(
            id: StepRecordID(row.int64(0)), run: RunID(row.string(1)), sequence: Int(row.int64(2)),
            stepID: row.string(3), place: row.string(4), attempt: Int(row.int64(5)),
            status: StepStatus(rawValue: row.string(6)) ?? .failed, argsJSON: row.optionalString(7),
            resultJSON: row.optionalString(8), error: row.optionalString(9), stdout: stdout, stderr: stderr,
            stdoutBytes: stdoutBytes, stderrBytes: stderrBytes, startedAt: date(row.double(12)),
            finishedAt: row.optionalDouble(13).map(date), durationMs: row.optionalInt64(14),
            cacheKey: row.optionalString(15), scriptHash: row.optionalString(16), runner: row.optionalString(17),
            reusedFrom: row.optionalInt64(18).map(StepRecordID.init))
    }

    /// Results this long that equal a step's result are stored once, in the step.
    static let sharedResultSize = 65_536

    /// How `runs.result` refers to the result of one of its steps: not JSON, followed by the step's row id.
    static let stepResultReference = "\u{1}step-result:"

    /// A run's stored result, with a reference to a step's result replaced by that result.
    static func resolveResult(_ stored: String?, steps: [StepRecord]) -> String? {
        guard let stored, stored.hasPrefix(stepResultReference),
            let id = Int64(stored.dropFirst(stepResultReference.count))
        else { return stored }
        return steps.first { $0.id.rawValue == id }?.resultJSON
    }
}
