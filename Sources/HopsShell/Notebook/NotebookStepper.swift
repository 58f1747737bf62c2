/// A notebook opened at the prompt with `:open`, run cell by cell with `:next`.
public final class NotebookStepper: ShellStepper {
    public let path: String
    public let notebook: Notebook
    /// The cells that run, in order.
    let cells: [NotebookCell]
    /// The index in `cells` of the cell `:next` runs.
    public private(set) var position = 0

    public init(path: String, notebook: Notebook) {
        self.path = path
        self.notebook = notebook
        self.cells = notebook.runnableCells.map(\.cell)
    }

    public var cellCount: Int { cells.count }

    /// Shows the next cell, runs it and prints its outputs; after an error the same cell runs again.
    public func next(in shell: Shell, arguments: String) throws {
        guard position < cells.count else {
            throw CommandError("the notebook \(path) has no more cells (:open it again to start over)")
        }
        let cell = cells[position]
        let heading = "[\(position + 1)/\(cells.count)] \(cell.title ?? "cell \(position + 1)")"
        shell.print(TextStyle.key.apply(heading, colored: shell.renderer.colored))
        for line in cell.code.split(separator: "\n", omittingEmptySubsequences: false) {
            shell.print(TextStyle.undefined.apply("  " + line, colored: shell.renderer.colored))
        }
        let result = CellRunner(shell: shell, fileName: path).run(cell)
        for output in result.outputs { shell.print(output.display) }
        if let error = result.error {
            shell.reportError(error.rendered)
            throw CommandError("cell \(position + 1) failed; fix what it needs and :next runs it again")
        }
        position += 1
        // The session keeps the cell's code, not the `:next` that ran it, so `:save` writes what ran.
        shell.transcript.append(cell.code)
        shell.transcriptEntriesNotSaved.indices.insert(shell.transcript.count)
        if position == cells.count { shell.print("end of \(path)") }
    }
}

@available(*, unavailable)
extension NotebookStepper: Sendable {}

/// Positions in `Shell.transcript` that `:save` leaves out.
final class TranscriptSkips {
    var indices: Set<Int> = []
}

extension Shell {
    /// The `:next` entries that stepped a notebook: their cells' code is in the transcript instead.
    var transcriptEntriesNotSaved: TranscriptSkips {
        if let skips = attachments["notebook.transcript-skips"] as? TranscriptSkips { return skips }
        let skips = TranscriptSkips()
        attachments["notebook.transcript-skips"] = skips
        return skips
    }
}
