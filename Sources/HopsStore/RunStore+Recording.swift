import Foundation

extension RunStore {
    /// Records the start of a run (status `running`, this process's id) and returns its new id.
    ///
    /// `inputsJSON` must hold secrets as their reference; it is redacted like every text written.
    /// `remoteJob` is the id of the Windmill job a run made or imported from a server ran as.
    public func createRun(
        kind: RunKind, source: String?, sourceHash: String?, inputsJSON: String?, parent: RunID? = nil,
        startedAt: Date = Date(), remoteJob: String? = nil
    ) throws -> RunID {
        try withDatabase { database in
            try database.transaction {
                var id = Self.makeRunID(at: startedAt)
                while try database.integer("SELECT count(*) FROM runs WHERE id = ?", [.text(id.rawValue)]) > 0 {
                    id = Self.makeRunID(at: startedAt)
                }
                try database.run(
                    """
                    INSERT INTO runs (id, kind, source, source_hash, inputs, parent_id, status, started_at, pid, host,
                                      remote_job)
                    VALUES (?, ?, ?, ?, ?, ?, 'running', ?, ?, ?, ?)
                    """,
                    [
                        .text(id.rawValue), .text(kind.rawValue), SQLValue(source), SQLValue(sourceHash),
                        redacted(inputsJSON), SQLValue(parent?.rawValue), .double(Self.timestamp(startedAt)),
                        .integer(Int64(processID)), .text(hostName), SQLValue(remoteJob),
                    ])
                return id
            }
        }
    }

    /// Records the end of a run.
    ///
    /// A big result that is the result of one of the run's steps (a flow's result is its last
    /// step's) is not stored twice: the run refers to that step (see `stepResultReference`).
    public func finishRun(
        _ run: RunID, status: RunStatus, resultJSON: String? = nil, error: String? = nil, finishedAt: Date = Date()
    ) throws {
        try withDatabase { database in
            var result = redacted(resultJSON)
            if let resultJSON, resultJSON.utf8.count >= Self.sharedResultSize,
                let step = try database.row(
                    """
                    SELECT id FROM steps
                    WHERE run_id = ?1
                      AND coalesce(result, (SELECT origin.result FROM steps AS origin WHERE origin.id = steps.reused_from)) = ?2
                    ORDER BY seq DESC LIMIT 1
                    """, [.text(run.rawValue), result], { $0.int64(0) })
            {
                result = .text(Self.stepResultReference + String(step))
            }
            try database.run(
                "UPDATE runs SET status = ?, result = ?, error = ?, finished_at = ? WHERE id = ?",
                [
                    .text(status.rawValue), result, redacted(error),
                    .double(Self.timestamp(finishedAt)), .text(run.rawValue),
                ])
            if database.changes == 0 { throw RunStoreError.unknownRun(run) }
        }
    }

    /// Records that a step attempt begins (status `running`), committed at once so that a killed
    /// hops leaves a trace of the step it was in.
    ///
    /// `argsJSON` are the resolved arguments with secrets replaced by their reference; `cacheKey`
    /// comes from `CacheKey.make`; `scriptHash` (`CacheKey.contentHash` of the script) lets a resume
    /// say whether the script or the arguments changed.
    public func beginStep(
        run: RunID, stepID: String, place: String = "", attempt: Int = 1, argsJSON: String?, cacheKey: String?,
        runner: String?, scriptHash: String? = nil, startedAt: Date = Date()
    ) throws -> StepRecordID {
        try withDatabase { database in
            // One statement is one transaction: the sequence number and the row are written atomically.
            try database.run(
                """
                INSERT INTO steps (run_id, seq, step_id, place, attempt, status, args, started_at, cache_key,
                                   script_hash, runner)
                VALUES (?1, (SELECT coalesce(max(seq), 0) + 1 FROM steps WHERE run_id = ?1), ?2, ?3, ?4,
                        'running', ?5, ?6, ?7, ?8, ?9)
                """,
                [
                    .text(run.rawValue), .text(stepID), .text(place), .integer(Int64(attempt)), redacted(argsJSON),
                    .double(Self.timestamp(startedAt)), SQLValue(cacheKey), SQLValue(scriptHash), SQLValue(runner),
                ])
            return StepRecordID(database.lastInsertRowID)
        }
    }

    /// Records how a step attempt ended.
    ///
    /// `durationMs` defaults to the time since `beginStep`. For a `reused` step, `reusedFrom` names
    /// the attempt whose result it took; when `resultJSON` is nil that result is not copied but
    /// read from there (from the attempt that computed it, when `reusedFrom` was itself reused):
    /// a big result is stored once however often it is resumed. `gc` copies it before removing it.
    /// `stdoutBytes` and `stderrBytes`, output that was not plain text, are stored as the bytes they
    /// are instead of the text that shows them.
    public func finishStep(
        _ step: StepRecordID, status: StepStatus, resultJSON: String? = nil, error: String? = nil,
        stdout: String? = nil, stderr: String? = nil, stdoutBytes: Data? = nil, stderrBytes: Data? = nil,
        durationMs: Int64? = nil, reusedFrom: StepRecordID? = nil, finishedAt: Date = Date()
    ) throws {
        try withDatabase { database in
            let finished = Self.timestamp(finishedAt)
            try database.run(
                """
                UPDATE steps SET
                    status = ?1,
                    result = ?2,
                    error = ?3, stdout = ?4, stderr = ?5, finished_at = ?6,
                    duration_ms = coalesce(?7, CAST(round((?6 - started_at) * 1000) AS INTEGER)),
                    reused_from = coalesce((SELECT \(Self.resultOrigin) FROM steps AS source WHERE source.id = ?8), ?8)
                WHERE id = ?9
                """,
                [
                    .text(status.rawValue), redacted(resultJSON), redacted(error), redacted(stdout, bytes: stdoutBytes),
                    redacted(stderr, bytes: stderrBytes),
                    .double(finished), SQLValue(durationMs), SQLValue(reusedFrom?.rawValue), .integer(step.rawValue),
                ])
            if database.changes == 0 { throw RunStoreError.unknownStep(step) }
        }
    }

    /// Marks as interrupted every running run of this machine whose hops process no longer exists,
    /// and their running steps; returns those runs. `open` calls it.
    @discardableResult
    public func markInterruptedRuns() throws -> [RunID] {
        try withDatabase { database in
            let running = try database.rows("SELECT id, pid, host FROM runs WHERE status = 'running'") {
                (
                    id: RunID($0.string(0)), pid: $0.optionalInt64(1).map { Int32(truncatingIfNeeded: $0) },
                    host: $0.optionalString(2)
                )
            }
            let dead = running.filter { run in
                // A run of another machine cannot be checked from here; leave it as it is.
                guard run.host == nil || run.host == hostName else { return false }
                guard let pid = run.pid else { return true }
                return pid != processID && !Self.isProcessAlive(pid)
            }
            if dead.isEmpty { return [] }
            try database.transaction {
                for run in dead {
                    let reason = "interrupted: hops (pid \(run.pid.map(String.init) ?? "?")) ended during this run"
                    try database.run(
                        "UPDATE runs SET status = 'interrupted', error = coalesce(error, ?) WHERE id = ? AND status = 'running'",
                        [.text(reason), .text(run.id.rawValue)])
                    try database.run(
                        "UPDATE steps SET status = 'interrupted', error = coalesce(error, ?) WHERE run_id = ? AND status = 'running'",
                        [.text(reason), .text(run.id.rawValue)])
                }
            }
            return dead.map(\.id)
        }
    }

    /// Whether a process with this id exists (EPERM: it exists but belongs to someone else).
    static func isProcessAlive(_ pid: Int32) -> Bool {
        if pid <= 0 { return false }
        return kill(pid, 0) == 0 || errno == EPERM
    }

    /// `r-YYYYMMDD-HHMMSS-xxxx` in UTC.
    static func makeRunID(at date: Date) -> RunID {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let day = "\(parts.tm_year + 1900)\(two(parts.tm_mon + 1))\(two(parts.tm_mday))"
        let time = "\(two(parts.tm_hour))\(two(parts.tm_min))\(two(parts.tm_sec))"
        var suffix = String(UInt16.random(in: 0...UInt16.max), radix: 16)
        while suffix.count < 4 { suffix = "0" + suffix }
        return RunID("r-\(day)-\(time)-\(suffix)")
    }
}
