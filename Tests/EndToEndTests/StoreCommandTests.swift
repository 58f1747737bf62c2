import Foundation
import Testing

/// `hops runs`, `hops show`, `hops gc` and the store's reliability, through the binary.
@Suite struct StoreCommandTests {
    @Test func runsListsNewestFirstAndShowGivesStepsAndOneStep() throws {
        let workspace = try StoreWorkspace()
        defer { workspace.cleanUp() }
        let (failedRun, failed) = try workspace.runFlow()
        #expect(failedRun.status == 1)
        try workspace.touch("fixed")
        let (_, succeeded) = try workspace.runFlow()

        let table = try workspace.hops(["runs"])
        #expect(table.status == 0, "\(table.error)")
        let lines = table.output.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("ID") == true)
        #expect(lines.first?.contains("FAILED STEP") == true)
        #expect(lines.count == 3)
        #expect(lines[1].hasPrefix(succeeded) && lines[1].contains("succeeded"))
        #expect(lines[2].hasPrefix(failed) && lines[2].contains("failed") && lines[2].hasSuffix("check"))

        let json = try #require(try StoreWorkspace.json(try workspace.hops(["runs", "--json", "--limit", "1"])) as? [[String: Any]])
        #expect(json.count == 1)
        #expect(json[0]["id"] as? String == succeeded)
        #expect(json[0]["status"] as? String == "succeeded")
        #expect((json[0]["flow"] as? String)?.hasSuffix("demo.yaml") == true)

        let show = try workspace.hops(["show", "-2"])
        #expect(show.status == 0, "\(show.error)")
        #expect(show.output.contains("run \(failed)"))
        #expect(show.output.contains("status    failed"))
        #expect(show.output.contains(#""dir":"#))
        #expect(show.output.contains("check") && show.output.contains("the script exited with status 3"))

        let step = try workspace.hops(["show", String(failed.prefix(22)), "check"])
        #expect(step.status == 0, "\(step.error)")
        #expect(step.output.contains("arguments:\n  {"))
        #expect(step.output.contains(#""value": 40"#))
        #expect(step.output.contains("stderr:\n  not fixed yet"))

        let missing = try workspace.hops(["show", "r-19990101"])
        #expect(missing.status == 66)
        #expect(missing.error.contains("no run 'r-19990101'"))
    }

    @Test func gcDeletesOldRunsAndReportsSize() throws {
        let workspace = try StoreWorkspace()
        defer { workspace.cleanUp() }
        try workspace.touch("fixed")
        try workspace.runFlow()
        try workspace.runFlow()
        // Age one run by two days.
        _ = try workspace.sqlite("UPDATE runs SET started_at = started_at - 172800 WHERE rowid = 1")
        let size = try workspace.hops(["gc", "--size"])
        #expect(size.status == 0, "\(size.error)")
        #expect(size.output.contains("runs       2"))
        #expect(size.output.contains("steps      6"))
        let gc = try workspace.hops(["gc", "--older-than", "1d"])
        #expect(gc.status == 0, "\(gc.error)")
        #expect(gc.output.hasPrefix("deleted 1 run (3 steps) older than 1d; freed "))
        #expect(try workspace.sqlite("SELECT count(*) FROM runs") == "1")
        let bad = try workspace.hops(["gc", "--older-than", "soon"])
        #expect(bad.status != 0)
        #expect(bad.error.contains("a number and a unit d, h or m"))
    }

    @Test func aCorruptStoreIsReportedAndLeftUntouched() throws {
        let workspace = try StoreWorkspace()
        defer { workspace.cleanUp() }
        let garbage = Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) })
        try garbage.write(to: URL(fileURLWithPath: workspace.store))
        let result = try workspace.hops(["runs"])
        #expect(result.status == 74)
        #expect(result.error.contains(workspace.store))
        #expect(result.error.contains("not a usable hops store"))
        #expect(!result.error.contains("Fatal error"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: workspace.store)) == garbage)
    }

    @Test func aStoreOfANewerSchemaIsRefused() throws {
        let workspace = try StoreWorkspace()
        defer { workspace.cleanUp() }
        #expect(try workspace.hops(["runs"]).status == 0)
        _ = try workspace.sqlite("PRAGMA user_version = 99")
        let result = try workspace.hops(["runs", "--json"])
        #expect(result.status == 74)
        #expect(result.error.contains(workspace.store))
        #expect(result.error.contains("newer hops (schema 99"))
        #expect(try workspace.sqlite("PRAGMA user_version") == "99")
    }

    @Test func twoProcessesRecordIntoOneStoreAtOnce() throws {
        let workspace = try StoreWorkspace()
        defer { workspace.cleanUp() }
        try workspace.touch("fixed")
        let results = ConcurrentResults()
        let group = DispatchGroup()
        for _ in 0..<2 {
            group.enter()
            Thread.detachNewThread {
                results.add(Result { try workspace.runFlow() })
                group.leave()
            }
        }
        group.wait()
        for outcome in results.all {
            let (result, _) = try outcome.get()
            #expect(result.status == 0, "\(result.error)")
            #expect(!result.error.contains("locked"))
        }
        #expect(try workspace.sqlite("SELECT count(*) FROM runs WHERE status = 'succeeded'") == "2")
        #expect(try workspace.sqlite("SELECT count(*) FROM steps WHERE status = 'succeeded'") == "6")
    }

    @Test func aFiftyMegabyteResultIsStoredAndReadBackIntact() throws {
        let workspace = try StoreWorkspace()
        defer { workspace.cleanUp() }
        try workspace.write("windmill/scripts/big.py", "def main(size: int):\n    return {\"data\": \"ab\" * (size // 2)}\n")
        try workspace.write(
            "windmill/flows/big.yaml", "summary: a big result\nsteps:\n  - id: big\n    script: big.py\n    args:\n      size: 50000000\n")
        let run = try workspace.hops(["flow", "run", workspace.directory.appendingPathComponent("windmill/flows/big.yaml").path])
        #expect(run.status == 0, "\(run.error)")
        #expect(try workspace.sqlite("SELECT length(result) FROM steps WHERE step_id = 'big'") == "50000011", "{\"data\":\"…\"} holds 11 bytes around the data")
        let shown = try workspace.hops(["show", "last", "big", "--json"])
        #expect(shown.status == 0, "\(shown.error)")
        let step = try #require(try StoreWorkspace.json(shown) as? [String: Any])
        let data = try #require((step["result"] as? [String: Any])?["data"] as? String)
        #expect(data.utf8.count == 50_000_000)
        #expect(data.hasPrefix("abab") && data.hasSuffix("abab"))
    }
}

/// Results gathered from several threads.
final class ConcurrentResults: @unchecked Sendable {
    // Guarded by `lock`.
    private let lock = NSLock()
    private var results: [Result<(HopsProcess.Result, String), any Error>] = []

    func add(_ result: Result<(HopsProcess.Result, String), any Error>) {
        lock.lock()
        results.append(result)
        lock.unlock()
    }

    var all: [Result<(HopsProcess.Result, String), any Error>] {
        lock.lock()
        defer { lock.unlock() }
        return results
    }
}
