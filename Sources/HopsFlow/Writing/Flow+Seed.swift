import HopsLang
import Yams

extension Flow {
    /// The flow in the seed's format; modules the format cannot express are listed by `seedFormatProblems()`.
    /// An OpenFlow flow's expressions are written in the seed's names (`steps.<id>.result`, `inputs`, `item`).
    public func seedYAML() -> String {
        format == .seed ? writeSeedYAML() : translatingNames(to: .seed).writeSeedYAML()
    }

    private func writeSeedYAML() -> String {
        var pairs: [(String, Node?)] = [
            ("summary", summary.map(YAMLBuilder.string)), ("description", description.map(YAMLBuilder.string)),
        ]
        if let schedule {
            pairs.append(("schedule", schedule.timezone == nil ? YAMLBuilder.string(schedule.cron) : YAMLBuilder.mapping([
                ("cron", YAMLBuilder.string(schedule.cron)), ("timezone", schedule.timezone.map(YAMLBuilder.string)),
            ])))
        }
        if !inputs.isEmpty {
            pairs.append(("inputs", Node(inputs.map { input in
                YAMLBuilder.mapping([
                    ("name", YAMLBuilder.string(input.name)), ("type", input.type.map(YAMLBuilder.string)),
                    ("default", input.defaultValue.map(YAMLBuilder.value)),
                    ("required", input.required == (input.defaultValue == nil) ? nil : YAMLBuilder.bool(input.required)),
                    ("description", input.description.map(YAMLBuilder.string)),
                ])
            })))
        }
        pairs.append(("steps", Node(modules.map(Self.seedStep))))
        if let failureModule { pairs.append(("on_failure", Self.seedStep(failureModule))) }
        return YAMLBuilder.text(YAMLBuilder.mapping(pairs))
    }

    /// Why the flow cannot be written in the seed's format without loss; empty when it can.
    public func seedFormatProblems() -> [String] {
        var problems: [String] = []
        func check(_ module: FlowModule, insideLoop: Bool = false) {
            switch module.value {
            case .script: break
            case .forLoop(let loop) where !insideLoop && loop.modules.count == 1:
                check(loop.modules[0], insideLoop: true)
            default: problems.append("step '\(module.id)' is a \(module.value.typeName), which the seed format cannot express")
            }
            if module.stopAfterIf != nil || module.sleep != nil || module.suspend != nil {
                problems.append("step '\(module.id)' has options the seed format cannot express")
            }
        }
        modules.forEach { check($0) }
        if let failureModule { check(failureModule) }
        if preprocessorModule != nil { problems.append("the preprocessor module has no place in the seed format") }
        return problems
    }

    private static func seedStep(_ module: FlowModule) -> Node {
        var step = module
        var loop: ForLoop?
        if case .forLoop(let forLoop) = module.value, forLoop.modules.count == 1 {
            loop = forLoop
            step = forLoop.modules[0]
        }
        var pairs: [(String, Node?)] = [("id", YAMLBuilder.string(module.id))]
        pairs.append(("summary", module.summary.map(YAMLBuilder.string)))
        if case .script(let script) = step.value {
            pairs.append(("script", YAMLBuilder.string(script.path)))
        }
        if let loop {
            pairs.append(("for_each", YAMLBuilder.string(SeedFormat.seedString(for: loop.iterator.expression?.text ?? "[]"))))
            if !loop.skipFailures { pairs.append(("skip_failures", YAMLBuilder.bool(false))) }
            if case .static(.number(let parallelism), _)? = loop.parallelism {
                pairs.append(("parallelism", YAMLBuilder.number(parallelism)))
            }
        }
        if let skipIf = module.skipIf {
            pairs.append(("if", YAMLBuilder.string("${{ \(condition(negating: skipIf.text)) }}")))
        }
        let inputs = step.value.inputTransforms
        if !inputs.isEmpty {
            pairs.append(("args", YAMLBuilder.mapping(inputs.entries.map { entry in
                switch entry.transform {
                case .javascript(let expression): (entry.name, SeedFormat.argument(for: expression.text))
                case .static(let value, _): (entry.name, YAMLBuilder.value(value))
                }
            })))
        }
        if let retry = step.retry { pairs.append(("retry", seedRetry(retry))) }
        if case .static(.number(let seconds), _)? = step.timeout { pairs.append(("timeout", YAMLBuilder.number(seconds))) }
        if module.continueOnError { pairs.append(("continue_on_error", YAMLBuilder.bool(true))) }
        if let ttl = step.cacheTTL { pairs.append(("cache_ttl", YAMLBuilder.number(ttl))) }
        if let mock = module.mock {
            pairs.append(("mock", YAMLBuilder.mapping([
                ("enabled", mock.enabled ? nil : YAMLBuilder.bool(false)), ("return_value", YAMLBuilder.value(mock.returnValue)),
            ])))
        }
        return YAMLBuilder.mapping(pairs)
    }

    /// `!(e)` back to `e`; anything else negated.
    private static func condition(negating text: String) -> String {
        let characters = Array(text)
        if characters.count >= 3, characters[0] == "!", characters[1] == "(", characters.last == ")" {
            var depth = 0
            for (index, character) in characters.enumerated().dropFirst() {
                if character == "(" { depth += 1 }
                if character == ")" { depth -= 1 }
                if depth == 0 && index != characters.count - 1 { return "!(\(text))" }
            }
            return String(characters[2..<(characters.count - 1)])
        }
        return "!(\(text))"
    }

    private static func seedRetry(_ retry: Retry) -> Node {
        if let constant = retry.constant, retry.exponential == nil, retry.retryIf == nil {
            return YAMLBuilder.mapping([
                ("attempts", YAMLBuilder.number(Double(constant.attempts))), ("seconds", YAMLBuilder.number(constant.seconds)),
            ])
        }
        if let exponential = retry.exponential, retry.constant == nil, retry.retryIf == nil {
            return YAMLBuilder.mapping([
                ("attempts", YAMLBuilder.number(Double(exponential.attempts))), ("seconds", YAMLBuilder.number(exponential.seconds)),
                ("backoff", YAMLBuilder.string("exponential")), ("multiplier", YAMLBuilder.number(exponential.multiplier)),
                ("random_factor", exponential.randomFactor.map(YAMLBuilder.number)),
            ])
        }
        var flow = Flow()
        flow.modules = [FlowModule(id: "", value: .identity, retry: retry)]
        var writer = OpenFlowWriter()
        guard case .mapping(let mapping) = writer.module(flow.modules[0]), let node = mapping["retry"] else {
            return Node("null", Tag(.null))
        }
        return node
    }
}
