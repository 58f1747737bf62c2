import Foundation
import Testing

/// `hops run NOTEBOOK.hops` through the built binary, each test with its own folder and store.
@Suite struct NotebookRunTests {
    /// A folder with a notebook and a store path for one test.
    struct Workspace {
        let directory: URL
        let store: String

        init() throws {
            directory = try HopsProcess.temporaryDirectory()
            store = directory.appendingPathComponent("store.db").path
        }

        func write(_ name: String, _ text: String) throws -> String {
            let path = directory.appendingPathComponent(name).path
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            return path
        }

        func read(_ path: String) throws -> String {
            String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
        }

        func hops(_ arguments: [String]) throws -> HopsProcess.Result {
            try HopsProcess.run(["run"] + arguments + ["--store", store])
        }

        func remove() { try? FileManager.default.removeItem(at: directory) }
    }

    static let sample = """
        # %% [md]
        # A sample notebook.

        # %% parameters
        let threshold = 50
        let host = "nas"

        # %% load
        let loads = [10, 60, 95]
        loads.length

        # %% over the threshold
        loads.filter(x => x > threshold)

        # %% report
        `${host}: ${loads.filter(x => x > threshold).length} over ${threshold}`

        """

    @Test func runsCellsWithParametersAndReportsProgress() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let notebook = try workspace.write("sample.hops", Self.sample)
        let result = try workspace.hops([notebook, "-p", "threshold=80", "-p", "host=media box"])
        #expect(result.status == 0)
        #expect(result.output == "3\n[95]\n\"media box: 1 over 80\"\n")
        let progress = result.error.split(separator: "\n").map(String.init)
        #expect(progress.count == 4)
        let expected = ["[1/4] parameters … ok ", "[2/4] load … ok ", "[3/4] over the threshold … ok ", "[4/4] report … ok "]
        for (line, prefix) in zip(progress, expected) {
            #expect(line.hasPrefix(prefix) && line.hasSuffix(" ms"), "\(line)")
        }
        // Running does not write into the notebook without --update.
        #expect(try workspace.read(notebook) == Self.sample)
    }

    @Test func stopsAtTheFailingCellWithItsLocationInTheNotebook() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let notebook = try workspace.write(
            "broken.hops", "# %% one\nlet a = {b: 1}\na.b\n\n# %% two\nlet c = 2\n  a.x.y\n\n# %% three\n\"never\"\n")
        let result = try workspace.hops([notebook])
        #expect(result.status == 1)
        #expect(result.output == "1\n")
        #expect(result.error.contains("[2/3] two … failed"))
        #expect(result.error.contains("\(notebook):7:6: error: cannot read property 'y' of undefined"))
        #expect(!result.error.contains("[3/3]"))
        let syntax = try workspace.write("syntax.hops", "# %% one\n1\n# %% two\n\n1 +* 2\n")
        let syntaxResult = try workspace.hops([syntax])
        #expect(syntaxResult.status == 1)
        #expect(syntaxResult.error.contains("\(syntax):5:4: error:"))
    }

    @Test func updateWritesOutputsAndASecondRunChangesNothing() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let notebook = try workspace.write("sample.hops", Self.sample)
        #expect(try workspace.hops([notebook, "--update"]).status == 0)
        let first = try workspace.read(notebook)
        #expect(first.contains("loads.length\n# => 3\n\n# %% over the threshold"))
        #expect(first.contains("# => \"nas: 2 over 50\"\n"))
        #expect(try workspace.hops([notebook, "--update"]).status == 0)
        #expect(try workspace.read(notebook) == first)
        // Other parameters replace the outputs rather than adding to them.
        #expect(try workspace.hops([notebook, "--update", "-p", "threshold=5"]).status == 0)
        let third = try workspace.read(notebook)
        #expect(third.contains("# => [10, 60, 95]\n"))
        #expect(!third.contains("# => [95]"))
    }

    @Test func outputOptionWritesAnotherFileAndKeepsTheErrorThere() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let text = "# %% fine\n40 + 2\n\n# %% broken\nnope\n\n# %% after\n1\n# => stale\n"
        let notebook = try workspace.write("nb.hops", text)
        let out = workspace.directory.appendingPathComponent("out.hops").path
        let result = try workspace.hops([notebook, "-o", out])
        #expect(result.status == 1)
        #expect(try workspace.read(notebook) == text)
        #expect(
            try workspace.read(out)
                == "# %% fine\n40 + 2\n# => 42\n\n# %% broken\nnope\n# => error: \(notebook):5:1: unknown name 'nope'\n\n# %% after\n1\n"
        )
    }

    @Test func jsonReportIsOneDocument() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let notebook = try workspace.write("nb.hops", "# %% a\n[1, 2]\n# %% b\nnull.x\n# %% c\n3\n")
        let result = try workspace.hops([notebook, "--json"])
        #expect(result.status == 1)
        let report = try #require(
            try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        #expect((report["run"] as? String)?.hasPrefix("r-") == true)
        #expect(report["notebook"] as? String == notebook)
        #expect(report["status"] as? String == "failed")
        let cells = try #require(report["cells"] as? [[String: Any]])
        #expect(cells.map { $0["status"] as? String } == ["ok", "failed", "skipped"])
        #expect(cells.map { $0["index"] as? Int } == [1, 2, 3])
        #expect(cells[0]["title"] as? String == "a")
        #expect(cells[0]["value"] as? [Int] == [1, 2])
        #expect(cells[0]["duration_ms"] is Int)
        #expect((cells[1]["error"] as? String)?.hasPrefix("\(notebook):4:") == true)
        #expect(cells[1]["value"] == nil)
    }

    @Test func resumeReusesUnchangedCellsAndRunsFromTheFirstChangedOne() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        // A cell that ran again would read the clock again: a reused one shows the recorded time.
        let notebook = try workspace.write(
            "nb.hops", "# %% parameters\nlet factor = 10\n\n# %% stamp\nlet stamp = Date.now()\nstamp\n\n# %% more\nfactor + 1\n")
        let first = try workspace.hops([notebook, "--resume", "--json"])
        #expect(first.status == 0)
        #expect(first.error.contains("[1/3] parameters … ok") && first.error.contains("(no record)"))
        let firstReport = try #require(try JSONSerialization.jsonObject(with: Data(first.output.utf8)) as? [String: Any])
        let stamp = try #require((firstReport["cells"] as? [[String: Any]])?[1]["value"] as? Double)
        try Data(try workspace.read(notebook).replacingOccurrences(of: "factor + 1", with: "[factor + 2, stamp]").utf8)
            .write(to: URL(fileURLWithPath: notebook))
        let second = try workspace.hops([notebook, "--resume", "--json"])
        #expect(second.status == 0)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(second.output.utf8)) as? [String: Any])
        let cells = try #require(report["cells"] as? [[String: Any]])
        #expect(cells.map { $0["status"] as? String } == ["reused", "reused", "ok"])
        // The reused cell kept its recorded value, and the changed cell saw the restored variables.
        #expect(cells[1]["value"] as? Double == stamp)
        #expect(cells[2]["value"] as? [Double] == [12, stamp])
        #expect(cells[2]["reason"] as? String == "changed")
        #expect(second.error.contains("[2/3] stamp … reused"))
        #expect(second.error.contains("[3/3] more … ok") && second.error.contains("(changed)"))
        // The store says the same: the reused steps point at the attempts they took their results from.
        let run = try #require(report["run"] as? String)
        let rows = try sqlite(
            workspace.store,
            "SELECT step_id || ' ' || status || ' ' || (reused_from IS NOT NULL) FROM steps WHERE run_id = '\(run)' ORDER BY seq")
        #expect(rows == ["parameters reused 1", "stamp reused 1", "more succeeded 0"])
        // Other parameters: every cell runs again, and says why.
        let third = try workspace.hops([notebook, "--resume", "-p", "factor=3"])
        #expect(third.status == 0)
        #expect(third.error.contains("[1/3] parameters … ok") && third.error.contains("(parameters changed)"))
        #expect(third.output.hasSuffix("[5, \(third.output.split(separator: "\n").first ?? "")]\n"))
    }

    @Test func resumeRunsAFailedCellAgainAndCellsWhoseFunctionsCannotBeRestored() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let notebook = try workspace.write(
            "nb.hops", "# %% data\nlet xs = [1, 2]\n\n# %% helper\nlet twice = x => x * 2\n\n# %% use\nxs.map(twice).map(y => y.z.w)\n")
        #expect(try workspace.hops([notebook]).status == 1)
        try Data(try workspace.read(notebook).replacingOccurrences(of: ".map(y => y.z.w)", with: "").utf8)
            .write(to: URL(fileURLWithPath: notebook))
        let result = try workspace.hops([notebook, "--resume"])
        #expect(result.status == 0)
        #expect(result.output == "[2, 4]\n")
        #expect(result.error.contains("[1/3] data … reused"))
        #expect(result.error.contains("[2/3] helper … ok") && result.error.contains("(an earlier cell ran)") == false)
        let again = try workspace.hops([notebook, "--resume"])
        #expect(again.error.contains("[1/3] data … reused"))
        #expect(again.error.contains("(cannot restore twice)"))
        #expect(again.output == "[2, 4]\n")
    }

    @Test func aNotebookStepsAtThePromptAndTheSessionSavesAsANotebook() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let notebook = try workspace.write("nb.hops", "# %% parameters\nlet n = 4\n\n# %% square\nn * n\n")
        let saved = workspace.directory.appendingPathComponent("session.hops").path
        let result = try HopsProcess.run(
            [], input: ":open \(notebook)\n:next\n:next\nlet extra = _ + 1\nbroken(\n)\n:save \(saved)\n")
        #expect(result.output.contains("opened \(notebook): 2 cells; :next runs cell 1 (parameters)"))
        #expect(result.output.contains("[2/2] square\n  n * n\n16\nend of \(notebook)"))
        #expect(try workspace.read(saved) == "# %%\nlet n = 4\n\n# %%\nn * n\n\n# %%\nlet extra = _ + 1\n")
        let rerun = try workspace.hops([saved, "--json"])
        #expect(rerun.status == 0)
    }

    /// Rows of a query on the store, through the sqlite3 program.
    func sqlite(_ path: String, _ query: String) throws -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sqlite3", path, query]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }
}
