import HopsFlow
import HopsLang
import HopsRun

extension FlowStepper {
    /// The flow as a tree of its steps, each with its state and duration so far, and the next step.
    public func stateTree(colored: Bool = false) -> String {
        var lines: [String] = []
        let title = [flow.name, flow.summary].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " — ")
        lines.append("flow \(title.isEmpty ? path : title)")
        if !flow.inputs.isEmpty {
            let inputs = FlowExecutor.applyDefaults(flow, to: session.inputs)
            let described = flow.inputs.map { input in
                input.name + "=" + (inputs[input.name].map { $0.preview(limit: 40) } ?? "(required)")
            }
            lines.append("  inputs: " + described.joined(separator: ", "))
        }
        let reports = session.reports
        let width = (flow.allModules.map(\.id.count).max() ?? 0) + 4
        func describe(_ module: FlowModule, depth: Int) {
            let indent = String(repeating: "  ", count: depth)
            let name = indent + (module.id.isEmpty ? "(no id)" : module.id)
            let padding = String(repeating: " ", count: max(1, width + 2 - name.count))
            let state = session.state(of: module.id)
            var line = name + padding + (state == .succeeded ? "ok" : state.rawValue)
            let ran = reports.filter { $0.id == module.id }
            if let last = ran.last, state != .pending, state != .skipped {
                line += " " + FlowProgress.duration(last.duration)
                if ran.count > 1 { line += " (\(ran.count) runs)" }
            }
            if module.id == session.nextStepID, depth == 1 { line += "   ← next" }
            lines.append(line)
            for child in Self.children(of: module) { describe(child, depth: depth + 1) }
        }
        for module in flow.modules { describe(module, depth: 1) }
        if flow.modules.isEmpty { lines.append("  (no steps)") }
        if let failureModule = flow.failureModule {
            lines.append("  on failure:")
            describe(failureModule, depth: 2)
        }
        return lines.joined(separator: "\n")
    }

    /// The inputs with their types, defaults, whether required, and the value a run would get.
    public func inputRows() -> Value {
        let given = FlowExecutor.applyDefaults(flow, to: session.inputs)
        var rows: [Value] = flow.inputs.map { input in
            .object(ObjectValue([
                ("name", .string(input.name)), ("type", .string(input.type ?? "")),
                ("required", .bool(input.required && input.defaultValue == nil)),
                ("default", input.defaultValue ?? .undefined), ("value", given[input.name] ?? .undefined),
            ]))
        }
        // Inputs given that the flow does not declare still reach its expressions.
        for (name, value) in session.inputs.entries where !flow.inputs.contains(where: { $0.name == name }) {
            rows.append(
                .object(ObjectValue([
                    ("name", .string(name)), ("type", .string("(undeclared)")), ("required", .bool(false)),
                    ("default", .undefined), ("value", value),
                ])))
        }
        return .array(rows)
    }

    /// The required inputs without a value yet.
    public var missingInputs: [String] { FlowExecutor.missingInputs(flow, in: session.inputs) }

    static func children(of module: FlowModule) -> [FlowModule] {
        switch module.value {
        case .forLoop(let loop): loop.modules
        case .whileLoop(let loop): loop.modules
        case .branchOne(let branch): branch.branches.flatMap(\.modules) + branch.defaultModules
        case .branchAll(let branch): branch.branches.flatMap(\.modules)
        default: []
        }
    }
}
