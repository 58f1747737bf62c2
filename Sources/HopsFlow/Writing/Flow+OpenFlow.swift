import Foundation
import HopsLang
import Yams

extension Flow {
    /// The flow in the wmill layout: the text of `flow.yaml` and the inline script files beside it, by name.
    /// A seed-format flow's expressions are written in Windmill's names (`results.<id>`, `flow_input`).
    public func openFlowYAML() -> (flowYAML: String, inlineFiles: [String: String]) {
        format == .openFlow ? writeOpenFlowYAML() : translatingNames(to: .openFlow).writeOpenFlowYAML()
    }

    private func writeOpenFlowYAML() -> (flowYAML: String, inlineFiles: [String: String]) {
        var writer = OpenFlowWriter()
        var value: [(String, Node?)] = [("modules", Node(modules.map { writer.module($0) }))]
        if let failureModule { value.append(("failure_module", writer.module(failureModule))) }
        if let preprocessorModule { value.append(("preprocessor_module", writer.module(preprocessorModule))) }
        if sameWorker { value.append(("same_worker", YAMLBuilder.bool(true))) }
        value += YAMLBuilder.extras(settings)
        var properties: [(String, Node?)] = []
        for input in inputs {
            var fields: [(String, Node?)] = [("type", input.type.map(YAMLBuilder.string))]
            fields.append(("description", input.description.map(YAMLBuilder.string)))
            fields.append(("default", input.defaultValue.map(YAMLBuilder.value)))
            fields += YAMLBuilder.extras(input.extras)
            properties.append((input.name, YAMLBuilder.mapping(fields)))
        }
        var schema: [(String, Node?)] = YAMLBuilder.extras(schemaExtras)
        schema += [
            ("type", YAMLBuilder.string("object")),
            ("order", Node(inputs.map { YAMLBuilder.string($0.name) })),
            ("properties", YAMLBuilder.mapping(properties)),
            ("required", Node(inputs.filter(\.required).map { YAMLBuilder.string($0.name) })),
        ]
        let root = YAMLBuilder.mapping(
            [
                ("summary", YAMLBuilder.string(summary ?? "")),
                ("description", YAMLBuilder.string(description ?? "")),
                ("value", YAMLBuilder.mapping(value)),
                ("schema", YAMLBuilder.mapping(schema)),
            ] + YAMLBuilder.extras(extras))
        return (YAMLBuilder.text(root), writer.inlineFiles)
    }
}

/// Turns modules into OpenFlow nodes, collecting inline script files as it goes.
struct OpenFlowWriter {
    var inlineFiles: [String: String] = [:]

    static let extensions: [String: String] = [
        "deno": "ts", "bun": "ts", "nativets": "ts", "python3": "py", "bash": "sh", "go": "go", "powershell": "ps1",
        "postgresql": "pg.sql", "mysql": "my.sql", "graphql": "gql", "php": "php",
    ]

    mutating func module(_ module: FlowModule) -> Node {
        var pairs: [(String, Node?)] = [("id", YAMLBuilder.string(module.id))]
        pairs.append(("summary", module.summary.map(YAMLBuilder.string)))
        pairs.append(("value", value(module)))
        pairs.append(("skip_if", module.skipIf.map { YAMLBuilder.mapping([("expr", YAMLBuilder.string($0.text))]) }))
        pairs.append(("stop_after_if", module.stopAfterIf.map(stop)))
        pairs.append(("stop_after_all_iters_if", module.stopAfterAllItersIf.map(stop)))
        pairs.append(("retry", module.retry.map(retry)))
        pairs.append(("timeout", module.timeout.map(transform)))
        pairs.append(("sleep", module.sleep.map(transform)))
        pairs.append(("cache_ttl", module.cacheTTL.map(YAMLBuilder.number)))
        pairs.append(("mock", module.mock.map {
            YAMLBuilder.mapping([("enabled", YAMLBuilder.bool($0.enabled)), ("return_value", YAMLBuilder.value($0.returnValue))])
        }))
        pairs.append(("continue_on_error", module.continueOnError ? YAMLBuilder.bool(true) : nil))
        pairs.append(("suspend", module.suspend.map { YAMLBuilder.value($0.value) }))
        pairs.append(("priority", module.priority.map(YAMLBuilder.number)))
        pairs += YAMLBuilder.extras(module.extras)
        return YAMLBuilder.mapping(pairs)
    }

    private mutating func value(_ module: FlowModule) -> Node {
        var pairs: [(String, Node?)] = [("type", YAMLBuilder.string(module.value.typeName))]
        switch module.value {
        case .rawScript(let script):
            let fileExtension = Self.extensions[script.language] ?? "txt"
            let name = script.contentFile ?? "\(module.id).inline_script.\(fileExtension)"
            inlineFiles[name] = script.content
            pairs.append(("content", YAMLBuilder.string("!inline \(name)")))
            pairs.append(("language", YAMLBuilder.string(script.language)))
            pairs.append(("path", script.path.map(YAMLBuilder.string)))
            if let lock = script.lock {
                let lockName = (name as NSString).deletingPathExtension + ".lock"
                inlineFiles[lockName] = lock
                pairs.append(("lock", YAMLBuilder.string("!inline \(lockName)")))
            }
            pairs.append(("input_transforms", transforms(script.inputTransforms)))
        case .script(let script):
            pairs.append(("path", YAMLBuilder.string(script.path)))
            pairs.append(("hash", script.hash.map(YAMLBuilder.string)))
            pairs.append(("input_transforms", transforms(script.inputTransforms)))
        case .flow(let path, let inputs):
            pairs.append(("path", YAMLBuilder.string(path)))
            pairs.append(("input_transforms", transforms(inputs)))
        case .forLoop(let loop):
            pairs.append(("modules", Node(loop.modules.map { self.module($0) })))
            pairs.append(("iterator", transform(loop.iterator)))
            pairs.append(("skip_failures", YAMLBuilder.bool(loop.skipFailures)))
            pairs.append(("parallel", YAMLBuilder.bool(loop.parallel)))
            pairs.append(("parallelism", loop.parallelism.map(transform)))
        case .whileLoop(let loop):
            pairs.append(("modules", Node(loop.modules.map { self.module($0) })))
            pairs.append(("skip_failures", YAMLBuilder.bool(loop.skipFailures)))
        case .branchOne(let branch):
            var branches: [Node] = []
            for item in branch.branches {
                branches.append(YAMLBuilder.mapping([
                    ("summary", item.summary.map(YAMLBuilder.string)), ("expr", YAMLBuilder.string(item.condition.text)),
                    ("modules", Node(item.modules.map { self.module($0) })),
                ]))
            }
            pairs.append(("branches", Node(branches)))
            pairs.append(("default", Node(branch.defaultModules.map { self.module($0) })))
        case .branchAll(let branch):
            var branches: [Node] = []
            for item in branch.branches {
                branches.append(YAMLBuilder.mapping([
                    ("summary", item.summary.map(YAMLBuilder.string)), ("skip_failure", YAMLBuilder.bool(item.skipFailure)),
                    ("modules", Node(item.modules.map { self.module($0) })),
                ]))
            }
            pairs.append(("branches", Node(branches)))
            pairs.append(("parallel", YAMLBuilder.bool(branch.parallel)))
        case .identity:
            break
        case .aiAgent(let agent):
            pairs += YAMLBuilder.extras(agent.raw)
        }
        pairs += YAMLBuilder.extras(module.valueExtras)
        return YAMLBuilder.mapping(pairs)
    }

    private func transforms(_ inputs: InputTransforms) -> Node {
        YAMLBuilder.mapping(inputs.entries.map { ($0.name, transform($0.transform)) })
    }

    private func transform(_ transform: InputTransform) -> Node {
        switch transform {
        case .javascript(let expression):
            return YAMLBuilder.mapping([("type", YAMLBuilder.string("javascript")), ("expr", YAMLBuilder.string(expression.text))])
        case .static(let value, _):
            if case .undefined = value { return YAMLBuilder.mapping([("type", YAMLBuilder.string("static"))]) }
            return YAMLBuilder.mapping([("type", YAMLBuilder.string("static")), ("value", YAMLBuilder.value(value))])
        }
    }

    private func stop(_ stop: StopAfterIf) -> Node {
        YAMLBuilder.mapping([
            ("expr", YAMLBuilder.string(stop.expression.text)), ("skip_if_stopped", YAMLBuilder.bool(stop.skipIfStopped)),
            ("error_message", stop.errorMessage.map(YAMLBuilder.string)),
        ])
    }

    private func retry(_ retry: Retry) -> Node {
        YAMLBuilder.mapping([
            ("constant", retry.constant.map {
                YAMLBuilder.mapping([("attempts", YAMLBuilder.number(Double($0.attempts))), ("seconds", YAMLBuilder.number($0.seconds))])
            }),
            ("exponential", retry.exponential.map {
                YAMLBuilder.mapping([
                    ("attempts", YAMLBuilder.number(Double($0.attempts))), ("multiplier", YAMLBuilder.number($0.multiplier)),
                    ("seconds", YAMLBuilder.number($0.seconds)), ("random_factor", $0.randomFactor.map(YAMLBuilder.number)),
                ])
            }),
            ("retry_if", retry.retryIf.map { YAMLBuilder.mapping([("expr", YAMLBuilder.string($0.text))]) }),
        ])
    }
}
