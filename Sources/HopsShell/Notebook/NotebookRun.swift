import HopsLang
import HopsStore

/// Runs a notebook in batch: every cell in order in one shell, parameters injected after the
/// parameters cell, each cell recorded as a step of a notebook run, unchanged cells reused on resume.
public final class NotebookRun {
    /// How a cell ended.
    public enum CellStatus: String, Sendable {
        /// `raised`: a cell tagged `[raises]` failed, and the run went on.
        case ok, failed, raised, reused, skipped
    }

    /// What became of one cell.
    public struct CellReport: Sendable {
        /// 1-based among the cells that run.
        public var index: Int
        public var title: String?
        /// The id of its step in the store: the title's slug, else `cell-N`.
        public var stepID: String
        public var status: CellStatus
        public var durationMs: Int
        public var value: Value?
        public var error: CellError?
        /// Why a cell ran on a resume (`changed`, `failed before`, …); nil otherwise.
        public var reason: String?
        /// The `# => ` lines written under the cell.
        public var outputLines: [String]
    }

    /// The whole run, for `--json` and the exit status.
    public struct Report: Sendable {
        public var run: RunID?
        public var notebook: String
        public var cells: [CellReport]

        public var succeeded: Bool { !cells.contains { $0.status == .failed } }
    }

    /// The notebook's path as given; errors carry it as their file name.
    public let path: String
    public let notebook: Notebook
    public let shell: Shell
    /// `-p` values, applied in this order.
    public var parameters: [(name: String, value: Value)] = []
    /// The store that records the run; nil runs without recording.
    public var store: RunStore?
    /// The name the store records as the run's source (the path from the repository root).
    public var sourceName: String
    /// Reuse unchanged cells of the last run of this notebook.
    public var resume = false
    /// Called with each progress line (without newline), as each cell ends.
    public var progress: (String) -> Void = { Terminal.writeError($0 + "\n") }
    /// Called with each cell's report after its progress line; prints its outputs by default.
    public var cellFinished: (CellReport, [String]) -> Void = { _, displays in
        for text in displays { Terminal.writeOutput(text + "\n") }
    }

    public init(path: String, text: String, shell: Shell) {
        self.path = path
        self.notebook = Notebook(parsing: text)
        self.shell = shell
        self.sourceName = path
    }

    /// The parameters as canonical JSON (keys sorted), as recorded and hashed.
    var parametersJSON: String {
        var latest: [String: Value] = [:]
        for (name, value) in parameters { latest[name] = value }
        let object = ObjectValue(latest.keys.sorted().map { ($0, latest[$0] ?? .null) })
        return Value.object(object).jsonString(indent: 0) ?? "{}"
    }

    private func applyParameters() {
        for (name, value) in parameters { shell.interpreter.setVariable(name, value) }
    }

    /// Runs the cells; stops at the first failure. Store failures are reported and stop recording.
    public func run() -> Report {
        let cells = notebook.runnableCells
        let stepIDs = Self.stepIDs(for: cells.map(\.cell))
        let baseline = Set(shell.interpreter.variableNames)
        let recorder = store.map { NotebookRecorder(store: $0, run: self, cells: cells.map(\.cell), stepIDs: stepIDs) }
        let plan = resume ? (recorder?.planResume() ?? .runAll(reason: "no record")) : .runAll(reason: nil)
        recorder?.begin()
        var report = Report(run: recorder?.runID, notebook: path, cells: [])
        applyParameters()
        var failed = false
        for (offset, (_, cell)) in cells.enumerated() {
            let title = cell.title ?? "cell \(offset + 1)"
            var cellReport = CellReport(
                index: offset + 1, title: cell.title, stepID: stepIDs[offset], status: .skipped, durationMs: 0,
                value: nil, error: nil, reason: nil, outputLines: [])
            if failed {
                report.cells.append(cellReport)
                continue
            }
            if let reused = plan.reused(offset) {
                cellReport.status = .reused
                cellReport.value = reused.value
                cellReport.outputLines = reused.outputLines
                recorder?.recordReused(offset, from: reused)
                if offset == plan.reusedCount - 1 { reused.snapshot.restore(into: shell.interpreter) }
                progress("[\(offset + 1)/\(cells.count)] \(title) … reused")
                cellFinished(cellReport, reused.outputLines)
                report.cells.append(cellReport)
                continue
            }
            cellReport.reason = plan.reason(offset)
            let step = recorder?.beginCell(offset)
            let result = CellRunner(shell: shell, fileName: path).run(cell)
            if cell.kind == .parameters { applyParameters() }
            cellReport.status = result.succeeded ? .ok : cell.mayRaise ? .raised : .failed
            cellReport.durationMs = result.durationMs
            cellReport.value = result.value
            cellReport.error = result.error
            cellReport.outputLines = result.outputLines
            let snapshot = VariableSnapshot(of: shell.interpreter, excluding: baseline)
            recorder?.finishCell(step, result: result, outputLines: cellReport.outputLines, snapshot: snapshot)
            let why = cellReport.reason.map { " (\($0))" } ?? ""
            progress("[\(offset + 1)/\(cells.count)] \(title) … \(cellReport.status.rawValue) \(result.durationMs) ms\(why)")
            if let error = result.error {
                shell.reportError(error.rendered)
                if !cell.mayRaise { failed = true }
            }
            cellFinished(cellReport, result.outputs.map(\.display))
            report.cells.append(cellReport)
        }
        recorder?.finish(report)
        if let message = recorder?.failure {
            shell.reportError("warning: the run store stopped recording: \(message)")
        }
        return report
    }

    /// The notebook's text with the outputs of this run under its cells, every known secret masked:
    /// the file is usually tracked by Git.
    public func updatedText(for report: Report) -> String {
        var outputs: [Int: [String]] = [:]
        for (offset, (position, _)) in notebook.runnableCells.enumerated() where offset < report.cells.count {
            let lines = report.cells[offset].outputLines.map { SecretMask.redact($0) }
            if !lines.isEmpty { outputs[position] = lines }
        }
        return notebook.serialized(outputs: outputs)
    }

    /// A step id per cell: the title as a slug, else `cell-N`; repeated ids get `-2`, `-3`, ….
    static func stepIDs(for cells: [NotebookCell]) -> [String] {
        var seen: [String: Int] = [:]
        return cells.enumerated().map { offset, cell in
            var slug = ""
            for character in (cell.title ?? "").lowercased() {
                if character.isLetter || character.isNumber {
                    slug.append(character)
                } else if !slug.isEmpty, slug.last != "-" {
                    slug.append("-")
                }
            }
            while slug.last == "-" { slug.removeLast() }
            if slug.isEmpty { slug = "cell-\(offset + 1)" }
            let count = (seen[slug] ?? 0) + 1
            seen[slug] = count
            return count == 1 ? slug : "\(slug)-\(count)"
        }
    }
}

@available(*, unavailable)
extension NotebookRun: Sendable {}
