import Foundation

extension RunStore {
    /// Deletes finished runs that started before `cutoff` (with their steps), then compacts the file.
    ///
    /// Running runs are kept whatever their age. Steps of newer runs that reused a deleted result get
    /// their own copy of it first.
    public func gc(olderThan cutoff: Date) throws -> GarbageCollection {
        try withDatabase { database in
            let before = Self.fileBytes(path)
            let cutoffValue = SQLValue.double(Self.timestamp(cutoff))
            let (runs, steps) = try database.transaction { () throws -> (Int, Int) in
                let steps = try database.integer(
                    """
                    SELECT count(*) FROM steps WHERE run_id IN
                        (SELECT id FROM runs WHERE started_at < ? AND status != 'running')
                    """, [cutoffValue])
                try database.run(
                    """
                    UPDATE steps SET result = (SELECT origin.result FROM steps AS origin WHERE origin.id = steps.reused_from)
                    WHERE result IS NULL
                      AND run_id NOT IN (SELECT id FROM runs WHERE started_at < ?1 AND status != 'running')
                      AND reused_from IN
                        (SELECT id FROM steps WHERE run_id IN
                            (SELECT id FROM runs WHERE started_at < ?1 AND status != 'running'))
                    """, [cutoffValue])
                try database.run("DELETE FROM runs WHERE started_at < ? AND status != 'running'", [cutoffValue])
                return (database.changes, Int(steps))
            }
            if runs > 0 {
                try database.execute("VACUUM")
                try database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            }
            let after = Self.fileBytes(path)
            return GarbageCollection(runsDeleted: runs, stepsDeleted: steps, bytesFreed: max(0, before - after))
        }
    }

    /// The size of the store and what takes the room.
    public func sizeReport() throws -> SizeReport {
        try withDatabase { database in
            try database.transaction(.deferred) {
                let runs = try database.row(
                    """
                    SELECT count(*), coalesce(sum(length(CAST(result AS BLOB))), 0),
                           coalesce(sum(length(CAST(inputs AS BLOB))), 0)
                    FROM runs
                    """
                ) { (count: $0.int64(0), results: $0.int64(1), inputs: $0.int64(2)) }
                let steps = try database.row(
                    """
                    SELECT count(*), coalesce(sum(length(CAST(result AS BLOB))), 0),
                           coalesce(sum(coalesce(length(CAST(stdout AS BLOB)), 0)
                                        + coalesce(length(CAST(stderr AS BLOB)), 0)), 0),
                           coalesce(sum(length(CAST(args AS BLOB))), 0)
                    FROM steps
                    """
                ) { (count: $0.int64(0), results: $0.int64(1), output: $0.int64(2), args: $0.int64(3)) }
                return SizeReport(
                    path: path, fileBytes: Self.fileBytes(path), runs: Int(runs?.count ?? 0),
                    steps: Int(steps?.count ?? 0), resultBytes: (runs?.results ?? 0) + (steps?.results ?? 0),
                    outputBytes: steps?.output ?? 0, argumentBytes: (runs?.inputs ?? 0) + (steps?.args ?? 0))
            }
        }
    }

    /// SQLite's own consistency check (`PRAGMA quick_check`): nil when the file is sound, else the problems.
    public func quickCheck() throws -> [String]? {
        try withDatabase { database in
            let lines = try database.rows("PRAGMA quick_check") { $0.string(0) }
            return lines == ["ok"] ? nil : lines
        }
    }

    /// Bytes of the database file and its write-ahead log.
    static func fileBytes(_ path: String) -> Int64 {
        [path, path + "-wal"].reduce(Int64(0)) { total, file in
            let size = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? NSNumber)?.int64Value
            return total + (size ?? 0)
        }
    }
}
