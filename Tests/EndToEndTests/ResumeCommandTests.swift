import Foundation
import Testing

/// `hops resume` through the binary: after a kill -9, after a fix, and why each step ran.
@Suite struct ResumeCommandTests {
    @Test func aKilledRunReadsInterruptedAndResumeFinishesItWithoutRerunningWhatCompleted() throws {
        let workspace = try StoreWorkspace()
        defer { workspace.cleanUp() }
        try workspace.touch("fixed")
        try workspace.touch("hold")
        // Spawned and reaped directly: the test waits for this very process after killing it.
        let arguments = [
            try HopsProcess.binary(), "flow", "run", workspace.flow, "-i", "dir=\(workspace.directory.path)",
            "--store", workspace.store,
        ]
        var pid: pid_t = 0
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        let spawned = posix_spawn(&pid, arguments[0], &actions, nil, &argv, environ)
        try #require(spawned == 0)
        // Wait until fetch is recorded and check is running (it waits while `hold` exists).
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let states = (try? workspace.sqlite("SELECT step_id || '=' || status FROM steps ORDER BY seq")) ?? ""
            if states.contains("fetch=succeeded") && states.contains("check=running") { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        // The script hops ran outlives it; removing the file lets it end.
        workspace.remove("hold")
        #expect(try workspace.sqlite("SELECT step_id || '=' || status FROM steps WHERE status = 'succeeded'") == "fetch=succeeded")

        let runs = try #require(try StoreWorkspace.json(try workspace.hops(["runs", "--json"])) as? [[String: Any]])
        #expect(runs.first?["status"] as? String == "interrupted")
        let killed = try #require(runs.first?["id"] as? String)

        let resumed = try workspace.hops(["resume", killed, "--json"])
        #expect(resumed.status == 0, "\(resumed.error)")
        let object = try #require(try StoreWorkspace.json(resumed) as? [String: Any])
        #expect(object["status"] as? String == "succeeded")
        #expect(object["result"] as? String == "nas:42")
        let steps = object["steps"] as? [[String: Any]] ?? []
        #expect(steps.map { $0["id"] as? String } == ["fetch", "check", "report"])
        #expect(steps.map { $0["reused"] as? Bool } == [true, false, false])
        #expect(steps.map { $0["reason"] as? String } == ["key matches", "interrupted before", "no record"])
        #expect(workspace.fetchRuns == 1)
        let parent = try workspace.sqlite("SELECT kind || ' ' || parent_id FROM runs WHERE id = '\(object["run"] as? String ?? "")'")
        #expect(parent == "resume \(killed)")
    }

    @Test func saysWhyEachStepRanWhenTheScriptOrAnInputChanged() throws {
        let workspace = try StoreWorkspace()
        defer { workspace.cleanUp() }
        try workspace.touch("fixed")
        let (_, first) = try workspace.runFlow()

        try workspace.write("windmill/scripts/check.sh", "# fixed differently\necho \"$(( $2 + 2 ))\"\n")
        let edited = try workspace.hops(["resume", first])
        #expect(edited.status == 0, "\(edited.error)")
        let lines = edited.output.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ") }
        #expect(lines.contains("fetch reused key matches"))
        #expect(lines.contains("check ran script changed"))
        #expect(lines.contains("report reused key matches"))

        let changed = try workspace.hops(["resume", "last", "-i", "host=router", "--json"])
        let object = try #require(try StoreWorkspace.json(changed) as? [String: Any])
        #expect(object["result"] as? String == "router:42")
        let report = (object["steps"] as? [[String: Any]])?.last
        #expect(report?["reason"] as? String == "arguments changed")
        #expect(report?["reused"] as? Bool == false)

        let fresh = try workspace.hops(["resume", "last", "--fresh", "--json"])
        let freshSteps = (try StoreWorkspace.json(fresh) as? [String: Any])?["steps"] as? [[String: Any]] ?? []
        #expect(freshSteps.allSatisfy { $0["reason"] as? String == "--fresh" })
        #expect(workspace.fetchRuns == 2)
    }
}
