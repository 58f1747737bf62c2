import HopsLang
import HopsStore

/// Which cells a resumed run takes from the last run, and why each of the others runs.
struct ResumePlan {
    /// A cell taken from the record of the last run.
    struct Reused {
        var step: StepRecordID
        var value: Value?
        var outputLines: [String]
        var snapshot: VariableSnapshot
    }

    /// The reused cells: always the first ones of the notebook.
    var reusedCells: [Reused] = []
    /// Why a cell runs, by its offset among the cells that run.
    var reasons: [Int: String] = [:]
    /// Why a cell without an entry in `reasons` runs.
    var defaultReason: String?

    static func runAll(reason: String?) -> ResumePlan { ResumePlan(defaultReason: reason) }

    var reusedCount: Int { reusedCells.count }

    func reused(_ offset: Int) -> Reused? { offset < reusedCells.count ? reusedCells[offset] : nil }

    func reason(_ offset: Int) -> String? { reasons[offset] ?? defaultReason }
}

/// Records a notebook run in the store: the run, one step per cell, and what a resume needs.
///
/// A store error stops the recording (kept in `failure`) but never the notebook.
final class NotebookRecorder {
    let store: RunStore
    unowned let run: NotebookRun
    let cells: [NotebookCell]
    let stepIDs: [String]
    /// The cache key of each cell: its code, the code of the cells before it, and the parameters.
    let keys: [String]
    private(set) var runID: RunID?
    private(set) var failure: String?

    init(store: RunStore, run: NotebookRun, cells: [NotebookCell], stepIDs: [String]) {
        self.store = store
        self.run = run
        self.cells = cells
        self.stepIDs = stepIDs
        let parameters = run.parametersJSON
        var codes: [Value] = []
        keys = cells.map { cell in
            codes.append(.string(cell.code))
            return CacheKey.make(
                runner: "hops-notebook", runnerVersion: "1",
                scriptContent: Value.array(codes).jsonString(indent: 0) ?? "", argumentsCanonicalJSON: parameters)
        }
    }

    private func recording<T>(_ body: () throws -> T) -> T? {
        guard failure == nil else { return nil }
        do {
            return try body()
        } catch {
            failure = "\(error)"
            return nil
        }
    }

    /// Starts the notebook run.
    func begin() {
        runID = recording {
            try store.createRun(
                kind: .notebook, source: run.sourceName,
                sourceHash: CacheKey.contentHash(run.notebook.serialized()), inputsJSON: run.parametersJSON)
        }
    }

    func beginCell(_ offset: Int) -> StepRecordID? {
        guard let runID else { return nil }
        return recording {
            try store.beginStep(
                run: runID, stepID: stepIDs[offset], argsJSON: Value.string(cells[offset].code).jsonString(),
                cacheKey: keys[offset], runner: "hops", scriptHash: CacheKey.contentHash(cells[offset].code))
        }
    }

    func finishCell(_ step: StepRecordID?, result: CellResult, outputLines: [String], snapshot: VariableSnapshot) {
        guard let step else { return }
        var record = ObjectValue()
        if let value = result.value, value.survivesJSON { record["value"] = value }
        record["output"] = .array(outputLines.map(Value.string))
        record["variables"] = .object(snapshot.variables)
        record["unrestorable"] = .array(snapshot.unrestorable.map(Value.string))
        let error = result.error.map { "\($0.location): \($0.message)" }
        _ = recording {
            try store.finishStep(
                step, status: result.succeeded ? .succeeded : .failed, resultJSON: Value.object(record).jsonString(),
                error: error, durationMs: Int64(result.durationMs))
        }
    }

    func recordReused(_ offset: Int, from reused: ResumePlan.Reused) {
        guard let step = beginCell(offset) else { return }
        _ = recording { try store.finishStep(step, status: .reused, durationMs: 0, reusedFrom: reused.step) }
    }

    func finish(_ report: NotebookRun.Report) {
        guard let runID else { return }
        let error = report.cells.first { $0.error != nil }?.error.map { "\($0.location): \($0.message)" }
        _ = recording {
            try store.finishRun(runID, status: report.succeeded ? .succeeded : .failed, error: error)
        }
    }

    /// Compares the notebook with the last recorded run of the same notebook.
    func planResume() -> ResumePlan {
        guard
            let previous = recording({ () throws -> RunRecord? in
                guard
                    let summary = try store.runs(limit: 500).first(where: {
                        $0.kind == .notebook && $0.source == run.sourceName
                    })
                else { return nil }
                return try store.run(summary.id)
            }) ?? nil
        else { return .runAll(reason: "no record") }
        var latest: [String: StepRecord] = [:]
        for step in previous.steps { latest[step.stepID] = step }
        var plan = ResumePlan()
        for offset in cells.indices {
            guard let step = latest[stepIDs[offset]], step.status == .succeeded || step.status == .reused,
                step.cacheKey == keys[offset], let reused = Self.reused(step)
            else { break }
            plan.reusedCells.append(reused)
        }
        // Variables a snapshot could not keep (functions) are only rebuilt by running the cell again.
        while let last = plan.reusedCells.last, !last.snapshot.unrestorable.isEmpty {
            plan.reusedCells.removeLast()
            plan.reasons[plan.reusedCells.count] =
                "cannot restore " + last.snapshot.unrestorable.joined(separator: ", ")
        }
        let parametersChanged = previous.inputsJSON != run.parametersJSON
        for offset in plan.reusedCount..<cells.count where plan.reasons[offset] == nil {
            guard let step = latest[stepIDs[offset]] else {
                plan.reasons[offset] = "no record"
                continue
            }
            if step.cacheKey != keys[offset] {
                let sameCode = step.argsJSON == Value.string(cells[offset].code).jsonString()
                plan.reasons[offset] = parametersChanged ? "parameters changed" : sameCode ? "an earlier cell changed" : "changed"
            } else if step.status == .succeeded || step.status == .reused {
                plan.reasons[offset] = "an earlier cell ran"
            } else {
                plan.reasons[offset] = "failed before"
            }
        }
        return plan
    }

    /// What a recorded cell gave, read back from its result.
    static func reused(_ step: StepRecord) -> ResumePlan.Reused? {
        guard let json = step.resultJSON, case .object(let record)? = try? Value(parsingJSON: json) else { return nil }
        var lines: [String] = []
        if case .array(let items)? = record["output"] {
            for case .string(let line) in items { lines.append(line) }
        }
        var variables = ObjectValue()
        if case .object(let object)? = record["variables"] { variables = object }
        var unrestorable: [String] = []
        if case .array(let names)? = record["unrestorable"] {
            for case .string(let name) in names { unrestorable.append(name) }
        }
        return ResumePlan.Reused(
            step: step.id, value: record["value"], outputLines: lines,
            snapshot: VariableSnapshot(variables: variables, unrestorable: unrestorable))
    }
}
