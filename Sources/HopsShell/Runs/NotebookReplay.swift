import Foundation
import HopsLang
import HopsStore

/// A recorded notebook run walked cell by cell: `:next` shows a cell's code and recorded output and
/// restores the variables it left; `:retry` runs the failed cell again from the notebook on disk
/// (it may have been fixed); `:continue` runs the cells after it.
public final class NotebookReplay: ReplayControl {
    public let store: RunStore
    public let original: RunRecord
    /// The index in `original.steps` of the cell `:next` shows.
    public private(set) var position = 0
    /// The index (among the notebook's runnable cells) of the next cell `:continue` runs live.
    private var liveCell: Int?

    public init(store: RunStore, original: RunRecord) {
        self.store = store
        self.original = original
    }

    public func next(in shell: Shell, arguments: String) throws {
        guard position < original.steps.count else {
            throw CommandError("end of the recorded run \(original.id)")
        }
        let step = original.steps[position]
        position += 1
        shell.print(
            TextStyle.key.apply(
                "[\(position)/\(original.steps.count)] \(step.stepID): \(step.status.rawValue) (recorded)",
                colored: shell.renderer.colored))
        if let json = step.argsJSON, case .string(let code)? = try? Value(parsingJSON: json) {
            for line in code.split(separator: "\n", omittingEmptySubsequences: false) {
                shell.print(TextStyle.undefined.apply("  " + line, colored: shell.renderer.colored))
            }
        }
        if let reused = NotebookRecorder.reused(step) {
            for line in reused.outputLines { shell.print(line) }
            reused.snapshot.restore(into: shell.interpreter)
        }
        if let error = step.error, step.status == .failed || step.status == .interrupted {
            shell.reportError("error: \(error)")
        }
        if position == original.steps.count, original.status != .succeeded {
            shell.print("end of the recorded run: :retry runs \(step.stepID) again, :continue runs the rest")
        }
    }

    /// The notebook as it is on disk now, with each cell's step id.
    private func notebookOnDisk() throws -> (path: String, cells: [NotebookCell], ids: [String]) {
        guard let recorded = original.source, let path = FlowResume.locate(recorded, storePath: store.path) else {
            throw CommandError("the notebook \(original.source ?? "?") of run \(original.id) is no longer there")
        }
        let text = try FileContents.text(atPath: path)
        let cells = Notebook(parsing: text).runnableCells.map(\.cell)
        return (path, cells, NotebookRun.stepIDs(for: cells))
    }

    /// Restores the variables of the last succeeded cell before `stepID` in the record.
    private func restoreBefore(_ stepID: String, in shell: Shell) {
        guard let index = original.steps.lastIndex(where: { $0.stepID == stepID }) else { return }
        if let last = original.steps[..<index].last(where: { $0.status == .succeeded || $0.status == .reused }),
            let reused = NotebookRecorder.reused(last)
        {
            reused.snapshot.restore(into: shell.interpreter)
        }
    }

    private func runCell(_ index: Int, of notebook: (path: String, cells: [NotebookCell], ids: [String]), in shell: Shell)
        -> Bool
    {
        let cell = notebook.cells[index]
        shell.print(TextStyle.key.apply("\(notebook.ids[index]): running live", colored: shell.renderer.colored))
        let result = CellRunner(shell: shell, fileName: notebook.path).run(cell)
        for output in result.outputs { shell.print(output.display) }
        if let error = result.error {
            shell.reportError(error.rendered)
            return false
        }
        return true
    }

    public func retry(in shell: Shell) throws {
        guard let failed = original.steps.last(where: { $0.status == .failed || $0.status == .interrupted }) else {
            throw CommandError("run \(original.id) has no failed cell to retry")
        }
        let notebook = try notebookOnDisk()
        guard let index = notebook.ids.firstIndex(of: failed.stepID) else {
            throw CommandError("the notebook \(notebook.path) has no cell \(failed.stepID) any more")
        }
        if liveCell == nil { restoreBefore(failed.stepID, in: shell) }
        guard runCell(index, of: notebook, in: shell) else {
            liveCell = index
            throw CommandError("\(failed.stepID) failed again; fix it and :retry")
        }
        liveCell = index + 1
        shell.print("\(failed.stepID) succeeded; :continue runs the rest")
    }

    /// Live cells are not recorded: nothing to finish.
    public func finishLiveRun() {}

    public func continueRun(in shell: Shell) throws {
        let notebook = try notebookOnDisk()
        var start = liveCell
        if start == nil {
            let stopped = original.steps.last { $0.status == .failed || $0.status == .interrupted }
            start = stopped.flatMap { notebook.ids.firstIndex(of: $0.stepID) } ?? notebook.cells.count
            if let stopped { restoreBefore(stopped.stepID, in: shell) }
        }
        var index = start ?? notebook.cells.count
        while index < notebook.cells.count {
            guard runCell(index, of: notebook, in: shell) else {
                liveCell = index
                throw CommandError("\(notebook.ids[index]) failed; fix it and :retry or :continue")
            }
            index += 1
        }
        liveCell = index
        shell.print("end of \(notebook.path)")
    }
}

@available(*, unavailable)
extension NotebookReplay: Sendable {}
