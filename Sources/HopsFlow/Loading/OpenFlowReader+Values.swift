import Foundation
import HopsLang
import Yams

extension OpenFlowReader {
    func readModuleValue(_ node: Node, into module: inout FlowModule, name: String) {
        guard let pairs = source.mapping(node, "the value of \(name)") else { return }
        let field = YAMLSource.fields(pairs)
        guard let typeNode = field("type") else {
            source.report(.error, "the value of \(name) has no 'type'", at: node)
            return
        }
        let type = source.string(typeNode, "a module type") ?? ""
        var known: Set<String> = ["type"]
        var extras = ObjectValue()
        func keepRest() {
            let kept = Self.valueFieldsKept[type] ?? []
            for (key, child, keyNode) in pairs where !known.contains(key) {
                if !kept.contains(key) {
                    source.report(.warning, "unknown field '\(key)' in the \(type) value of \(name), kept as is", at: keyNode)
                }
                extras[key] = source.value(child)
            }
            module.valueExtras = extras.count > 0 ? JSONValue(.object(extras)) : nil
        }
        func transforms() -> InputTransforms {
            known.insert("input_transforms")
            return field("input_transforms").map { readInputTransforms($0, of: name) } ?? InputTransforms()
        }
        func modules(_ key: String) -> [FlowModule] {
            known.insert(key)
            return field(key).map { readModules($0, "\(key) of \(name)") } ?? []
        }
        func flag(_ key: String) -> Bool {
            known.insert(key)
            return field(key).flatMap { source.bool($0, key) } ?? false
        }
        // Older wmill versions wrote a step's timeout inside its value; Windmill still honours it.
        if let timeout = field("timeout"), module.timeout == nil, ["rawscript", "script", "flow"].contains(type) {
            known.insert("timeout")
            module.timeout = readSecondsTransform(timeout, "timeout")
        }

        switch type {
        case "rawscript":
            known.formUnion(["content", "language", "path", "lock"])
            let inputs = transforms()
            let (content, contentFile) = field("content").map { readInlinable($0, "content of \(name)") } ?? ("", nil)
            if field("content") == nil { source.report(.error, "the rawscript of \(name) has no 'content'", at: node) }
            let language = field("language").flatMap { source.string($0, "language") }
            if language == nil { source.report(.error, "the rawscript of \(name) has no 'language'", at: node) }
            let lock = field("lock").flatMap { source.isNull($0) ? nil : readInlinable($0, "lock of \(name)").text }
            module.value = .rawScript(
                RawScript(
                    content: content, language: language ?? "", path: field("path").flatMap { source.string($0, "path") },
                    inputTransforms: inputs, lock: lock, contentFile: contentFile))
            keepRest()
        case "script":
            known.formUnion(["path", "hash"])
            let inputs = transforms()
            let path = field("path").flatMap { source.string($0, "path") } ?? ""
            if path.isEmpty { source.report(.error, "the script of \(name) has no 'path'", at: node) }
            if !path.isEmpty { checkWindmillPath(path, "script path of \(name)", at: field("path") ?? node) }
            module.value = .script(
                PathScript(
                    path: path, resolvedFile: resolveScript(path), inputTransforms: inputs,
                    hash: field("hash").flatMap { source.string($0, "hash") }))
            keepRest()
        case "flow":
            known.insert("path")
            let inputs = transforms()
            let path = field("path").flatMap { source.string($0, "path") } ?? ""
            if path.isEmpty { source.report(.error, "the flow step \(name) has no 'path'", at: node) }
            if !path.isEmpty { checkWindmillPath(path, "flow path of \(name)", at: field("path") ?? node) }
            keepRest()
            module.value = .flow(path: path, inputTransforms: inputs)
        case "forloopflow":
            known.formUnion(["iterator", "parallelism"])
            let iterator = field("iterator").map { readInputTransform($0, "iterator of \(name)") }
            if iterator == nil { source.report(.error, "the loop \(name) has no 'iterator'", at: node) }
            let parallelism = field("parallelism").flatMap { readSecondsTransform($0, "parallelism") }
            let loop = ForLoop(
                iterator: iterator ?? .javascript(FlowExpression("[]")), modules: modules("modules"),
                skipFailures: flag("skip_failures"), parallel: flag("parallel"), parallelism: parallelism)
            keepRest()
            module.value = .forLoop(loop)
        case "whileloopflow":
            let loop = WhileLoop(modules: modules("modules"), skipFailures: flag("skip_failures"))
            keepRest()
            module.value = .whileLoop(loop)
        case "branchone":
            known.formUnion(["branches", "default"])
            let branches = (field("branches").flatMap { source.sequence($0, "branches of \(name)") } ?? []).compactMap {
                readBranchOne($0, of: name)
            }
            let defaultModules = modules("default")
            keepRest()
            module.value = .branchOne(BranchOne(branches: branches, defaultModules: defaultModules))
        case "branchall":
            known.insert("branches")
            let branches = (field("branches").flatMap { source.sequence($0, "branches of \(name)") } ?? []).compactMap {
                readBranchAll($0, of: name)
            }
            let parallel = flag("parallel")
            keepRest()
            module.value = .branchAll(BranchAll(branches: branches, parallel: parallel))
        case "identity":
            known.insert("flow")
            keepRest()
            module.value = .identity
        case "aiagent":
            module.value = .aiAgent(readAIAgent(pairs, node: node, name: name))
        default:
            source.report(.error, "unknown module type '\(type)' in \(name)", at: typeNode)
        }
    }

    /// An `aiagent` value: kept whole for export; its plain arguments read for show and check.
    private func readAIAgent(_ pairs: [(key: String, value: Node, keyNode: Node)], node: Node, name: String) -> AIAgent {
        let field = YAMLSource.fields(pairs)
        var object = ObjectValue()
        for (key, child, _) in pairs where key != "type" { object[key] = source.value(child) }
        var agent = AIAgent(raw: JSONValue(.object(object)))
        if let transforms = field("input_transforms"), let entries = source.mapping(transforms, "input_transforms of \(name)") {
            for (key, child, _) in entries {
                // `{type: ai}`: the model fills the argument in; nothing to evaluate here.
                if case .mapping(let mapping) = child, mapping["type"]?.string == "ai" { continue }
                agent.inputTransforms[key] = readInputTransform(child, "argument '\(key)' of \(name)")
            }
        } else {
            source.report(.error, "the aiagent \(name) has no 'input_transforms'", at: node)
        }
        if let tools = field("tools"), let items = source.sequence(tools, "tools of \(name)") {
            agent.toolIDs = items.compactMap { item in
                guard case .mapping(let mapping) = item else { return nil }
                return mapping["id"]?.string
            }
        }
        return agent
    }

    private func readBranchOne(_ node: Node, of name: String) -> BranchOne.Branch? {
        guard let pairs = source.mapping(node, "a branch of \(name)") else { return nil }
        var branch = BranchOne.Branch(condition: FlowExpression("false"), modules: [])
        var sawExpression = false
        for (key, child, keyNode) in pairs {
            switch key {
            case "summary": branch.summary = source.string(child, "summary")
            case "expr":
                sawExpression = true
                branch.condition = readExpression(child, "expr")
            case "modules": branch.modules = readModules(child, "modules of a branch of \(name)")
            // The flow editor leaves these on branchone branches too; Windmill ignores them.
            case "parallel", "skip_failure": break
            default: source.report(.warning, "unknown field '\(key)' in a branch of \(name), ignored", at: keyNode)
            }
        }
        if !sawExpression { source.report(.error, "a branch of \(name) has no 'expr'", at: node) }
        return branch
    }

    private func readBranchAll(_ node: Node, of name: String) -> BranchAll.Branch? {
        guard let pairs = source.mapping(node, "a branch of \(name)") else { return nil }
        var branch = BranchAll.Branch(modules: [])
        for (key, child, keyNode) in pairs {
            switch key {
            case "summary": branch.summary = source.string(child, "summary")
            case "skip_failure": branch.skipFailure = source.bool(child, "skip_failure") ?? false
            case "modules": branch.modules = readModules(child, "modules of a branch of \(name)")
            // The flow editor leaves these on branchall branches; Windmill ignores them.
            case "expr", "parallel": break
            default: source.report(.warning, "unknown field '\(key)' in a branch of \(name), ignored", at: keyNode)
            }
        }
        return branch
    }

    func readInputTransforms(_ node: Node, of name: String) -> InputTransforms {
        if source.isNull(node) { return InputTransforms() }
        guard let pairs = source.mapping(node, "input_transforms of \(name)") else { return InputTransforms() }
        return InputTransforms(pairs.map { (name: $0.key, transform: readInputTransform($0.value, "argument '\($0.key)' of \(name)")) })
    }

    /// `{type: static, value}` or `{type: javascript, expr}`; without `type`, `expr` means javascript.
    func readInputTransform(_ node: Node, _ what: String) -> InputTransform {
        guard let pairs = source.mapping(node, what) else { return .static(.undefined, location: source.location(of: node)) }
        let field = YAMLSource.fields(pairs)
        let type = field("type").flatMap { source.string($0, "type") } ?? (field("expr") != nil ? "javascript" : "static")
        for (key, _, keyNode) in pairs where !["type", "value", "expr"].contains(key) {
            source.report(.warning, "unknown field '\(key)' in \(what), ignored", at: keyNode)
        }
        switch type {
        case "javascript":
            guard let exprNode = field("expr") else {
                source.report(.error, "\(what) is javascript but has no 'expr'", at: node)
                return .javascript(FlowExpression("", location: source.location(of: node)))
            }
            return .javascript(readExpression(exprNode, "expr"))
        case "static":
            guard let valueNode = field("value") else { return .static(.undefined, location: source.location(of: node)) }
            return .static(source.value(valueNode), location: source.location(of: valueNode))
        default:
            source.report(.error, "unknown input transform type '\(type)' in \(what) (expected static or javascript)", at: node)
            return .static(.undefined, location: source.location(of: node))
        }
    }

    func readExpression(_ node: Node, _ what: String) -> FlowExpression {
        let text = source.string(node, what) ?? ""
        return FlowExpression(text, origins: source.origins(of: node, value: text))
    }

    /// `{expr: ...}` as skip_if writes it.
    func readExpressionObject(_ node: Node, _ what: String) -> FlowExpression? {
        if source.isNull(node) { return nil }
        guard let pairs = source.mapping(node, what) else { return nil }
        guard let expr = pairs.first(where: { $0.key == "expr" }) else {
            source.report(.error, "\(what) has no 'expr'", at: node)
            return nil
        }
        return readExpression(expr.value, "\(what) expr")
    }

    func readStopAfterIf(_ node: Node, _ what: String) -> StopAfterIf? {
        if source.isNull(node) { return nil }
        guard let pairs = source.mapping(node, what) else { return nil }
        var stop = StopAfterIf(expression: FlowExpression("false"))
        var sawExpression = false
        for (key, child, keyNode) in pairs {
            switch key {
            case "expr":
                sawExpression = true
                stop.expression = readExpression(child, "\(what) expr")
            case "skip_if_stopped": stop.skipIfStopped = source.bool(child, "skip_if_stopped") ?? false
            case "error_message": stop.errorMessage = source.string(child, "error_message")
            default: source.report(.warning, "unknown field '\(key)' in \(what), ignored", at: keyNode)
            }
        }
        if !sawExpression {
            source.report(.error, "\(what) has no 'expr'", at: node)
            return nil
        }
        return stop
    }

    /// A number of seconds, or an input transform giving one (as the spec has it for timeout and sleep).
    func readSecondsTransform(_ node: Node, _ what: String) -> InputTransform? {
        if source.isNull(node) { return nil }
        if node.scalar != nil {
            guard let seconds = source.number(node, what) else { return nil }
            return .static(.number(seconds), location: source.location(of: node))
        }
        return readInputTransform(node, what)
    }

    func readMock(_ node: Node) -> Mock? {
        if source.isNull(node) { return nil }
        guard let pairs = source.mapping(node, "mock") else { return nil }
        var mock = Mock(enabled: false, returnValue: .null)
        for (key, child, keyNode) in pairs {
            switch key {
            case "enabled": mock.enabled = source.bool(child, "mock enabled") ?? false
            case "return_value": mock.returnValue = source.value(child)
            default: source.report(.warning, "unknown field '\(key)' in mock, ignored", at: keyNode)
            }
        }
        return mock
    }

    func readRetry(_ node: Node) -> Retry? {
        if source.isNull(node) { return nil }
        guard let pairs = source.mapping(node, "retry") else { return nil }
        var retry = Retry()
        for (key, child, keyNode) in pairs {
            switch key {
            case "constant":
                guard let fields = source.mapping(child, "retry constant") else { continue }
                let attempts = fields.first { $0.key == "attempts" }.flatMap { source.integer($0.value, "attempts") } ?? 0
                let seconds = fields.first { $0.key == "seconds" }.flatMap { source.number($0.value, "seconds") } ?? 0
                // The editor writes an all-zero strategy for "no retries of this kind".
                if attempts > 0 { retry.constant = Retry.Constant(attempts: attempts, seconds: seconds) }
            case "exponential":
                guard let fields = source.mapping(child, "retry exponential") else { continue }
                func number(_ key: String) -> Double? { fields.first { $0.key == key }.flatMap { source.number($0.value, key) } }
                let attempts = fields.first { $0.key == "attempts" }.flatMap { source.integer($0.value, "attempts") } ?? 0
                if attempts > 0 {
                    retry.exponential = Retry.Exponential(
                        attempts: attempts, multiplier: number("multiplier") ?? 1, seconds: number("seconds") ?? 0,
                        randomFactor: number("random_factor"))
                }
            case "retry_if":
                if let fields = source.mapping(child, "retry_if"), let expr = fields.first(where: { $0.key == "expr" }) {
                    retry.retryIf = readExpression(expr.value, "retry_if expr")
                }
            default: source.report(.warning, "unknown field '\(key)' in retry, ignored", at: keyNode)
            }
        }
        return retry.constant == nil && retry.exponential == nil ? nil : retry
    }

    /// A string, or the text of the file an `!inline name` tag or string names (relative to the flow's folder).
    func readInlinable(_ node: Node, _ what: String) -> (text: String, file: String?) {
        guard let scalar = node.scalar else {
            source.report(.error, "\(what) must be a string", at: node)
            return ("", nil)
        }
        let inlineName: String?
        if node.tag.rawValue == "!inline" {
            inlineName = scalar.string.trimmingCharacters(in: .whitespaces)
        } else if scalar.string.hasPrefix("!inline ") {
            inlineName = String(scalar.string.dropFirst("!inline ".count)).trimmingCharacters(in: .whitespaces)
        } else {
            inlineName = nil
        }
        guard let inlineName else { return (source.isNull(node) ? "" : scalar.string, nil) }
        let path = (folder as NSString).appendingPathComponent(inlineName)
        switch WindmillPaths.containment(of: path, in: folder, tree: treeRoot, real: source.files.realPath) {
        case .inside: break
        case .insideTree:
            source.report(.warning, "the inline file '\(inlineName)' of the \(what) is outside the flow's folder; export writes it inside", at: node)
        case .outside:
            source.report(.error, "the inline file '\(inlineName)' of the \(what) is outside the flow's folder and its tree; not read", at: node)
            return ("", inlineName)
        }
        guard let text = source.files.text(path) else {
            source.report(.error, "missing inline file '\(inlineName)' for the \(what) (looked in \(folder))", at: node)
            return ("", inlineName)
        }
        return (text, inlineName)
    }

    /// Reports a script or flow path Windmill would not accept (`..`, absolute, empty parts) or does not know.
    func checkWindmillPath(_ path: String, _ what: String, at node: Node) {
        if let problem = WindmillPaths.problem(with: path) {
            source.report(.error, "the \(what) '\(path)' \(problem)", at: node)
        } else if !WindmillPaths.hasKnownPrefix(path) {
            source.report(.warning, "the \(what) '\(path)' is not a Windmill path (u/…, f/…, g/… or hub/…)", at: node)
        }
    }

    /// The script file for a Windmill path (`f/folder/name`) under the tree root, whatever its extension.
    func resolveScript(_ path: String) -> String? {
        guard let treeRoot, WindmillPaths.problem(with: path) == nil else { return nil }
        let base = (treeRoot as NSString).appendingPathComponent(path)
        let directory = (base as NSString).deletingLastPathComponent
        let stem = (base as NSString).lastPathComponent + "."
        let names = source.files.listing(directory)
        let candidates = names.filter {
            $0.hasPrefix(stem) && !$0.hasSuffix(".yaml") && !$0.hasSuffix(".json") && !$0.hasSuffix(".lock")
        }.sorted()
        return candidates.first.map { (directory as NSString).appendingPathComponent($0) }
    }
}
