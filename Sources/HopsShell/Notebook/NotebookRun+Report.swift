import HopsLang

extension NotebookRun.Report {
    /// The report for CI: `{run, notebook, status, cells: [{index, title, step, status, duration_ms, value | error}]}`.
    public var json: Value {
        let cellValues = cells.map { cell -> Value in
            var object = ObjectValue([
                ("index", .number(Double(cell.index))), ("title", cell.title.map(Value.string) ?? .null),
                ("step", .string(cell.stepID)), ("status", .string(cell.status.rawValue)),
                ("duration_ms", .number(Double(cell.durationMs))),
            ])
            if let reason = cell.reason, cell.status != .skipped { object["reason"] = .string(reason) }
            if let error = cell.error {
                object["error"] = .string("\(error.location): \(error.message)")
            } else if cell.status == .ok || cell.status == .reused {
                // Functions and undefined have no JSON form; they show as null.
                object["value"] = cell.value.flatMap { $0.survivesJSON ? $0 : nil } ?? .null
            }
            return .object(object)
        }
        return .object(
            ObjectValue([
                ("run", run.map { .string($0.rawValue) } ?? .null), ("notebook", .string(notebook)),
                ("status", .string(succeeded ? "ok" : "failed")), ("cells", .array(cellValues)),
            ]))
    }
}
