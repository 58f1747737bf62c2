import Foundation
import HopsFlow
import HopsLang
import HopsStore

extension DryRunWalk {
    /// Where a script step's result would come from: the store's most recent result for the
    /// step's cache key (the same key the executor computes), else unknown with the reason.
    func resultSource(of module: FlowModule, scope: Scope, unknown: UnknownValues) -> (source: PlannedStep.ResultSource, result: Value?) {
        let transforms = module.value.inputTransforms
        var arguments = ObjectValue()
        var unknownArguments: [String] = []
        let bindings = scope.bindings(functions: [:])
        for (name, transform) in transforms.entries {
            switch transform {
            case .static(let value, _):
                arguments[name] = value
            case .javascript(let expression):
                let references = UnknownReferences.find(in: expression.text, unknown: unknown)
                if !references.isEmpty {
                    unknownArguments.append(contentsOf: references.filter { !unknownArguments.contains($0) })
                    continue
                }
                do {
                    arguments[name] = try FlowExpressions.evaluate(expression, bindings: bindings)
                } catch {
                    return (.unknown("argument \(name) cannot be evaluated: \(Self.oneLine(error))"), nil)
                }
            }
        }
        if !unknownArguments.isEmpty {
            return (.unknown("its arguments depend on \(unknownArguments.joined(separator: ", ")), unknown"), nil)
        }
        guard let store = planner.store else { return (.unknown("no run store"), nil) }
        guard let key = cacheKey(of: module, arguments: arguments) else {
            return (.unknown("its script cannot be read"), nil)
        }
        guard let cached = try? store.cachedResult(forKey: key), let json = cached.resultJSON,
            let value = try? Value(parsingJSON: json)
        else {
            return (.unknown("no recorded result for these arguments"), nil)
        }
        return (.cached(run: cached.run.rawValue), value)
    }

    /// The cache key the executor would compute for the step with these arguments.
    func cacheKey(of module: FlowModule, arguments: ObjectValue) -> String? {
        let runner = planner.runner
        let script: Script
        switch module.value {
        case .script(let pathScript):
            if pathScript.path.hasPrefix("hops:") {
                guard let resolved = try? runner.context.resolveArguments(arguments) else { return nil }
                return CacheKey.make(
                    runner: "hops", runnerVersion: "1", scriptContent: pathScript.path,
                    argumentsCanonicalJSON: Value.object(resolved.references).canonicalJSON())
            }
            guard let file = planner.scriptFile(for: pathScript), var found = try? Script.file(file) else { return nil }
            found.name = pathScript.path
            script = found
        case .rawScript(let raw):
            guard let inline = try? Script.inline(raw.content, language: raw.language, name: raw.path ?? module.id) else { return nil }
            script = inline
        default:
            return nil
        }
        let identity = runner.runnerIdentity(for: script.language)
        return CacheKey.make(
            runner: identity.runner, runnerVersion: identity.version, scriptContent: script.content,
            argumentsCanonicalJSON: Value.object(arguments).canonicalJSON())
    }
}
