import Foundation
import Testing

/// `hops resume` through the binary: after a kill -9, after a fix, and why each step ran.
@Suite struct ResumeCommandTests {
    /// Runs hops with `arguments` and kills it with SIGKILL once the store's steps read `shows`.
    static func killWhen(_ arguments: [String], workspace: StoreWorkspace, shows states: [String]) throws {
        // Spawned and reaped directly: the test waits for this very process after killing it.
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
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let recorded = (try? workspace.sqlite(
                "SELECT step_id || '=' || status FROM steps WHERE run_id = (SELECT id FROM runs ORDER BY started_at DESC, id DESC LIMIT 1) ORDER BY seq")) ?? ""
            if states.allSatisfy(recorded.contains) { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }

    /// A run that fails, and its resume that fails again: the report on standard output, the error
    /// on standard error, as `hops flow run` writes it; the JSON of both ends its line.
    @Test func theErrorOfAFailedResumeIsOnStandardErrorAndItsReportOnStandardOutput() throws {
        let workspace = try StoreWorkspace()
        defer { workspace.cleanUp() }
        let (failed, run) = try workspace.runFlow()
        #expect(failed.status == 1)
        #expect(failed.output.hasSuffix("}\n"), "\(failed.output.suffix(20))")
        #expect(failed.error.contains("error: step check: the script exited with status 3"), "\(failed.error)")

        let resumed = try workspace.hops(["resume", run])
        #expect(resumed.status == 1)
        #expect(resumed.output.contains("check  ran, failed  failed before"), "\(resumed.output)")
        #expect(resumed.output.contains("resumed \(run) as "), "\(resumed.output)")
        #expect(!resumed.output.contains("error:"), "\(resumed.output)")
        #expect(resumed.error.contains("error: step check: the script exited with status 3"), "\(resumed.error)")

        let json = try workspace.hops(["resume", run, "--json"])
        #expect(json.status == 1)
        #expect(json.output.hasSuffix("}\n"), "\(json.output.suffix(20))")
        #expect(json.error.contains("error: step check: the script exited with status 3"), "\(json.error)")
    }

    @Test func aKilledRunReadsInterruptedAndResumeFinishesItWithoutRerunningWhatCompleted() throws {
        let workspace = try StoreWorkspace()
        defer { workspace.cleanUp() }
        try workspace.touch("fixed")
        try workspace.touch("hold")
        try Self.killWhen(
            [try HopsProcess.binary(), "flow", "run", workspace.flow, "-i", "dir=\(workspace.directory.path)", "--store", workspace.store],
            // Once fetch is recorded and check is running (it waits while `hold` exists).
            workspace: workspace, shows: ["fetch=succeeded", "check=running"])
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

    @Test func theRuntimeVersionIsRememberedAcrossCommandsAndIsPartOfTheKey() throws {
        let workspace = try StoreWorkspace()
        defer { workspace.cleanUp() }
        try workspace.touch("fixed")
        let home = workspace.directory.appendingPathComponent("home").path
        func hops(_ arguments: [String]) throws -> HopsProcess.Result {
            try HopsProcess.run(arguments + ["--store", workspace.store], environment: ["HOPS_HOME": home])
        }
        let ran = try hops(["flow", "run", workspace.flow, "--json", "-i", "dir=\(workspace.directory.path)"])
        let first = try #require((try StoreWorkspace.json(ran) as? [String: Any])?["run"] as? String, "\(ran.error)")

        // bash's binary, as the flow run asked it: where it is, what file it is, what it said.
        let file = home + "/runtime-versions"
        let lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n")
        let bash = try #require(realpath("/bin/bash", nil).map { path in defer { free(path) }; return String(cString: path) })
        #expect(lines.count == 1)
        let fields = try #require(lines.first).split(separator: "\t")
        #expect(fields.first?.hasPrefix(bash + ":") == true)
        #expect(fields.last?.hasPrefix("GNU bash, version ") == true)

        // The next command reads it instead of asking bash: a version planted there is the one every key takes.
        try (String(fields[0]) + "\tGNU bash, version 0.0-planted\n").write(toFile: file, atomically: true, encoding: .utf8)
        let planted = try #require(try StoreWorkspace.json(try hops(["resume", first, "--json"])) as? [String: Any])
        let steps = planted["steps"] as? [[String: Any]] ?? []
        #expect(steps.map { $0["reason"] as? String } == ["runner changed", "runner changed", "runner changed"])
        #expect(try workspace.sqlite("SELECT DISTINCT runner FROM steps WHERE run_id = '\(planted["run"] as? String ?? "")'")
            == "bash GNU bash, version 0.0-planted")

        // Without the file, bash is asked again: the first run's keys match.
        try FileManager.default.removeItem(atPath: file)
        let again = try #require(try StoreWorkspace.json(try hops(["resume", first, "--json"])) as? [String: Any])
        #expect((again["steps"] as? [[String: Any]] ?? []).map { $0["reused"] as? Bool } == [true, true, true])
        #expect(FileManager.default.fileExists(atPath: file))
    }

    @Test func aResumeKilledInAStepThatRanKeepsTheStepsItReusedBeforeIt() throws {
        let workspace = try StoreWorkspace()
        defer { workspace.cleanUp() }
        try workspace.touch("fixed")
        let (_, first) = try workspace.runFlow()
        // check's script changes, so the resume reuses fetch and runs check, which waits while `hold` exists.
        try workspace.write(
            "windmill/scripts/check.sh", "while [ -f \"$1/hold\" ]; do sleep 0.05; done\necho \"$(( $2 + 2 ))\"\n")
        try workspace.touch("hold")
        try Self.killWhen(
            [try HopsProcess.binary(), "resume", first, "--store", workspace.store],
            workspace: workspace, shows: ["fetch=reused", "check=running"])
        workspace.remove("hold")

        let runs = try #require(try StoreWorkspace.json(try workspace.hops(["runs", "--json"])) as? [[String: Any]])
        #expect(runs.first?["status"] as? String == "interrupted")
        let killed = try #require(runs.first?["id"] as? String)
        let rows = try workspace.sqlite("SELECT step_id || '=' || status FROM steps WHERE run_id = '\(killed)' ORDER BY seq")
        #expect(rows.split(separator: "\n") == ["fetch=reused", "check=interrupted"])

        let resumed = try workspace.hops(["resume", killed, "--json"])
        let object = try #require(try StoreWorkspace.json(resumed) as? [String: Any])
        #expect(object["result"] as? String == "nas:42")
        let steps = object["steps"] as? [[String: Any]] ?? []
        #expect(steps.map { $0["reason"] as? String } == ["key matches", "interrupted before", "no record"])
        #expect(workspace.fetchRuns == 1)
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

    /// A resume reads its run while its arguments are parsed, from the words as given: whichever
    /// way the store and `--fresh` are written, and wherever they stand, it reads the store and
    /// decides the steps as the parsed options say.
    @Test func theStoreAndFreshAreReadAsTheOptionsSayWhereverTheyStand() throws {
        let workspace = try StoreWorkspace()
        defer { workspace.cleanUp() }
        try workspace.touch("fixed")
        let (_, first) = try workspace.runFlow()
        func reasons(_ arguments: [String]) throws -> [String] {
            let result = try HopsProcess.run(arguments)
            #expect(result.status == 0, "\(arguments): \(result.error)")
            let steps = (try StoreWorkspace.json(result) as? [String: Any])?["steps"] as? [[String: Any]] ?? []
            return steps.compactMap { $0["reason"] as? String }
        }
        let reused = ["key matches", "key matches", "key matches"]
        #expect(try reasons(["resume", first, "--json", "--store=\(workspace.store)"]) == reused)
        #expect(try reasons(["resume", "--json", "--store", workspace.store, first]) == reused)
        #expect(try reasons(["resume", first, "--store", workspace.store, "--json", "--fresh"]) == ["--fresh", "--fresh", "--fresh"])
        // The word after `--fresh-step` is not `--fresh`: only that step runs.
        #expect(try reasons(["resume", first, "--fresh-step", "check", "--store", workspace.store, "--json"])
            == ["key matches", "--fresh-step", "key matches"])
        // A store other than the one holding the run: the run is not found there.
        let other = workspace.directory.appendingPathComponent("other.db").path
        #expect(try HopsProcess.run(["flow", "run", workspace.flow, "-i", "dir=\(workspace.directory.path)", "--store", other]).status == 0)
        let missing = try HopsProcess.run(["resume", first, "--store", other])
        #expect(missing.status != 0)
        #expect(missing.error.contains(first))
    }

    @Test func aFlowEditedSinceTheRunIsReadAgain() throws {
        let workspace = try StoreWorkspace()
        defer { workspace.cleanUp() }
        try workspace.touch("fixed")
        let (_, first) = try workspace.runFlow()
        // report's argument changes and a step is added; fetch and check stay as they were.
        let edited =
            try String(contentsOfFile: workspace.flow, encoding: .utf8)
            .replacingOccurrences(of: "host: ${{ inputs.host }}", with: "host: router")
            + "  - id: again\n    script: report.sh\n    args:\n      host: ${{ inputs.host }}\n      value: 1\n"
        try workspace.write("windmill/flows/demo.yaml", edited)
        let resumed = try workspace.hops(["resume", first, "--json"])
        #expect(resumed.status == 0, "\(resumed.error)")
        let object = try #require(try StoreWorkspace.json(resumed) as? [String: Any])
        let steps = object["steps"] as? [[String: Any]] ?? []
        #expect(steps.map { $0["id"] as? String } == ["fetch", "check", "report", "again"])
        #expect(steps.map { $0["reason"] as? String } == ["key matches", "key matches", "arguments changed", "no record"])
        #expect(object["result"] as? String == "nas:1")
        #expect(workspace.fetchRuns == 1)
        // The reused steps are recorded before the steps that ran after them.
        let run = try #require(object["run"] as? String)
        let rows = try workspace.sqlite("SELECT step_id || '=' || status FROM steps WHERE run_id = '\(run)' ORDER BY seq")
        #expect(rows.split(separator: "\n") == ["fetch=reused", "check=reused", "report=succeeded", "again=succeeded"])

        // The edited flow is what the next resume compares with: everything is reused.
        let again = try workspace.hops(["resume", run, "--json"])
        let reasons = ((try StoreWorkspace.json(again) as? [String: Any])?["steps"] as? [[String: Any]])?.map { $0["reason"] as? String }
        #expect(reasons == ["key matches", "key matches", "key matches", "key matches"])

        // A flow that no longer loads is refused in the loader's words, at the place of the error.
        let broken = edited + "  - id: late\n    args: [\n"
        try workspace.write("windmill/flows/demo.yaml", broken)
        let refused = try workspace.hops(["resume", run])
        #expect(refused.status == 66)
        let line = broken.filter { $0 == "\n" }.count + 1
        #expect(refused.error.contains("demo.yaml:\(line):1: error: invalid YAML"), "\(refused.error)")
        #expect(try workspace.sqlite("SELECT count(*) FROM runs") == "3")
    }
}
