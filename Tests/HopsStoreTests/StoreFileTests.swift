import CSQLite
import Foundation
import Testing

@testable import HopsStore

/// Opening stores that are empty, older, newer, damaged, foreign or inaccessible.
@Suite struct StoreFileTests {
    @Test func emptyFileBecomesAStore() throws {
        let fixture = try StoreFixture()
        try FileManager.default.createDirectory(
            atPath: fixture.folder.appendingPathComponent(".hops").path,
            withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: fixture.storePath, contents: Data()))
        let store = try fixture.open()
        _ = try store.createRun(kind: .prompt, source: nil, sourceHash: nil, inputsJSON: nil)
        #expect(try fixture.sqlite3(fixture.storePath, "PRAGMA user_version") == "\(RunStore.schemaVersion)\n")
    }

    /// The library keeps no count of its memory (SQLITE_CONFIG_MEMSTATUS off before its first use):
    /// the count takes a global mutex around each of its allocations, and hops never reads it.
    @Test func theLibraryCountsNoMemory() throws {
        let fixture = try StoreFixture()
        let store = try fixture.open()
        let run = try store.createRun(kind: .prompt, source: nil, sourceHash: nil, inputsJSON: nil)
        #expect(try store.run(run)?.steps.isEmpty == true)
        #expect(sqlite3_memory_used() == 0)
    }

    @Test func migratesAnOlderSchemaKeepingItsRows() throws {
        let fixture = try StoreFixture()
        // Version 0: a database with no tables and no version, as SQLite creates it.
        let versionZero = fixture.folder.appendingPathComponent("v0.db").path
        try fixture.sqlite3(versionZero, "PRAGMA user_version = 0; VACUUM;")
        #expect(FileManager.default.fileExists(atPath: versionZero))
        _ = try RunStore.open(path: versionZero)
        #expect(try fixture.sqlite3(versionZero, "PRAGMA user_version") == "\(RunStore.schemaVersion)\n")

        // Version 1, hand-made with a run in it, then opened by a hops that knows one version more.
        let path = fixture.folder.appendingPathComponent("v1.db").path
        try fixture.sqlite3(
            path,
            Schema.current.migrations[0].sql + """
                PRAGMA user_version = 1;
                INSERT INTO runs (id, kind, status, started_at) VALUES ('r-20260101-000000-abcd', 'flow', 'succeeded', 1);
                INSERT INTO steps (run_id, seq, step_id, status, started_at, result) VALUES ('r-20260101-000000-abcd', 1, 'a', 'succeeded', 1, '42');
                """)
        let version2 = Schema(
            migrations: Schema.current.migrations + [
                Schema.Migration(
                    version: RunStore.schemaVersion + 1,
                    sql: "ALTER TABLE runs ADD COLUMN label TEXT; CREATE INDEX runs_by_label ON runs(label);")
            ])
        let store = try RunStore.open(path: path, redactor: SecretRedactor(), schema: version2)
        #expect(try fixture.sqlite3(path, "PRAGMA user_version") == "\(RunStore.schemaVersion + 1)\n")
        #expect(try fixture.sqlite3(path, "SELECT id, label IS NULL FROM runs") == "r-20260101-000000-abcd|1\n")
        #expect(try store.run(RunID("r-20260101-000000-abcd"))?.steps.first?.resultJSON == "42")
    }

    @Test func schemaFourWritesTheStatusChecksAsComparisons() throws {
        let fixture = try StoreFixture()
        let path = fixture.folder.appendingPathComponent("v3.db").path
        try fixture.sqlite3(
            path,
            Schema.current.migrations.prefix(3).map(\.sql).joined(separator: "\n") + """
                PRAGMA user_version = 3;
                INSERT INTO runs (id, kind, status, started_at) VALUES ('r-20260101-000000-abcd', 'flow', 'succeeded', 1);
                INSERT INTO steps (run_id, seq, step_id, status, started_at, result) VALUES ('r-20260101-000000-abcd', 1, 'a', 'succeeded', 1, '42');
                """)
        #expect(try fixture.sqlite3(path, "SELECT count(*) FROM sqlite_schema WHERE sql LIKE '% IN (%'") == "2\n")
        let store = try RunStore.open(path: path, redactor: SecretRedactor(), schema: .current)
        #expect(try fixture.sqlite3(path, "PRAGMA user_version") == "4\n")
        // No list is left for SQLite to build a b-tree of at each write; the rows are as they were.
        #expect(try fixture.sqlite3(path, "SELECT count(*) FROM sqlite_schema WHERE sql LIKE '% IN (%'") == "0\n")
        #expect(try fixture.sqlite3(path, "SELECT sql FROM sqlite_schema WHERE name = 'steps'").contains(
            "CHECK (status = 'running' OR status = 'succeeded' OR status = 'failed' OR status = 'skipped' OR status = 'reused' OR status = 'interrupted')"))
        #expect(try fixture.sqlite3(path, "PRAGMA integrity_check") == "ok\n")
        #expect(try store.run(RunID("r-20260101-000000-abcd"))?.steps.first?.resultJSON == "42")
        // The constraints still hold, in this connection and in a new one.
        _ = try store.createRun(kind: .prompt, source: nil, sourceHash: nil, inputsJSON: nil)
        for refused in [
            "UPDATE steps SET status = 'done'",
            "INSERT INTO runs (id, kind, status, started_at) VALUES ('r-x', 'job', 'running', 1)",
            "INSERT INTO runs (id, kind, status, started_at) VALUES ('r-y', 'flow', 'done', 1)",
        ] {
            let result = try fixture.run("/usr/bin/env", ["sqlite3", path, refused])
            #expect(result.status != 0 && result.stderr.contains("CHECK constraint failed"), "\(refused): \(result.stderr)")
        }
        #expect(try fixture.sqlite3(path, "SELECT status FROM steps") == "succeeded\n")
    }

    @Test func failedMigrationLeavesTheOlderSchema() throws {
        let fixture = try StoreFixture()
        let path = fixture.folder.appendingPathComponent("v1.db").path
        try fixture.sqlite3(
            path,
            Schema.current.migrations[0].sql + """
                PRAGMA user_version = 1;
                INSERT INTO runs (id, kind, status, started_at) VALUES ('r-1', 'flow', 'succeeded', 1);
                """)
        let broken = Schema(
            migrations: Schema.current.migrations + [
                Schema.Migration(
                    version: RunStore.schemaVersion + 1,
                    sql: "ALTER TABLE runs ADD COLUMN label TEXT; ALTER TABLE nowhere ADD COLUMN x;")
            ])
        #expect(throws: RunStoreError.self) {
            _ = try RunStore.open(path: path, redactor: SecretRedactor(), schema: broken)
        }
        #expect(try fixture.sqlite3(path, "PRAGMA user_version") == "1\n")
        #expect(
            try fixture.sqlite3(path, "SELECT count(*) FROM pragma_table_info('runs') WHERE name = 'label'") == "0\n")
        #expect(try fixture.sqlite3(path, "SELECT id FROM runs") == "r-1\n")
    }

    @Test func newerSchemaIsRefusedAndUntouched() throws {
        let fixture = try StoreFixture()
        _ = try fixture.open()
        try fixture.sqlite3(fixture.storePath, "PRAGMA user_version = 99")
        let before = try #require(FileManager.default.contents(atPath: fixture.storePath))
        #expect(throws: RunStoreError.newerSchema(path: fixture.storePath, found: 99, known: RunStore.schemaVersion)) {
            _ = try fixture.open()
        }
        let message = "\(RunStoreError.newerSchema(path: fixture.storePath, found: 99, known: RunStore.schemaVersion))"
        #expect(
            message == "\(fixture.storePath) was written by a newer hops (schema 99, this hops knows \(RunStore.schemaVersion)): "
                + "upgrade hops or use another store with --store")
        #expect(FileManager.default.contents(atPath: fixture.storePath) == before)
    }

    @Test func garbageFileIsRefusedAndUntouched() throws {
        let fixture = try StoreFixture()
        try FileManager.default.createDirectory(
            atPath: fixture.folder.appendingPathComponent(".hops").path,
            withIntermediateDirectories: true)
        let garbage = Data((0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
        #expect(FileManager.default.createFile(atPath: fixture.storePath, contents: garbage))
        do {
            _ = try fixture.open()
            Issue.record("a garbage file opened as a store")
        } catch let error as RunStoreError {
            guard case .corrupt(let path, _) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(path == fixture.storePath)
            #expect("\(error)".contains("move it away"))
            #expect("\(error)".contains("left untouched"))
        }
        #expect(FileManager.default.contents(atPath: fixture.storePath) == garbage)
        #expect(!FileManager.default.fileExists(atPath: fixture.storePath + "-wal"))
    }

    @Test func damagedPagesGiveAClearErrorNotACrash() throws {
        let fixture = try StoreFixture()
        do {
            let store = try fixture.open()
            let run = try store.createRun(kind: .flow, source: "f", sourceHash: nil, inputsJSON: nil)
            for index in 0..<200 {
                let step = try store.beginStep(
                    run: run, stepID: "s\(index)", argsJSON: "{}", cacheKey: "k\(index)", runner: "bash")
                try store.finishStep(step, status: .succeeded, resultJSON: String(repeating: "r", count: 500))
            }
        }
        // Closed (its log, under 4 MB, stays beside it unless the writing took a second or more).
        // Overwrite everything after the file's first page.
        let handle = try #require(FileHandle(forUpdatingAtPath: fixture.storePath))
        let size = try handle.seekToEnd()
        try handle.seek(toOffset: 4096)
        try handle.write(contentsOf: Data(repeating: 0xA5, count: Int(size) - 4096))
        try handle.close()

        var failure: RunStoreError?
        do {
            let store = try fixture.open()
            _ = try store.runs()
            _ = try store.run("last")
            _ = try store.cachedResult(forKey: "k5")
        } catch let error as RunStoreError {
            failure = error
        }
        let error = try #require(failure)
        guard case .corrupt(let path, _) = error else {
            Issue.record("unexpected \(error)")
            return
        }
        #expect(path == fixture.storePath)
        #expect("\(error)".contains("mv \(fixture.storePath) \(fixture.storePath).broken"))
    }

    @Test func anotherProgramsDatabaseIsNotTaken() throws {
        let fixture = try StoreFixture()
        let path = fixture.folder.appendingPathComponent("notes.db").path
        try fixture.sqlite3(path, "CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('keep me');")
        #expect(throws: RunStoreError.notAStore(path: path, tables: ["notes"])) {
            _ = try RunStore.open(path: path)
        }
        #expect(try fixture.sqlite3(path, "SELECT name FROM sqlite_schema WHERE type = 'table'") == "notes\n")
    }

    @Test func directoryInPlaceOfTheFileIsRefused() throws {
        let fixture = try StoreFixture()
        try FileManager.default.createDirectory(atPath: fixture.storePath, withIntermediateDirectories: true)
        #expect(throws: RunStoreError.unusable(path: fixture.storePath, reason: "it is a directory, not a file")) {
            _ = try fixture.open()
        }
    }

    @Test func fileInPlaceOfTheFolderIsRefused() throws {
        let fixture = try StoreFixture()
        #expect(
            FileManager.default.createFile(
                atPath: fixture.folder.appendingPathComponent(".hops").path, contents: Data("x".utf8)))
        do {
            _ = try fixture.open()
            Issue.record("opened a store under a plain file")
        } catch let error as RunStoreError {
            guard case .unusable(let path, _) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(path == fixture.storePath)
        }
    }

    /// Root reads any file whatever its mode, so this can only be observed as an ordinary user.
    @Test(.enabled(if: geteuid() != 0, "root bypasses file permissions"))
    func unreadableFileIsRefused() throws {
        let fixture = try StoreFixture()
        _ = try fixture.open()
        #expect(chmod(fixture.storePath, 0) == 0)
        defer { chmod(fixture.storePath, 0o644) }
        do {
            _ = try fixture.open()
            Issue.record("opened an unreadable store")
        } catch let error as RunStoreError {
            guard case .unusable(let path, let reason) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(path == fixture.storePath)
            #expect(reason.contains("ermission"))
        }
    }
}
