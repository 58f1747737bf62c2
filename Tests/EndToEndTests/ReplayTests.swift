import Foundation
import Testing

/// `hops replay RUN` fed through a pipe: recorded steps shown, then the fixed step retried live.
@Suite struct ReplayTests {
    @Test func showsRecordedStepsThenRetriesTheFixedStepAndContinues() throws {
        let workspace = try StoreWorkspace()
        defer { workspace.cleanUp() }
        let (failed, run) = try workspace.runFlow()
        #expect(failed.status == 1)
        try workspace.touch("fixed")

        let replay = try workspace.hops(
            ["replay", run], input: ":next\nresults.fetch + 1\n:next\n:retry\nsteps.check.result\n:continue\n")
        #expect(replay.status == 0, "\(replay.error)")
        let output = replay.output
        #expect(output.contains("[1/2] fetch: succeeded (recorded)\narguments:"))
        #expect(output.contains("result:\n40\n41\n"))
        #expect(output.contains("[2/2] check: failed (recorded)"))
        #expect(output.contains("error:\n  the script exited with status 3"))
        #expect(output.contains("not fixed yet"))
        #expect(output.contains("check: succeeded, ran live (failed before)\n42\n"))
        #expect(output.contains("report  ran         no record"))
        #expect(output.contains("resumed \(run) as "))
        #expect(output.contains("\"nas:42\""))
        #expect(workspace.fetchRuns == 1, "fetch is reused, never rerun")
        let children = try workspace.sqlite("SELECT status FROM runs WHERE parent_id = '\(run)'")
        #expect(children == "succeeded")
    }

    @Test func replaysANotebookRunCellByCell() throws {
        let workspace = try StoreWorkspace()
        defer { workspace.cleanUp() }
        try workspace.write("nb.hops", "# %% setup\nlet base = 40\nbase\n\n# %% check\nbase > 100 ? \"fine\" : missing\n\n# %% report\n`base=${base}`\n")
        let notebook = workspace.directory.appendingPathComponent("nb.hops").path
        #expect(try workspace.hops(["run", notebook]).status == 1)
        try workspace.write("nb.hops", "# %% setup\nlet base = 40\nbase\n\n# %% check\nbase > 100 ? \"fine\" : \"low\"\n\n# %% report\n`base=${base}`\n")
        let replay = try workspace.hops(["replay", "last"], input: ":next\n:next\nbase + 2\n:retry\n:continue\n")
        #expect(replay.status == 0, "\(replay.error)")
        #expect(replay.output.contains("[1/2] setup: succeeded (recorded)\n  let base = 40\n  base\n40\n"))
        #expect(replay.output.contains("[2/2] check: failed (recorded)"))
        #expect(replay.error.contains("unknown name 'missing'"))
        #expect(replay.output.contains("42\ncheck: running live\n\"low\"\n"))
        #expect(replay.output.contains("report: running live\n\"base=40\"\n"))
    }
}
