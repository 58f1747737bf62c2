import HopsLang

extension DryRunPlan {
    /// The heading every printed plan starts with.
    public static let heading = "DRY RUN — nothing was executed"

    /// The plan as the user reads it: the heading, one line per step with its decision and the
    /// source of its result, then the decisions that depend on unknown results.
    public func rendered() -> String {
        var lines = [Self.heading, "flow \(flowName)"]
        if inputs.count > 0 { lines.append("inputs: " + (Value.object(inputs).jsonString() ?? "{}")) }
        if !missingInputs.isEmpty { lines.append("missing inputs (unknown): " + missingInputs.joined(separator: ", ")) }
        lines.append("")
        let width = min(32, steps.map { $0.id.count + 2 * $0.depth }.max() ?? 0)
        for step in steps {
            let indent = String(repeating: "  ", count: step.depth)
            let name = indent + step.id
            let padding = String(repeating: " ", count: max(1, width - name.count + 2))
            var line = "  " + name + padding + step.decisionText
            if let source = step.sourceText { line += "; " + source }
            line += "  (\(step.kind))"
            lines.append(line)
            for note in step.notes { lines.append("  " + indent + "    note: " + note) }
        }
        if steps.isEmpty { lines.append("  (no steps)") }
        let undetermined = undeterminedDecisions
        lines.append("")
        if undetermined.isEmpty {
            lines.append("Every decision is determined by inputs, mocks and cached results.")
        } else {
            lines.append("Decisions that depend on unknown results:")
            for item in undetermined { lines.append("  - " + item) }
        }
        return lines.joined(separator: "\n")
    }

    /// The plan as one JSON value.
    public func json() -> Value {
        var object = ObjectValue()
        object["dry_run"] = .bool(true)
        object["executed"] = .bool(false)
        object["flow"] = .string(flowName)
        object["inputs"] = .object(inputs)
        object["missing_inputs"] = .array(missingInputs.map(Value.string))
        object["steps"] = .array(steps.map { $0.json() })
        object["undetermined"] = .array(undeterminedDecisions.map(Value.string))
        return .object(object)
    }
}

extension PlannedStep {
    /// `would run`, `would be skipped (…)`, `would loop 3 times`, `would take branch 2`, ...
    public var decisionText: String {
        switch decision {
        case .run: "would run"
        case .skip(let reason): "would be skipped (\(reason))"
        case .loop(let count?): "would loop \(count) time\(count == 1 ? "" : "s")"
        case .loop(nil): "would loop an unknown number of times"
        case .branch(let label?): "would take \(label)"
        case .branch(nil): "branch undetermined"
        case .notReached(let reason): "not reached: \(reason)"
        case .undetermined: "may run or be skipped"
        }
    }

    /// `result: mock`, `result: cached from run X`, `result: unknown (why)`; nil when there is no result.
    public var sourceText: String? {
        switch source {
        case .mock: "result: mock " + preview
        case .cached(let run): "result: cached from run \(run) " + preview
        case .derived: result.map { _ in "result: " + preview }
        case .unknown(let reason): "result: unknown (\(reason))"
        case .none: nil
        }
    }

    private var preview: String {
        guard let result else { return "" }
        let text = result.jsonString() ?? "undefined"
        return text.count > 60 ? String(text.prefix(57)) + "..." : text
    }

    func json() -> Value {
        var object = ObjectValue()
        object["id"] = .string(id)
        object["place"] = .string(place)
        object["depth"] = .number(Double(depth))
        object["kind"] = .string(kind)
        switch decision {
        case .run: object["decision"] = .string("run")
        case .skip(let reason):
            object["decision"] = .string("skip")
            object["reason"] = .string(reason)
        case .loop(let count):
            object["decision"] = .string("loop")
            object["iterations"] = count.map { .number(Double($0)) } ?? .null
        case .branch(let label):
            object["decision"] = .string("branch")
            object["branch"] = label.map(Value.string) ?? .null
        case .notReached(let reason):
            object["decision"] = .string("not_reached")
            object["reason"] = .string(reason)
        case .undetermined: object["decision"] = .string("undetermined")
        }
        switch source {
        case .mock: object["result_source"] = .string("mock")
        case .cached(let run):
            object["result_source"] = .string("cache")
            object["cached_run"] = .string(run)
        case .derived: object["result_source"] = .string("derived")
        case .unknown(let reason):
            object["result_source"] = .string("unknown")
            object["unknown_because"] = .string(reason)
        case .none: object["result_source"] = .null
        }
        if let result { object["result"] = result }
        object["depends_on_unknown"] = .array(undetermined.map(Value.string))
        object["notes"] = .array(notes.map(Value.string))
        return .object(object)
    }
}
