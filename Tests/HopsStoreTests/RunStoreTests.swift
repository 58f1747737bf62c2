import Foundation
import Testing

@testable import HopsStore

@Suite struct RunStoreTests {
    @Test func createsSchemaInHiddenFolderWithWAL() throws {
        let fixture = try StoreFixture()
        let store = try fixture.open()
        #expect(FileManager.default.fileExists(atPath: fixture.storePath))
        #expect(store.path == fixture.storePath)
        #expect(try fixture.sqlite3(fixture.storePath, "PRAGMA user_version") == "\(RunStore.schemaVersion)\n")
        #expect(try fixture.sqlite3(fixture.storePath, "PRAGMA journal_mode") == "wal\n")
        let tables = try fixture.sqlite3(
            fixture.storePath, "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
        #expect(tables == "runs\nsteps\n")
        let ignore = try String(
            contentsOfFile: fixture.folder.appendingPathComponent(".hops/.gitignore").path, encoding: .utf8)
        #expect(ignore == "*\n")
    }

    @Test func defaultPathUsesRepositoryOrEnvironment() {
        #expect(RunStore.defaultPath(repositoryRoot: "/repo", environment: [:]) == "/repo/.hops/hops.db")
        #expect(RunStore.defaultPath(repositoryRoot: "/repo", environment: ["HOPS_STORE": "/tmp/x.db"]) == "/tmp/x.db")
        #expect(RunStore.defaultPath(repositoryRoot: "/repo", environment: ["HOPS_STORE": ""]) == "/repo/.hops/hops.db")
    }

    @Test func recordsARunAndItsSteps() throws {
        let fixture = try StoreFixture()
        let store = try fixture.open()
        let run = try store.createRun(
            kind: .flow, source: "windmill/flows/ops/disk.yaml", sourceHash: "abc",
            inputsJSON: #"{"path":"/"}"#)
        #expect(run.rawValue.hasPrefix("r-"))
        #expect(run.rawValue.count == "r-20261129-083512-3fa2".count)
        let first = try store.beginStep(
            run: run, stepID: "check", argsJSON: #"{"path":"/"}"#, cacheKey: "k1",
            runner: "python3", scriptHash: "s1")
        let running = try #require(try store.step(first))
        #expect(running.status == .running)
        #expect(running.sequence == 1)
        try store.finishStep(
            first, status: .succeeded, resultJSON: #"{"used":42}"#, stdout: "ok\n", stderr: "",
            durationMs: 12)
        let second = try store.beginStep(
            run: run, stepID: "notify", place: "loop[3]/branch[1]", attempt: 2,
            argsJSON: nil, cacheKey: nil, runner: "bash")
        try store.finishStep(second, status: .failed, error: "exit code 1", stderr: "boom")
        try store.finishRun(run, status: .failed, error: "step notify failed")

        let record = try #require(try store.run(run))
        #expect(record.kind == .flow)
        #expect(record.source == "windmill/flows/ops/disk.yaml")
        #expect(record.inputsJSON == #"{"path":"/"}"#)
        #expect(record.status == .failed)
        #expect(record.processID == getpid())
        #expect(record.finishedAt != nil)
        #expect(record.steps.map(\.stepID) == ["check", "notify"])
        #expect(record.steps.map(\.sequence) == [1, 2])
        let check = record.steps[0]
        #expect(check.status == .succeeded)
        #expect(check.resultJSON == #"{"used":42}"#)
        #expect(check.stdout == "ok\n")
        #expect(check.stderr == "")
        #expect(check.durationMs == 12)
        #expect(check.cacheKey == "k1")
        #expect(check.scriptHash == "s1")
        #expect(check.runner == "python3")
        let notify = record.steps[1]
        #expect(notify.place == "loop[3]/branch[1]")
        #expect(notify.attempt == 2)
        #expect(notify.error == "exit code 1")
        #expect(notify.resultJSON == nil)
        #expect(notify.durationMs != nil)
        #expect(try store.step(run: run, stepID: "notify")?.id == second)

        let summaries = try store.runs()
        #expect(summaries.count == 1)
        #expect(summaries[0].failedStep == "notify")
        #expect(summaries[0].stepCount == 2)
        #expect(summaries[0].duration != nil)
    }

    @Test func unknownRunAndStepAreErrors() throws {
        let fixture = try StoreFixture()
        let store = try fixture.open()
        #expect(throws: RunStoreError.unknownStep(StepRecordID(999))) {
            try store.finishStep(StepRecordID(999), status: .succeeded)
        }
        #expect(throws: RunStoreError.unknownRun(RunID("r-nope"))) {
            try store.finishRun(RunID("r-nope"), status: .succeeded)
        }
        #expect(throws: RunStoreError.self) {
            _ = try store.beginStep(run: RunID("r-nope"), stepID: "a", argsJSON: nil, cacheKey: nil, runner: nil)
        }
    }

    @Test func resolvesLastNegativeIndexesAndPrefixes() throws {
        let fixture = try StoreFixture()
        let store = try fixture.open()
        let base = Date(timeIntervalSince1970: 1_800_000_000)
        let old = try store.createRun(kind: .flow, source: "a", sourceHash: nil, inputsJSON: nil, startedAt: base)
        let middle = try store.createRun(
            kind: .prompt, source: nil, sourceHash: nil, inputsJSON: nil,
            startedAt: base.addingTimeInterval(3600))
        let newest = try store.createRun(
            kind: .notebook, source: "n.hops", sourceHash: nil, inputsJSON: nil,
            startedAt: base.addingTimeInterval(7200))
        #expect(try store.resolveRun("last") == newest)
        #expect(try store.resolveRun("-1") == newest)
        #expect(try store.resolveRun("-2") == middle)
        #expect(try store.resolveRun("-3") == old)
        #expect(try store.resolveRun("-4") == nil)
        #expect(try store.resolveRun(old.rawValue) == old)
        #expect(try store.resolveRun(String(middle.rawValue.prefix(15))) == middle)
        // The `r-` may be left out.
        #expect(try store.resolveRun(String(newest.rawValue.dropFirst(2).prefix(13))) == newest)
        #expect(try store.resolveRun("r-1999") == nil)
        #expect(try store.resolveRun("%") == nil)
        #expect(try store.run("last")?.kind == .notebook)
        #expect(throws: RunStoreError.self) { _ = try store.resolveRun("r-2027") }
        do {
            _ = try store.resolveRun("r-2027")
        } catch {
            #expect("\(error)".contains("ambiguous"))
            #expect("\(error)".contains(newest.rawValue))
        }
        #expect(try store.runs().map(\.id) == [newest, middle, old])
        #expect(try store.runs(limit: 1).map(\.id) == [newest])
    }

    @Test func cacheHitMissFailureAndTTL() throws {
        let fixture = try StoreFixture()
        let store = try fixture.open()
        let now = Date()
        let run = try store.createRun(kind: .flow, source: "f", sourceHash: nil, inputsJSON: nil)
        let key = CacheKey.make(
            runner: "bash", runnerVersion: "5", scriptContent: "echo 1", argumentsCanonicalJSON: "{}")
        #expect(try store.cachedResult(forKey: key) == nil)

        let failed = try store.beginStep(run: run, stepID: "a", argsJSON: "{}", cacheKey: key, runner: "bash")
        try store.finishStep(failed, status: .failed, error: "no")
        #expect(try store.cachedResult(forKey: key) == nil, "a failed step is not a cache entry")

        let older = try store.beginStep(
            run: run, stepID: "a", attempt: 2, argsJSON: "{}", cacheKey: key, runner: "bash")
        try store.finishStep(older, status: .succeeded, resultJSON: "1", finishedAt: now.addingTimeInterval(-3600))
        let hit = try #require(try store.cachedResult(forKey: key, now: now))
        #expect(hit.step == older)
        #expect(hit.resultJSON == "1")
        #expect(hit.run == run)
        #expect(hit.stepID == "a")
        #expect(try store.cachedResult(forKey: key, maxAge: 60, now: now) == nil, "older than cache_ttl")
        #expect(try store.cachedResult(forKey: key, maxAge: 7200, now: now)?.step == older)
        #expect(try store.cachedResult(forKey: "other") == nil)

        let newer = try store.beginStep(
            run: run, stepID: "a", attempt: 1, argsJSON: "{}", cacheKey: key, runner: "bash")
        try store.finishStep(newer, status: .succeeded, resultJSON: "2", finishedAt: now)
        #expect(try store.cachedResult(forKey: key, maxAge: 60, now: now)?.resultJSON == "2")
    }

    @Test func resumeSeesLatestSucceededStepsAndReusedCopiesResult() throws {
        let fixture = try StoreFixture()
        let store = try fixture.open()
        let original = try store.createRun(kind: .flow, source: "f", sourceHash: "h", inputsJSON: "{}")
        let fetch = try store.beginStep(
            run: original, stepID: "fetch", argsJSON: "{}", cacheKey: "k-fetch", runner: "deno")
        try store.finishStep(fetch, status: .succeeded, resultJSON: #"[1,2,3]"#)
        for index in 0..<2 {
            let item = try store.beginStep(
                run: original, stepID: "each", place: "loop[\(index)]", argsJSON: "{}",
                cacheKey: "k-each-\(index)", runner: "deno")
            try store.finishStep(item, status: index == 0 ? .succeeded : .failed, resultJSON: index == 0 ? "10" : nil)
        }
        let firstTry = try store.beginStep(
            run: original, stepID: "report", argsJSON: "{}", cacheKey: "k-r", runner: "bash")
        try store.finishStep(firstTry, status: .failed, error: "flaky")
        let retry = try store.beginStep(
            run: original, stepID: "report", attempt: 2, argsJSON: "{}", cacheKey: "k-r", runner: "bash")
        try store.finishStep(retry, status: .succeeded, resultJSON: #""done""#)
        try store.finishRun(original, status: .failed)

        let reusable = try store.latestSucceededSteps(run: original)
        #expect(reusable.map(\.stepID) == ["fetch", "each", "report"])
        #expect(reusable.map(\.place) == ["", "loop[0]", ""])
        #expect(reusable.last?.id == retry)

        let resumed = try store.createRun(
            kind: .resume, source: "f", sourceHash: "h", inputsJSON: "{}", parent: original)
        let reused = try store.beginStep(
            run: resumed, stepID: "fetch", argsJSON: "{}", cacheKey: "k-fetch", runner: "deno")
        try store.finishStep(reused, status: .reused, reusedFrom: fetch)
        let record = try #require(try store.run(resumed))
        #expect(record.parent == original)
        #expect(record.steps[0].status == .reused)
        #expect(record.steps[0].reusedFrom == fetch)
        #expect(record.steps[0].resultJSON == #"[1,2,3]"#)
        #expect(try store.latestSucceededSteps(run: resumed).map(\.stepID) == ["fetch"])
    }

    @Test func reusedStepsAreWrittenInOneBatchAfterTheRunsLastStep() throws {
        let fixture = try StoreFixture()
        let store = try fixture.open()
        let original = try store.createRun(kind: .flow, source: "f", sourceHash: nil, inputsJSON: "{}")
        let fetch = try store.beginStep(run: original, stepID: "fetch", argsJSON: "{}", cacheKey: "k1", runner: "bash")
        try store.finishStep(fetch, status: .succeeded, resultJSON: "1")
        let check = try store.beginStep(run: original, stepID: "check", argsJSON: "{}", cacheKey: "k2", runner: "bash")
        try store.finishStep(check, status: .succeeded, resultJSON: "2")
        let resumed = try store.createRun(kind: .resume, source: "f", sourceHash: nil, inputsJSON: "{}", parent: original)
        let live = try store.beginStep(run: resumed, stepID: "first", argsJSON: "{}", cacheKey: "k0", runner: "bash")
        try store.finishStep(live, status: .succeeded, resultJSON: "0")
        let firstResume = try store.recordReused([
            ReusedStep(run: resumed, stepID: "fetch", argsJSON: "{}", cacheKey: "k1", runner: "bash", scriptHash: "s", from: fetch),
            ReusedStep(run: resumed, stepID: "check", argsJSON: "{}", cacheKey: "k2", runner: "bash", scriptHash: "s", from: check),
        ])
        // A resume of the resume takes the rows it reused: they point at the attempts that computed the results.
        let again = try store.createRun(kind: .resume, source: "f", sourceHash: nil, inputsJSON: "{}", parent: resumed)
        try store.recordReused([
            ReusedStep(run: again, stepID: "fetch", argsJSON: "{}", cacheKey: "k1", runner: "bash", scriptHash: "s", from: firstResume[0])
        ])

        let record = try #require(try store.run(resumed))
        #expect(record.steps.map(\.stepID) == ["first", "fetch", "check"])
        #expect(record.steps.map(\.sequence) == [1, 2, 3])
        #expect(record.steps.map(\.status) == [.succeeded, .reused, .reused])
        #expect(record.steps.map(\.resultJSON) == ["0", "1", "2"])
        #expect(record.steps.dropFirst().map(\.reusedFrom) == [fetch, check])
        let second = try #require(try store.run(again))
        #expect(second.steps.map(\.sequence) == [1])
        #expect(second.steps.first?.reusedFrom == fetch)
        #expect(second.steps.first?.resultJSON == "1")
    }

    @Test func aLongBatchOfReusedStepsKeepsEveryRowInOrder() throws {
        let fixture = try StoreFixture()
        let store = try fixture.open()
        // More rows than one INSERT takes, and some over: whole INSERTs, then rows one by one.
        let count = RunStore.reusedRowsPerInsert * 2 + 7
        let original = try store.createRun(kind: .flow, source: "f", sourceHash: nil, inputsJSON: "{}")
        var computed: [StepRecordID] = []
        for index in 0..<count {
            let step = try store.beginStep(run: original, stepID: "s\(index)", argsJSON: "{}", cacheKey: "k\(index)", runner: "bash")
            try store.finishStep(step, status: .succeeded, resultJSON: "\(index)")
            computed.append(step)
        }
        let resumed = try store.createRun(kind: .resume, source: "f", sourceHash: nil, inputsJSON: "{}", parent: original)
        let first = try store.recordReused(
            computed.enumerated().map { index, step in
                ReusedStep(run: resumed, stepID: "s\(index)", argsJSON: "{\"n\":\(index)}", cacheKey: "k\(index)", runner: "bash", scriptHash: "s", from: step)
            })
        let again = try store.createRun(kind: .resume, source: "f", sourceHash: nil, inputsJSON: "{}", parent: resumed)
        let second = try store.recordReused(
            first.enumerated().map { index, step in
                ReusedStep(run: again, stepID: "s\(index)", argsJSON: "{}", cacheKey: "k\(index)", runner: "bash", scriptHash: "s", from: step)
            })

        let record = try #require(try store.run(resumed))
        #expect(record.steps.map(\.id) == first)
        #expect(record.steps.map(\.sequence) == Array(1...count))
        #expect(record.steps.map(\.stepID) == (0..<count).map { "s\($0)" })
        #expect(record.steps.map(\.argsJSON) == (0..<count).map { "{\"n\":\($0)}" })
        #expect(record.steps.map(\.resultJSON) == (0..<count).map { "\($0)" })
        #expect(record.steps.map(\.reusedFrom) == computed)
        #expect(record.steps.allSatisfy { $0.status == .reused && $0.cacheKey != nil && $0.durationMs == 0 })
        // The resume of the resume names the attempts that computed the results, not the rows it read.
        let resumedAgain = try #require(try store.run(again))
        #expect(resumedAgain.steps.map(\.id) == second)
        #expect(resumedAgain.steps.map(\.reusedFrom) == computed)
        #expect(resumedAgain.steps.map(\.resultJSON) == (0..<count).map { "\($0)" })
    }

    @Test func runsNameTheirLastFailedStep() throws {
        let fixture = try StoreFixture()
        let store = try fixture.open()
        let run = try store.createRun(kind: .flow, source: "f", sourceHash: nil, inputsJSON: "{}")
        for (id, status) in [("a", StepStatus.failed), ("b", .succeeded), ("c", .failed), ("d", .succeeded)] {
            let step = try store.beginStep(run: run, stepID: id, argsJSON: "{}", cacheKey: nil, runner: "bash")
            try store.finishStep(step, status: status)
        }
        try store.finishRun(run, status: .failed)
        let summary = try #require(try store.runs(limit: 1).first)
        #expect(summary.failedStep == "c")
        #expect(summary.stepCount == 4)
        let plan = try fixture.sqlite3(
            fixture.storePath,
            "EXPLAIN QUERY PLAN SELECT step_id FROM steps WHERE run_id = 'x' AND status = 'failed' ORDER BY seq DESC LIMIT 1")
        #expect(plan.contains("steps_failed"), "the failed step is found by its index, not by reading every step: \(plan)")
    }

    @Test func gcDeletesOldFinishedRunsAndReportsSize() throws {
        let fixture = try StoreFixture()
        let store = try fixture.open()
        let now = Date()
        let old = now.addingTimeInterval(-40 * 86_400)
        let big = String(repeating: "x", count: 200_000)
        var oldSteps: [StepRecordID] = []
        for _ in 0..<2 {
            let run = try store.createRun(kind: .flow, source: "f", sourceHash: nil, inputsJSON: "{}", startedAt: old)
            let step = try store.beginStep(
                run: run, stepID: "s", argsJSON: "{}", cacheKey: "k", runner: "bash", startedAt: old)
            try store.finishStep(step, status: .succeeded, resultJSON: "\"\(big)\"", stdout: big, finishedAt: old)
            try store.finishRun(run, status: .succeeded, finishedAt: old)
            oldSteps.append(step)
        }
        let stillRunning = try store.createRun(
            kind: .prompt, source: nil, sourceHash: nil, inputsJSON: nil, startedAt: old)
        let recent = try store.createRun(kind: .resume, source: "f", sourceHash: nil, inputsJSON: "{}")
        let reused = try store.beginStep(run: recent, stepID: "s", argsJSON: "{}", cacheKey: "k", runner: "bash")
        try store.finishStep(reused, status: .reused, reusedFrom: oldSteps[0])
        try store.finishRun(recent, status: .succeeded)

        let before = try store.sizeReport()
        #expect(before.runs == 4)
        #expect(before.steps == 3)
        // The reused step stores no copy of the result it reused.
        #expect(before.resultBytes == 2 * Int64(big.count + 2))
        #expect(try store.step(reused)?.resultJSON == "\"\(big)\"")
        #expect(before.outputBytes == 2 * Int64(big.count))
        #expect(before.fileBytes > 400_000)

        let collected = try store.gc(olderThan: now.addingTimeInterval(-30 * 86_400))
        #expect(collected.runsDeleted == 2)
        #expect(collected.stepsDeleted == 2)
        #expect(collected.bytesFreed > 400_000)
        #expect(Set(try store.runs().map(\.id)) == [stillRunning, recent])
        let kept = try #require(try store.step(reused))
        #expect(kept.resultJSON == "\"\(big)\"", "a reused step gets its own copy of the result when its origin goes")
        #expect(kept.reusedFrom == nil)
        let after = try store.sizeReport()
        #expect(after.steps == 1)
        #expect(after.fileBytes < before.fileBytes)
        #expect(try store.quickCheck() == nil)
    }
}
