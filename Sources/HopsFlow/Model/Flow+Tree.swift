import HopsLang

extension Flow {
    /// The flow as an indented tree of its steps, with their kinds and options in brief.
    public func treeDescription() -> String {
        var lines: [String] = []
        let title = [name, summary].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " — ")
        lines.append("flow \(title.isEmpty ? "(unnamed)" : title)")
        if let schedule {
            lines.append("  schedule: \(schedule.cron)" + (schedule.timezone.map { " (\($0))" } ?? ""))
        }
        if !inputs.isEmpty {
            let described = inputs.map { input in
                input.name + (input.type.map { ": \($0)" } ?? "") + (input.required ? "" : "?")
            }
            lines.append("  inputs: " + described.joined(separator: ", "))
        }
        if let preprocessorModule {
            lines.append("  preprocessor:")
            Self.describe(preprocessorModule, depth: 2, into: &lines)
        }
        for module in modules { Self.describe(module, depth: 1, into: &lines) }
        if modules.isEmpty { lines.append("  (no steps)") }
        if let failureModule {
            lines.append("  on failure:")
            Self.describe(failureModule, depth: 2, into: &lines)
        }
        return lines.joined(separator: "\n")
    }

    private static func describe(_ module: FlowModule, depth: Int, into lines: inout [String]) {
        let indent = String(repeating: "  ", count: depth)
        var line = "\(indent)\(module.id.isEmpty ? "(no id)" : module.id)  \(kind(of: module.value))"
        if let summary = module.summary, !summary.isEmpty { line += "  \"\(summary)\"" }
        let options = options(of: module)
        if !options.isEmpty { line += "  [" + options.joined(separator: ", ") + "]" }
        lines.append(line)
        switch module.value {
        case .forLoop(let loop):
            for child in loop.modules { describe(child, depth: depth + 1, into: &lines) }
        case .whileLoop(let loop):
            for child in loop.modules { describe(child, depth: depth + 1, into: &lines) }
        case .branchOne(let branch):
            for (index, item) in branch.branches.enumerated() {
                lines.append("\(indent)  branch \(index + 1) if \(item.condition.text.trimmingWhitespace())" + label(item.summary))
                for child in item.modules { describe(child, depth: depth + 2, into: &lines) }
            }
            lines.append("\(indent)  default")
            for child in branch.defaultModules { describe(child, depth: depth + 2, into: &lines) }
        case .branchAll(let branch):
            for (index, item) in branch.branches.enumerated() {
                lines.append("\(indent)  branch \(index + 1)" + label(item.summary) + (item.skipFailure ? " [skip failure]" : ""))
                for child in item.modules { describe(child, depth: depth + 2, into: &lines) }
            }
        default:
            break
        }
    }

    private static func label(_ summary: String?) -> String {
        guard let summary, !summary.isEmpty else { return "" }
        return " \"\(summary)\""
    }

    static func kind(of value: ModuleValue) -> String {
        switch value {
        case .rawScript(let script):
            let file = script.contentFile.map { ", \($0)" } ?? ""
            return "rawscript (\(script.language)\(file))"
        case .script(let script): return "script \(script.path)"
        case .flow(let path, _): return "flow \(path)"
        case .forLoop(let loop):
            var text = "for each in \(describe(loop.iterator))"
            if loop.parallel { text += ", parallel" + (loop.parallelism.map { " \(describe($0))" } ?? "") }
            if loop.skipFailures { text += ", skip failures" }
            return text
        case .whileLoop(let loop): return "while loop" + (loop.skipFailures ? ", skip failures" : "")
        case .branchOne: return "branch one"
        case .branchAll(let branch): return "branch all" + (branch.parallel ? ", parallel" : "")
        case .identity: return "identity"
        case .aiAgent(let agent):
            let tools = agent.toolIDs.isEmpty ? "" : ", tools: " + agent.toolIDs.joined(separator: ", ")
            return "ai agent\(tools)"
        }
    }

    static func options(of module: FlowModule) -> [String] {
        var options: [String] = []
        if let skipIf = module.skipIf { options.append("skip if \(brief(skipIf.text))") }
        if let stop = module.stopAfterIf { options.append("stop after if \(brief(stop.expression.text))") }
        if let stop = module.stopAfterAllItersIf { options.append("stop after all if \(brief(stop.expression.text))") }
        if let retry = module.retry {
            var parts: [String] = []
            if let constant = retry.constant { parts.append("\(constant.attempts)×\(number(constant.seconds))s") }
            if let exponential = retry.exponential {
                parts.append("\(exponential.attempts)× exp \(number(exponential.seconds))s×\(number(exponential.multiplier))")
            }
            options.append("retry " + parts.joined(separator: " then "))
        }
        if let timeout = module.timeout { options.append("timeout \(describe(timeout))s") }
        if let sleep = module.sleep { options.append("sleep \(describe(sleep))s") }
        if let mock = module.mock, mock.enabled { options.append("mocked") }
        if module.continueOnError { options.append("continue on error") }
        if let ttl = module.cacheTTL { options.append("cache \(number(ttl))s") }
        if module.suspend != nil { options.append("suspend") }
        if module.deletesAfterUse { options.append("do not keep") }
        if let limit = module.valueExtra("concurrent_limit") { options.append("concurrency limit \(limit.jsonString() ?? "")") }
        return options
    }

    static func describe(_ transform: InputTransform) -> String {
        switch transform {
        case .javascript(let expression): return brief(expression.text)
        case .static(.number(let value), _): return number(value)
        case .static(.string(let text), _): return "\"\(brief(text))\""
        case .static(let value, _): return value.jsonString() ?? value.typeName
        }
    }

    private static func number(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    /// An expression on one line, shortened to keep the tree readable.
    static func brief(_ text: String) -> String {
        let line = text.split(whereSeparator: \.isNewline).map { String($0).trimmingWhitespace() }.joined(separator: " ")
        return line.count > 60 ? String(line.prefix(57)) + "..." : line
    }
}
