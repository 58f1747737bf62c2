import Foundation
import HopsLang
import Yams

/// Reads a Windmill OpenFlow document (`flow.yaml` as the wmill CLI writes it) into the flow model.
struct OpenFlowReader {
    let source: YAMLSource
    /// The folder `!inline` files are resolved against: the folder holding the flow file.
    let folder: String
    /// The folder holding `wmill.yaml`, against which `f/...` script paths resolve; nil if none was found.
    let treeRoot: String?

    static let topLevelFields: Set<String> = ["summary", "description", "value", "schema"]
    /// Windmill top-level fields hops keeps for export without a word: they matter only to the server.
    static let toleratedTopLevelFields: Set<String> = [
        "ws_error_handler_muted", "visible_to_runner_only", "on_behalf_of_email", "tag", "dedicated_worker",
        "timeout", "priority", "draft_only", "archived", "path", "edited_by", "edited_at", "extra_perms",
        "has_on_behalf_of",
    ]
    static let moduleFields: Set<String> = [
        "id", "summary", "value", "stop_after_if", "stop_after_all_iters_if", "skip_if", "sleep", "cache_ttl",
        "timeout", "mock", "suspend", "priority", "continue_on_error", "retry",
    ]
    /// Module fields of the spec (1.582.0 and 1.743.0) that hops keeps as they are.
    static let keptModuleFields: Set<String> = [
        "delete_after_use", "delete_after_secs", "apply_preprocessor", "cache_ignore_s3_path", "debouncing",
    ]
    /// Fields of each module value type of the spec that hops keeps as they are.
    static let valueFieldsKept: [String: Set<String>] = [
        "rawscript": [
            "tag", "concurrent_limit", "concurrency_time_window_s", "custom_concurrency_key", "is_trigger", "assets",
        ],
        "script": ["tag_override", "is_trigger", "tag"],
        "flow": [],
        "forloopflow": ["squash"],
        "whileloopflow": ["squash", "parallel", "parallelism"],
        "branchall": [],
        "branchone": [],
        "identity": [],
    ]

    func read(_ root: Node) -> Flow? {
        guard let pairs = source.mapping(root, "a flow") else { return nil }
        var flow = Flow(format: .openFlow, file: source.file)
        var extras = ObjectValue()
        var sawValue = false
        for (key, node, keyNode) in pairs {
            switch key {
            case "summary": flow.summary = source.string(node, "summary")
            case "description": flow.description = source.string(node, "description")
            case "value":
                sawValue = true
                readValue(node, into: &flow)
            case "schema": readSchema(node, into: &flow)
            default:
                if !Self.toleratedTopLevelFields.contains(key) {
                    source.report(.warning, "unknown field '\(key)' in the flow, kept as is", at: keyNode)
                }
                extras[key] = source.value(node)
            }
        }
        if extras.count > 0 { flow.extras = JSONValue(.object(extras)) }
        if !sawValue {
            source.report(.error, "the flow has no 'value' (its modules)", at: root)
        }
        return flow
    }

    private func readValue(_ node: Node, into flow: inout Flow) {
        guard let pairs = source.mapping(node, "value") else { return }
        var settings = ObjectValue()
        var sawModules = false
        for (key, child, _) in pairs {
            switch key {
            case "modules":
                sawModules = true
                flow.modules = readModules(child, "modules")
            case "failure_module":
                if !source.isNull(child) { flow.failureModule = readModule(child) }
            case "preprocessor_module":
                if !source.isNull(child) { flow.preprocessorModule = readModule(child) }
            case "same_worker": flow.sameWorker = source.bool(child, "same_worker") ?? false
            default: settings[key] = source.value(child)
            }
        }
        if !sawModules {
            source.report(.error, "the flow value has no 'modules'", at: node)
        }
        if settings.count > 0 { flow.settings = JSONValue(.object(settings)) }
    }

    private func readSchema(_ node: Node, into flow: inout Flow) {
        if source.isNull(node) { return }
        guard let pairs = source.mapping(node, "schema") else { return }
        var extras = ObjectValue()
        var properties: [(key: String, value: Node, keyNode: Node)] = []
        var required: [String] = []
        var order: [String]?
        for (key, child, _) in pairs {
            switch key {
            case "properties": properties = source.mapping(child, "schema properties") ?? []
            case "required":
                required = (source.sequence(child, "schema required") ?? []).compactMap { source.string($0, "a required input") }
            case "order":
                order = (source.sequence(child, "schema order") ?? []).compactMap { source.string($0, "an input name") }
            case "type": break
            default: extras[key] = source.value(child)
            }
        }
        var inputs: [FlowInput] = []
        for (name, property, keyNode) in properties {
            var input = FlowInput(name: name, required: required.contains(name), location: source.location(of: keyNode))
            var propertyExtras = ObjectValue()
            if let fields = source.mapping(property, "the schema of input '\(name)'") {
                for (key, child, _) in fields {
                    switch key {
                    case "type": input.type = source.value(child).stringValue
                    case "default": input.defaultValue = source.value(child)
                    case "description": input.description = source.string(child, "description")
                    default: propertyExtras[key] = source.value(child)
                    }
                }
            }
            if propertyExtras.count > 0 { input.extras = JSONValue(.object(propertyExtras)) }
            inputs.append(input)
        }
        if let order {
            let rank = Dictionary(order.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
            inputs = inputs.enumerated().sorted { a, b in
                (rank[a.element.name] ?? order.count + a.offset, a.offset) < (rank[b.element.name] ?? order.count + b.offset, b.offset)
            }.map(\.element)
        }
        flow.inputs = inputs
        if extras.count > 0 { flow.schemaExtras = JSONValue(.object(extras)) }
    }

    func readModules(_ node: Node, _ what: String) -> [FlowModule] {
        guard let items = source.sequence(node, what) else { return [] }
        return items.compactMap(readModule)
    }

    func readModule(_ node: Node) -> FlowModule? {
        guard let pairs = source.mapping(node, "a module") else { return nil }
        let idNode = YAMLSource.fields(pairs)("id")
        let id = idNode.flatMap { source.string($0, "a module id") } ?? ""
        if idNode == nil { source.report(.error, "a module has no 'id'", at: node) }
        if let idNode, !id.isEmpty, let problem = WindmillPaths.idProblem(id) {
            source.report(.error, "module id '\(id)' \(problem)", at: idNode)
        }
        let name = id.isEmpty ? "a module" : "module '\(id)'"
        var module = FlowModule(id: id, value: .identity, location: source.location(of: idNode ?? node))
        var extras = ObjectValue()
        var sawValue = false
        for (key, child, keyNode) in pairs {
            switch key {
            case "id": break
            case "summary": module.summary = source.string(child, "summary")
            case "value":
                sawValue = true
                readModuleValue(child, into: &module, name: name)
            case "skip_if": module.skipIf = readExpressionObject(child, "skip_if")
            case "stop_after_if": module.stopAfterIf = readStopAfterIf(child, "stop_after_if")
            case "stop_after_all_iters_if": module.stopAfterAllItersIf = readStopAfterIf(child, "stop_after_all_iters_if")
            case "sleep": module.sleep = readSecondsTransform(child, "sleep")
            case "timeout": module.timeout = readSecondsTransform(child, "timeout")
            case "cache_ttl": module.cacheTTL = source.number(child, "cache_ttl")
            case "mock": module.mock = readMock(child)
            case "suspend": if !source.isNull(child) { module.suspend = JSONValue(source.value(child)) }
            case "priority": module.priority = source.number(child, "priority")
            case "continue_on_error": module.continueOnError = source.bool(child, "continue_on_error") ?? false
            case "retry": module.retry = readRetry(child)
            default:
                if !Self.keptModuleFields.contains(key) {
                    source.report(.warning, "unknown field '\(key)' in \(name), kept as is", at: keyNode)
                }
                extras[key] = source.value(child)
            }
        }
        if !sawValue { source.report(.error, "\(name) has no 'value'", at: node) }
        if extras.count > 0 { module.extras = JSONValue(.object(extras)) }
        return module
    }
}

extension Value {
    /// The string of a `.string` value, else nil.
    var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }
}
