import Foundation
import Testing

@testable import HopsStore

/// What must survive: big results, concurrent writers, a killed hops.
@Suite struct ReliabilityTests {
    @Test func fiftyMegabyteResultRoundTrips() throws {
        let fixture = try StoreFixture()
        let store = try fixture.open(secrets: ["never-in-the-output"])
        // Multi-byte characters too, so a byte/character mix-up would show.
        let element = #"{"name":"disk-é-✓","free":12345678901,"mount":"/srv/data"},"#
        let count = 50 * 1024 * 1024 / element.utf8.count
        let result = "[" + String(repeating: element, count: count) + #"{"end":true}]"#
        #expect(result.utf8.count > 50 * 1024 * 1024 - element.utf8.count)
        let run = try store.createRun(kind: .flow, source: "f", sourceHash: nil, inputsJSON: nil)
        let step = try store.beginStep(run: run, stepID: "big", argsJSON: "{}", cacheKey: "big-key", runner: "deno")
        try store.finishStep(step, status: .succeeded, resultJSON: result)
        let back = try #require(try store.step(step)?.resultJSON)
        #expect(back.utf8.count == result.utf8.count)
        #expect(back == result)
        #expect(try store.cachedResult(forKey: "big-key")?.resultJSON == result)
    }

    /// A second process (python3's sqlite3 module, with a busy timeout as hops sets one) writes steps into
    /// the same run while this process writes through `RunStore`.
    @Test func twoProcessesWriteAtOnceWithoutLosingAnything() throws {
        let fixture = try StoreFixture()
        let store = try fixture.open()
        let run = try store.createRun(kind: .flow, source: "f", sourceHash: nil, inputsJSON: nil)
        let script = try fixture.script(
            "writer.py",
            """
            import sqlite3, sys, time
            path, run_id, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
            db = sqlite3.connect(path, timeout=10, isolation_level=None)
            print("ready", flush=True)
            sys.stdin.readline()
            for i in range(count):
                db.execute("BEGIN IMMEDIATE")
                db.execute(
                    "INSERT INTO steps (run_id, seq, step_id, status, args, started_at, runner) VALUES "
                    "(?1, (SELECT coalesce(max(seq), 0) + 1 FROM steps WHERE run_id = ?1), ?2, 'running', '{}', ?3, 'python3')",
                    (run_id, "py%d" % i, time.time()))
                row = db.execute("SELECT last_insert_rowid()").fetchone()[0]
                db.execute("COMMIT")
                db.execute("UPDATE steps SET status = 'succeeded', result = ?1, finished_at = ?2 WHERE id = ?3",
                           (str(i), time.time(), row))
            print("done", flush=True)
            """)
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        child.arguments = ["python3", script, fixture.storePath, run.rawValue, "500"]
        let input = Pipe()
        let output = Pipe()
        let errors = Pipe()
        child.standardInput = input
        child.standardOutput = output
        child.standardError = errors
        try child.run()
        #expect(readLine(from: output.fileHandleForReading) == "ready")
        try input.fileHandleForWriting.write(contentsOf: Data("go\n".utf8))
        // Start once the other process holds the store in its loop, so that the two really overlap.
        // (Whether single writes interleave is up to the scheduler, so it is not asserted.)
        let deadline = Date().addingTimeInterval(10)
        while try store.run(run)?.steps.isEmpty ?? true, Date() < deadline { usleep(1000) }

        for index in 0..<500 {
            let step = try store.beginStep(
                run: run, stepID: "swift\(index)", argsJSON: "{}", cacheKey: nil, runner: "bash")
            try store.finishStep(step, status: .succeeded, resultJSON: String(index))
        }
        #expect(readLine(from: output.fileHandleForReading) == "done")
        let childErrors = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        child.waitUntilExit()
        #expect(child.terminationStatus == 0, "python writer failed: \(childErrors)")

        let steps = try #require(try store.run(run)).steps
        #expect(steps.count == 1000)
        #expect(Set(steps.map(\.sequence)) == Set(1...1000))
        #expect(steps.allSatisfy { $0.status == .succeeded })
        #expect(steps.filter { $0.stepID.hasPrefix("py") }.count == 500)
        #expect(steps.filter { $0.stepID.hasPrefix("swift") }.count == 500)
    }

    /// A hops process writing in the schema is killed with SIGKILL after one completed step, inside a second
    /// step and in the middle of an uncommitted write.
    @Test func killedWriterLeavesCompletedStepsAndAnInterruptedRun() throws {
        let fixture = try StoreFixture()
        let store = try fixture.open()
        let script = try fixture.script(
            "killed.py",
            """
            import os, socket, sqlite3, sys, time
            path, host = sys.argv[1], sys.argv[2]
            db = sqlite3.connect(path, timeout=10, isolation_level=None)
            run = "r-20261129-000000-dead"
            now = time.time()
            db.execute("INSERT INTO runs (id, kind, source, status, started_at, pid, host) "
                       "VALUES (?, 'flow', 'f.yaml', 'running', ?, ?, ?)", (run, now, os.getpid(), host))
            db.execute("INSERT INTO steps (run_id, seq, step_id, status, args, started_at, cache_key) "
                       "VALUES (?, 1, 'first', 'running', '{}', ?, 'k-first')", (run, now))
            db.execute("UPDATE steps SET status = 'succeeded', result = '{\\"ok\\":true}', stdout = 'fine', "
                       "finished_at = ?, duration_ms = 5 WHERE run_id = ? AND seq = 1", (time.time(), run))
            db.execute("INSERT INTO steps (run_id, seq, step_id, status, args, started_at) "
                       "VALUES (?, 2, 'second', 'running', '{}', ?)", (run, now))
            db.execute("BEGIN IMMEDIATE")
            db.execute("INSERT INTO steps (run_id, seq, step_id, status, started_at) "
                       "VALUES (?, 3, 'uncommitted', 'succeeded', ?)", (run, now))
            print(run, flush=True)
            time.sleep(120)
            """)
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        child.arguments = ["python3", script, fixture.storePath, store.hostName]
        let output = Pipe()
        child.standardOutput = output
        try child.run()
        let run = RunID(readLine(from: output.fileHandleForReading))
        #expect(run.rawValue == "r-20261129-000000-dead")

        // While the writer lives (and holds the write lock), its run is not interrupted and reads still work.
        let whileAlive = try fixture.open()
        #expect(try whileAlive.run(run)?.status == .running)

        kill(child.processIdentifier, SIGKILL)
        child.waitUntilExit()
        #expect(child.terminationReason == .uncaughtSignal)

        #expect(try store.markInterruptedRuns() == [run])
        let record = try #require(try store.run(run))
        #expect(record.status == .interrupted)
        #expect(record.error?.contains("interrupted") == true)
        #expect(record.steps.map(\.stepID) == ["first", "second"])
        #expect(record.steps[0].status == .succeeded)
        #expect(record.steps[0].resultJSON == #"{"ok":true}"#)
        #expect(record.steps[0].stdout == "fine")
        #expect(record.steps[1].status == .interrupted)
        #expect(try store.latestSucceededSteps(run: run).map(\.stepID) == ["first"])
        #expect(try store.cachedResult(forKey: "k-first")?.resultJSON == #"{"ok":true}"#)
        // The killed process's lock is gone: writing works at once.
        let next = try store.createRun(kind: .resume, source: "f.yaml", sourceHash: nil, inputsJSON: nil, parent: run)
        #expect(try store.run(next)?.parent == run)
        #expect(try store.markInterruptedRuns() == [])
        #expect(try store.quickCheck() == nil)
    }

    @Test func ownRunningRunIsNotInterrupted() throws {
        let fixture = try StoreFixture()
        let store = try fixture.open()
        let run = try store.createRun(kind: .prompt, source: nil, sourceHash: nil, inputsJSON: nil)
        _ = try store.beginStep(run: run, stepID: "a", argsJSON: nil, cacheKey: nil, runner: nil)
        let second = try fixture.open()
        #expect(try second.markInterruptedRuns() == [])
        #expect(try second.run(run)?.status == .running)
    }
}
