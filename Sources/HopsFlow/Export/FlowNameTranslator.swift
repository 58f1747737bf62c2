import HopsLang

/// Translates the names an expression reads between the seed format and Windmill's OpenFlow.
///
/// | seed                  | OpenFlow                 |
/// |-----------------------|--------------------------|
/// | `steps.<id>.result`   | `results.<id>`           |
/// | `steps.<id>.failures` | see `failures(...)`      |
/// | `inputs.<name>`       | `flow_input.<name>`      |
/// | `item`, `index`       | `flow_input.iter.value`, `flow_input.iter.index` (inside a loop) |
///
/// Only real reads are renamed (an arrow parameter named `item` stays `item`); everything else in the
/// text is kept as written. An expression that does not parse is left as it is.
struct FlowNameTranslator {
    /// The format the translated expressions are written in.
    let target: FlowFormat
    /// The iterator text of each for loop of the flow, by the loop's id, in the flow's own names.
    let loopIterators: [String: String]

    init(flow: Flow, target: FlowFormat) {
        self.target = target
        var iterators: [String: String] = [:]
        for module in flow.allModules {
            if case .forLoop(let loop) = module.value, let iterator = loop.iterator.expression?.text {
                iterators[module.id] = iterator
            }
        }
        loopIterators = iterators
    }

    /// The expression in the target's names; `insideLoop` for the modules of a loop's body.
    func translate(_ text: String, insideLoop: Bool, depth: Int = 0) -> String {
        // Iterators that read other loops' failures are translated on demand; a cycle stops here.
        guard depth < 8 else { return text }
        return ExpressionRewriter.rewrite(text) { reference in
            switch target {
            case .openFlow: toOpenFlow(reference, insideLoop: insideLoop, depth: depth)
            case .seed: toSeed(reference, insideLoop: insideLoop)
            }
        }
    }

    private func toOpenFlow(_ reference: ExpressionRewriter.Reference, insideLoop: Bool, depth: Int) -> ExpressionRewriter.Replacement? {
        let names = reference.names
        switch reference.root {
        case "steps":
            guard names.count >= 2 else { return nil }
            let step = reference.path[0].text
            switch names[1] {
            case "result":
                return .init(accessCount: 2, text: "results" + step)
            case "failures":
                guard let iterator = loopIterators[names[0]] else { return nil }
                let translated = translate(iterator, insideLoop: false, depth: depth + 1)
                return .init(accessCount: 2, text: Self.failures(step: step, iterator: translated))
            default:
                return nil
            }
        case "inputs":
            return .init(accessCount: 0, text: "flow_input")
        case "item" where insideLoop:
            return .init(accessCount: 0, text: "flow_input.iter.value")
        case "index" where insideLoop:
            return .init(accessCount: 0, text: "flow_input.iter.index")
        default:
            return nil
        }
    }

    private func toSeed(_ reference: ExpressionRewriter.Reference, insideLoop: Bool) -> ExpressionRewriter.Replacement? {
        let names = reference.names
        switch reference.root {
        case "results":
            guard let id = names.first else { return nil }
            let step = reference.path[0].text
            // Only the very text the seed-to-OpenFlow direction writes for failures reads back as failures.
            if reference.path.count >= 3, let iterator = loopIterators[id],
                reference.text(through: 3) == Self.failures(step: step, iterator: iterator)
            {
                return .init(accessCount: 3, text: "steps" + step + ".failures")
            }
            return .init(accessCount: 1, text: "steps" + step + ".result")
        case "flow_input":
            if names.first == "iter" {
                guard insideLoop, names.count >= 2 else { return nil }
                switch names[1] {
                case "value": return .init(accessCount: 2, text: "item")
                case "index": return .init(accessCount: 2, text: "index")
                default: return nil
                }
            }
            return .init(accessCount: 0, text: "inputs")
        default:
            return nil
        }
    }

    /// `steps.<id>.failures` in Windmill's names: the failed iterations of the loop `<id>`, as
    /// `[{index, item, error}]` like the seed format gives them.
    ///
    /// Windmill has no list of failures. A for loop with `skip_failures` collects the result of each
    /// iteration's job in order, and the result of a failed job is `{"error": {"name", "message", ...}}`
    /// (the worker reads the loop's results from the completed jobs; Windmill's docs describe a failed
    /// job's result in that shape). So the failures are the results that carry an `error`, and the item
    /// is read again from the loop's iterator at that index. A successful iteration that returns an
    /// object with a truthy `error` counts as failed, as it would for any Windmill expression.
    static func failures(step: String, iterator: String) -> String {
        let used = Set((try? ExpressionRewriter(iterator))?.references.map(\.root) ?? [])
        func fresh(_ name: String) -> String {
            var name = name
            while used.contains(name) { name += "_" }
            return name
        }
        let result = fresh("result")
        let position = fresh("position")
        return "results\(step).flatMap((\(result), \(position)) => \(result)?.error"
            + " ? [{index: \(position), item: (\(iterator))[\(position)], error: \(result).error}] : [])"
    }
}

extension Flow {
    /// The flow with every expression written in the names of `format` (`results.<id>` for OpenFlow,
    /// `steps.<id>.result` for the seed format), and `format` set to it; the flow itself when it is in
    /// that format already. The writers use it, so that each format reads its own names.
    public func translatingNames(to format: FlowFormat) -> Flow {
        guard format != self.format else { return self }
        let translator = FlowNameTranslator(flow: self, target: format)
        var flow = self
        flow.format = format
        let translate = { (text: String, insideLoop: Bool) in translator.translate(text, insideLoop: insideLoop) }
        flow.modules = modules.map { $0.mappingExpressions(insideLoop: false, translate) }
        flow.failureModule = failureModule?.mappingExpressions(insideLoop: false, translate)
        flow.preprocessorModule = preprocessorModule?.mappingExpressions(insideLoop: false, translate)
        return flow
    }
}
