extension Flow {
    /// The flow as a Mermaid flowchart, for READMEs and pull requests.
    ///
    /// Steps are boxes in order; a loop is a subgraph around its steps; a branch step is a
    /// decision with one labelled edge per branch; the failure handler hangs off the start by a
    /// dotted edge.
    public func mermaidGraph() -> String {
        var graph = MermaidGraph()
        let title = [name, summary].compactMap { $0 }.first { !$0.isEmpty } ?? "flow"
        var inputsLine = ""
        if !inputs.isEmpty { inputsLine = "<br/>inputs: " + inputs.map(\.name).joined(separator: ", ") }
        graph.lines.append("  start([\"\(MermaidGraph.escape(title))\(inputsLine)\"])")
        var exits = ["start"]
        if let preprocessorModule {
            exits = graph.sequence([preprocessorModule], after: exits, label: "preprocessor", depth: 1)
        }
        exits = graph.sequence(modules, after: exits, label: nil, depth: 1)
        graph.lines.append("  finish([\"end\"])")
        graph.connect(exits, to: "finish", label: nil)
        if let failureModule {
            let handler = graph.module(failureModule, depth: 1)
            graph.lines.append("  start -. on failure .-> \(handler.entry)")
        }
        return (["flowchart TD"] + graph.lines).joined(separator: "\n")
    }
}

/// The lines of a Mermaid flowchart being written, with fresh node names.
struct MermaidGraph {
    var lines: [String] = []
    private var count = 0

    private mutating func name(_ prefix: String) -> String {
        count += 1
        return "\(prefix)\(count)"
    }

    /// Writes `modules` one after the other, the first joined to `previous`; returns the last exits.
    mutating func sequence(_ modules: [FlowModule], after previous: [String], label: String?, depth: Int) -> [String] {
        var exits = previous
        var edgeLabel = label
        for module in modules {
            let written = self.module(module, depth: depth)
            connect(exits, to: written.entry, label: edgeLabel)
            edgeLabel = nil
            exits = written.exits
        }
        return exits
    }

    /// Draws `previous → target` edges, with a label on each when given.
    mutating func connect(_ previous: [String], to target: String, label: String?) {
        for source in previous {
            if let label {
                lines.append("  \(source) -->|\"\(Self.escape(label))\"| \(target)")
            } else {
                lines.append("  \(source) --> \(target)")
            }
        }
    }

    /// Writes one module; returns where edges into it go and where edges out of it start.
    mutating func module(_ module: FlowModule, depth: Int) -> (entry: String, exits: [String]) {
        let indent = String(repeating: "  ", count: depth)
        let id = module.id.isEmpty ? "(no id)" : module.id
        var text = "<b>\(Self.escape(id))</b><br/>\(Self.escape(Flow.kind(of: module.value)))"
        if let summary = module.summary, !summary.isEmpty { text += "<br/><i>\(Self.escape(summary))</i>" }
        let options = Flow.options(of: module)
        if !options.isEmpty { text += "<br/>[" + Self.escape(options.joined(separator: ", ")) + "]" }
        switch module.value {
        case .forLoop(let loop):
            return subgraph(loop.modules, title: text, depth: depth, indent: indent)
        case .whileLoop(let loop):
            return subgraph(loop.modules, title: text, depth: depth, indent: indent)
        case .branchOne(let branch):
            let decision = name("n")
            lines.append("\(indent)\(decision){\"\(text)\"}")
            var exits: [String] = []
            for (index, item) in branch.branches.enumerated() {
                let condition = Flow.brief(item.condition.text)
                let label = item.summary.map { "\($0): \(condition)" } ?? condition
                exits += branchExits(item.modules, from: decision, label: label.isEmpty ? "branch \(index + 1)" : label, depth: depth)
            }
            exits += branchExits(branch.defaultModules, from: decision, label: "default", depth: depth)
            return (decision, exits)
        case .branchAll(let branch):
            let fork = name("n")
            lines.append("\(indent)\(fork){{\"\(text)\"}}")
            var exits: [String] = []
            for (index, item) in branch.branches.enumerated() {
                var label = item.summary.flatMap { $0.isEmpty ? nil : $0 } ?? "branch \(index + 1)"
                if item.skipFailure { label += " (skip failure)" }
                exits += branchExits(item.modules, from: fork, label: label, depth: depth)
            }
            return (fork, exits)
        default:
            let node = name("n")
            lines.append("\(indent)\(node)[\"\(text)\"]")
            return (node, [node])
        }
    }

    /// A branch's steps after `from` by a labelled edge; an empty branch leaves from the decision itself.
    private mutating func branchExits(_ modules: [FlowModule], from source: String, label: String, depth: Int) -> [String] {
        guard !modules.isEmpty else {
            // An empty branch goes straight on: a labelled edge to a small joint.
            let joint = name("j")
            lines.append("\(String(repeating: "  ", count: depth))\(joint)(( ))")
            connect([source], to: joint, label: label)
            return [joint]
        }
        return sequence(modules, after: [source], label: label, depth: depth)
    }

    /// A loop: a subgraph titled with the loop step, holding its steps.
    private mutating func subgraph(_ modules: [FlowModule], title: String, depth: Int, indent: String)
        -> (entry: String, exits: [String])
    {
        let group = name("loop")
        lines.append("\(indent)subgraph \(group)[\"\(title)\"]")
        lines.append("\(indent)  direction TB")
        var exits: [String] = []
        var first = true
        for module in modules {
            let written = self.module(module, depth: depth + 1)
            if !first { connect(exits, to: written.entry, label: nil) }
            first = false
            exits = written.exits
        }
        lines.append("\(indent)end")
        return (group, [group])
    }

    /// Text made safe inside a quoted Mermaid label: quotes and angle brackets as entity codes.
    static func escape(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "\"": escaped += "#quot;"
            case "<": escaped += "#lt;"
            case ">": escaped += "#gt;"
            case "&": escaped += "#amp;"
            case "#": escaped += "#35;"
            case "\n", "\r": escaped += " "
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
