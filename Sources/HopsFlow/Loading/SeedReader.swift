import Foundation
import HopsLang
import Yams

/// Reads a flow in the seed's format (`windmill/flows/<category>/<name>.yaml`) into the flow model.
///
/// Not Sendable: it lives for one load on one thread.
final class SeedReader {
    let source: YAMLSource
    /// `windmill/scripts/`, against which step scripts resolve; nil when no such folder was found.
    let scriptsRoot: String?
    /// Each script path looked for so far, what is wrong with it and the file found for it: a flow
    /// of many steps names few scripts.
    private var scriptFiles: [String: (problem: String?, file: String?)] = [:]

    init(source: YAMLSource, scriptsRoot: String?) {
        self.source = source
        self.scriptsRoot = scriptsRoot
    }

    static let stepFields: Set<String> = [
        "id", "summary", "name", "description", "script", "args", "for_each", "if", "retry", "timeout",
        "continue_on_error", "cache_ttl", "mock", "skip_failures", "parallelism",
    ]

    func read(_ root: Node) -> Flow? {
        guard let pairs = source.mapping(root, "a flow") else { return nil }
        var flow = Flow(format: .seed, file: source.file)
        var sawSteps = false
        for (key, node, keyNode) in pairs {
            switch key {
            case "summary": flow.summary = source.string(node, "summary")
            case "description": flow.description = source.string(node, "description")
            case "schedule": flow.schedule = readSchedule(node)
            case "inputs": flow.inputs = readInputs(node)
            case "steps":
                sawSteps = true
                flow.modules = (source.sequence(node, "steps") ?? []).compactMap(readStep)
            case "on_failure", "failure_step":
                flow.failureModule = readStep(node)
            default: source.report(.warning, "unknown field '\(key)' in the flow, ignored", at: keyNode)
            }
        }
        if !sawSteps { source.report(.error, "the flow has no 'steps'", at: root) }
        return flow
    }

    private func readSchedule(_ node: Node) -> Schedule? {
        if source.isNull(node) { return nil }
        if node.scalar != nil {
            return source.string(node, "schedule").map { Schedule(cron: $0, location: source.textLocation(of: node)) }
        }
        guard let pairs = source.mapping(node, "schedule") else { return nil }
        var cron: String?
        var timezone: String?
        for (key, child, keyNode) in pairs {
            switch key {
            case "cron": cron = source.string(child, "cron")
            case "timezone": timezone = source.string(child, "timezone")
            default: source.report(.warning, "unknown field '\(key)' in schedule, ignored", at: keyNode)
            }
        }
        guard let cron else {
            source.report(.error, "schedule has no 'cron'", at: node)
            return nil
        }
        return Schedule(cron: cron, timezone: timezone, location: source.location(of: node))
    }

    /// A list of `{name, type, default, required, description}`, or a map from name to those fields or to a type.
    private func readInputs(_ node: Node) -> [FlowInput] {
        if source.isNull(node) { return [] }
        if case .mapping = node {
            return (source.mapping(node, "inputs") ?? []).compactMap { name, value, keyNode in
                if value.scalar != nil && !source.isNull(value) {
                    return FlowInput(name: name, type: source.string(value, "type"), required: true, location: source.location(of: keyNode))
                }
                return readInput(value, name: name, at: keyNode)
            }
        }
        return (source.sequence(node, "inputs") ?? []).compactMap { readInput($0, name: nil, at: $0) }
    }

    private func readInput(_ node: Node, name: String?, at place: Node) -> FlowInput? {
        var input = FlowInput(name: name ?? "", location: source.location(of: place))
        var required: Bool?
        if !source.isNull(node) {
            guard let pairs = source.mapping(node, "an input") else { return nil }
            for (key, child, keyNode) in pairs {
                switch key {
                case "name": input.name = source.string(child, "name") ?? ""
                case "type": input.type = source.string(child, "type")
                case "default": input.defaultValue = source.value(child)
                case "required": required = source.bool(child, "required")
                case "description": input.description = source.string(child, "description")
                default: source.report(.warning, "unknown field '\(key)' in input '\(input.name)', ignored", at: keyNode)
                }
            }
        }
        if input.name.isEmpty {
            source.report(.error, "an input has no 'name'", at: node)
            return nil
        }
        // An input without a default must be given, unless the flow says otherwise.
        input.required = required ?? (input.defaultValue == nil)
        return input
    }

    func readStep(_ node: Node) -> FlowModule? {
        guard let pairs = source.mapping(node, "a step") else { return nil }
        let field = YAMLSource.fields(pairs)
        let idNode = field("id")
        guard let id = idNode.flatMap({ source.string($0, "a step id") }), !id.isEmpty else {
            source.report(.error, "a step has no 'id'", at: node)
            return nil
        }
        source.warnUnknown(pairs, known: Self.stepFields, in: "step '\(id)'")
        if let idNode, let problem = WindmillPaths.idProblem(id) { source.report(.error, "step id '\(id)' \(problem)", at: idNode) }
        let location = source.location(of: idNode ?? node)
        var inputs = InputTransforms()
        if let args = field("args"), !source.isNull(args) {
            for (name, value, _) in source.mapping(args, "args of step '\(id)'") ?? [] {
                inputs[name] = readArgument(value)
            }
        }
        var step = FlowModule(id: id, value: .identity, location: location)
        step.summary = field("summary").flatMap { source.string($0, "summary") } ?? field("name").flatMap { source.string($0, "name") }
        if let scriptNode = field("script"), let path = source.string(scriptNode, "script") {
            let resolved = resolveScript(path, at: scriptNode, step: id)
            step.value = .script(PathScript(path: path, resolvedFile: resolved, inputTransforms: inputs))
        } else {
            source.report(.error, "step '\(id)' has no 'script'", at: node)
        }
        if let retry = field("retry") { step.retry = readSeedRetry(retry) }
        if let timeout = field("timeout") { step.timeout = readDuration(timeout, "timeout").map { .static(.number($0), location: source.location(of: timeout)) } }
        if let ttl = field("cache_ttl") { step.cacheTTL = readDuration(ttl, "cache_ttl") }
        let continueOnError = field("continue_on_error").flatMap { source.bool($0, "continue_on_error") } ?? false
        let mock = field("mock").flatMap(readSeedMock)
        let skipIf = field("if").map(readCondition)
        guard let forEach = field("for_each") else {
            step.continueOnError = continueOnError
            step.mock = mock
            step.skipIf = skipIf
            return step
        }
        // A for_each step is a loop around the step; the loop carries the step's id, so that
        // `steps.<id>.result` is the array of results and `steps.<id>.failures` the failed items.
        step.id = id + SeedFormat.itemSuffix
        let parallelism = field("parallelism").flatMap { source.integer($0, "parallelism") }
        let loop = ForLoop(
            iterator: .javascript(readExpression(forEach)), modules: [step],
            skipFailures: field("skip_failures").flatMap { source.bool($0, "skip_failures") } ?? true,
            parallel: parallelism != nil, parallelism: parallelism.map { .static(.number(Double($0))) })
        return FlowModule(
            id: id, summary: step.summary, value: .forLoop(loop), skipIf: skipIf, mock: mock,
            continueOnError: continueOnError, location: location)
    }

    /// `3`, `{attempts, seconds|delay, backoff: exponential, multiplier, random_factor}`, or Windmill's own shape.
    private func readSeedRetry(_ node: Node) -> Retry? {
        if source.isNull(node) { return nil }
        if node.scalar != nil {
            return source.integer(node, "retry").map { Retry(constant: Retry.Constant(attempts: $0, seconds: 0)) }
        }
        guard let pairs = source.mapping(node, "retry") else { return nil }
        if pairs.contains(where: { $0.key == "constant" || $0.key == "exponential" }) {
            return OpenFlowReader(source: source, folder: "", treeRoot: nil).readRetry(node)
        }
        let field = YAMLSource.fields(pairs)
        source.warnUnknown(pairs, known: ["attempts", "seconds", "delay", "backoff", "multiplier", "random_factor"], in: "retry")
        let attempts = field("attempts").flatMap { source.integer($0, "attempts") } ?? 0
        let seconds = (field("seconds") ?? field("delay")).flatMap { readDuration($0, "seconds") } ?? 0
        let backoff = field("backoff").flatMap { source.string($0, "backoff") } ?? "constant"
        switch backoff {
        case "constant":
            return Retry(constant: Retry.Constant(attempts: attempts, seconds: seconds))
        case "exponential":
            let multiplier = field("multiplier").flatMap { source.number($0, "multiplier") } ?? 2
            let random = field("random_factor").flatMap { source.number($0, "random_factor") }
            return Retry(exponential: Retry.Exponential(attempts: attempts, multiplier: multiplier, seconds: seconds, randomFactor: random))
        default:
            source.report(.error, "retry backoff must be constant or exponential", at: field("backoff") ?? node)
            return nil
        }
    }

    /// `{return_value: X}` (or `result: X`), with `enabled` true unless it says otherwise.
    private func readSeedMock(_ node: Node) -> Mock? {
        if source.isNull(node) { return nil }
        guard let pairs = source.mapping(node, "mock") else { return nil }
        source.warnUnknown(pairs, known: ["enabled", "return_value", "result"], in: "mock")
        var mock = Mock(enabled: true, returnValue: .null)
        for (key, child, _) in pairs {
            switch key {
            case "enabled": mock.enabled = source.bool(child, "enabled") ?? true
            default: mock.returnValue = source.value(child)
            }
        }
        return mock
    }

    /// Seconds, as a number or as a string such as `30s`, `5m`, `2h`.
    private func readDuration(_ node: Node, _ what: String) -> Double? {
        if source.isNull(node) { return nil }
        if case .number(let seconds) = source.value(node) { return seconds }
        let text = source.string(node, what) ?? ""
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        if let unit = text.last, let factor = units[unit], let amount = Double(text.dropLast()) { return amount * factor }
        source.report(.error, "\(what) must be a number of seconds or a duration such as 30s, 5m, 2h", at: node)
        return nil
    }

    private func resolveScript(_ path: String, at node: Node, step: String) -> String? {
        let resolved = scriptFiles[path] ?? lookUp(path)
        scriptFiles[path] = resolved
        if let problem = resolved.problem {
            source.report(.error, "the script '\(path)' of step '\(step)' \(problem)", at: node)
            return nil
        }
        guard let scriptsRoot else { return nil }
        if resolved.file == nil { source.report(.warning, "script '\(path)' of step '\(step)' not found under \(scriptsRoot)", at: node) }
        return resolved.file
    }

    private func lookUp(_ path: String) -> (problem: String?, file: String?) {
        if let problem = WindmillPaths.problem(with: path) { return (problem, nil) }
        guard let scriptsRoot else { return (nil, nil) }
        let file = (scriptsRoot as NSString).appendingPathComponent(path)
        return (nil, source.files.fileExists(file) ? file : nil)
    }
}
