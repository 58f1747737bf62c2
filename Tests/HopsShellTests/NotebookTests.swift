import HopsLang
import Testing

@testable import HopsShell

@Suite struct NotebookTests {
    @Test(arguments: [
        "",
        "1 + 1\n",
        "1 + 1",
        "let a = 1\n\n# %% second\na + 1\n",
        "# %%\n# %%\n\n\n# %% [md]\n# prose\n",
        "# %% parameters\nlet n = 2\n# %%  spaced title  \nn\n\n\n",
        "#%% not a marker\n# %%x not one either\n",
        "\n\n# %% after blank lines\n:vars\n",
    ])
    func roundTripsByteForByte(text: String) {
        #expect(Notebook(parsing: text).serialized() == text)
    }

    @Test func readsCellsTitlesAndKinds() {
        let notebook = Notebook(
            parsing: "let top = 1\n# %% [md] About\n# prose\n# %% parameters\nlet n = 2\n# %% check disks\nn * 2\n# %%\n:vars\n")
        #expect(notebook.cells.count == 5)
        #expect(notebook.cells.map(\.kind) == [.code, .markdown, .parameters, .code, .code])
        #expect(notebook.cells.map(\.title) == [nil, "About", "parameters", "check disks", nil])
        #expect(notebook.cells[0].marker == nil)
        #expect(notebook.cells[3].code == "n * 2")
        #expect(notebook.cells[3].body.first?.number == 7)
        #expect(notebook.runnableCells.map(\.position) == [0, 2, 3, 4])
    }

    @Test func dropsOutputsWhenReadingAndReplacesThemWhenWriting() {
        let text = "# %% a\nlet x = 1\nx\n# => 1\n# =>\n# => old\n\n# %% b\nx + 1\n# => 5\n"
        let notebook = Notebook(parsing: text)
        #expect(notebook.serialized() == "# %% a\nlet x = 1\nx\n\n# %% b\nx + 1\n")
        #expect(notebook.cells[0].body.map(\.text) == ["let x = 1", "x", ""])
        // Outputs go under the code, before the blank line that ends the cell; an empty line has no trailing space.
        let written = notebook.serialized(outputs: [0: ["1", ""], 1: ["2"]])
        #expect(written == "# %% a\nlet x = 1\nx\n# => 1\n# =>\n\n# %% b\nx + 1\n# => 2\n")
        #expect(Notebook(parsing: written).serialized(outputs: [0: ["1", ""], 1: ["2"]]) == written)
    }

    @Test func stepIDsAreSlugsOrCellNumbers() {
        let cells = ["# %% Check disks!", "# %%", "# %% check disks", "# %% ✓ ünïcode"].map {
            NotebookCell(marker: $0, markerLine: 1)
        }
        #expect(NotebookRun.stepIDs(for: cells) == ["check-disks", "cell-2", "check-disks-2", "ünïcode"])
    }

    @Test func errorsCarryTheLineInTheNotebookFile() throws {
        // The old output line in the middle of the cell is dropped, but the line numbers stay the file's.
        let text = "# %% first\nlet a = 1\n\n# %% second\nlet b = a\n# => stale\nb.c.d\n"
        let notebook = Notebook(parsing: text)
        let runner = CellRunner(shell: Shell(), fileName: "nb.hops")
        #expect(runner.run(notebook.cells[0]).succeeded)
        let result = runner.run(notebook.cells[1])
        let error = try #require(result.error)
        #expect(error.location == "nb.hops:7:4")
        #expect(error.rendered.hasPrefix("nb.hops:7:4: error: cannot read property 'd'"))
        #expect(result.outputLines == ["error: nb.hops:7:4: \(error.message)"])
    }

    @Test func aCellShowsTheValueOfItsLastStatementAndCommandOutput() {
        let shell = Shell()
        let cell = NotebookCell(title: "t", code: "let xs = [1, 2]\nxs.length\n# a comment\n:mode json\nxs")
        let result = CellRunner(shell: shell, fileName: "nb.hops").run(cell)
        #expect(result.succeeded)
        #expect(result.outputLines == ["2", "[", "  1,", "  2", "]"])
        #expect(shell.renderer.mode == .json)
    }

    @Test func snapshotsKeepJSONValuesAndNameTheOthers() throws {
        let interpreter = Interpreter()
        interpreter.setVariable("before", .number(1))
        _ = try interpreter.execute("let n = 2\nlet f = x => x\nlet o = {a: [1, null], g: f}\nlet s = 'x'")
        let snapshot = VariableSnapshot(of: interpreter, excluding: ["before"])
        #expect(snapshot.variables.keys == ["n", "s"])
        #expect(snapshot.unrestorable == ["f", "o"])
        let fresh = Interpreter()
        snapshot.restore(into: fresh)
        #expect(fresh.variable("s")?.jsonString() == "\"x\"")
    }

    @Test func savesTheSessionAndStepsThroughANotebook() throws {
        let shell = Shell()
        for line in ["let n = 20", "n +* 1", ":vars", "n + 1"] { _ = shell.feed(line) }
        #expect(shell.transcript == ["let n = 20", ":vars", "n + 1"])
        let stepper = NotebookStepper(
            path: "nb.hops", notebook: Notebook(parsing: "# %% parameters\nlet k = 2\n# %% use\nk * n\n"))
        shell.stepper = stepper
        #expect(shell.feed(":next") == .done(failed: false))
        #expect(shell.feed(":next") == .done(failed: false))
        #expect(stepper.position == 2)
        #expect(shell.feed(":next") == .done(failed: true))
        #expect(shell.interpreter.variable("_")?.jsonString() == "40")
    }
}
