import Foundation
import HopsFlow
import HopsLang
import HopsStore

extension FlowEngine {
    /// Executes one attempt of `module`, whatever its type.
    func execute(_ module: FlowModule, scope: Scope, place: String, attempt: Int) -> Execution {
        switch module.value {
        case .identity:
            return Execution(result: scope.previousResult)
        case .rawScript(let raw):
            do {
                let script = try Script.inline(raw.content, language: raw.language, name: raw.path ?? module.id)
                return runScript(script, transforms: raw.inputTransforms, module: module, scope: scope, place: place, attempt: attempt)
            } catch {
                return Execution(error: StepError(kind: .setup, message: "\(error)"))
            }
        case .script(let pathScript):
            if pathScript.path.hasPrefix("hops:") {
                return runBuiltin(String(pathScript.path.dropFirst(5)), transforms: pathScript.inputTransforms,
                                  module: module, scope: scope, place: place, attempt: attempt)
            }
            guard let file = scriptFile(for: pathScript) else {
                return Execution(error: StepError(kind: .scriptNotFound, message: "script not found: \(pathScript.path)"))
            }
            do {
                var script = try Script.file(file)
                script.name = pathScript.path
                return runScript(script, transforms: pathScript.inputTransforms, module: module, scope: scope, place: place, attempt: attempt)
            } catch {
                let kind: StepError.Kind = if case RunError.scriptNotFound = error { .scriptNotFound } else { .setup }
                return Execution(error: StepError(kind: kind, message: "\(error)"))
            }
        case .flow(let path, let transforms):
            return runSubflow(path, transforms: transforms, scope: scope, place: place)
        case .forLoop(let loop):
            return runForLoop(loop, module: module, scope: scope, place: place)
        case .whileLoop(let loop):
            return runWhileLoop(loop, module: module, scope: scope, place: place)
        case .branchOne(let branch):
            return runBranchOne(branch, module: module, scope: scope, place: place)
        case .branchAll(let branch):
            return runBranchAll(branch, module: module, scope: scope, place: place)
        }
    }

    /// The script file of a path step.
    func scriptFile(for script: PathScript) -> String? {
        script.locate(in: flow, repositoryRoot: runner.context.repositoryRoot)
    }

    /// The arguments of a step, each transform evaluated in the scope.
    func evaluateArguments(_ transforms: InputTransforms, scope: Scope) throws -> ObjectValue {
        let bindings = scope.bindings(functions: functions)
        var arguments = ObjectValue()
        for (name, transform) in transforms.entries {
            do {
                arguments[name] = try FlowExpressions.evaluate(transform, bindings: bindings)
            } catch {
                throw StepError(kind: .setup, message: "argument \(name): \(error)")
            }
        }
        return arguments
    }

    func timeout(of module: FlowModule, scope: Scope) -> Double? {
        guard let transform = module.timeout,
            let value = try? FlowExpressions.evaluate(transform, bindings: scope.bindings(functions: functions))
        else { return nil }
        let seconds = value.toNumber()
        return seconds.isFinite && seconds > 0 ? seconds : nil
    }

    private func runScript(
        _ script: Script, transforms: InputTransforms, module: FlowModule, scope: Scope, place: String, attempt: Int
    ) -> Execution {
        let arguments: ObjectValue
        do {
            arguments = try evaluateArguments(transforms, scope: scope)
        } catch let error as StepError {
            return Execution(error: error)
        } catch {
            return Execution(error: StepError(kind: .setup, message: "\(error)"))
        }
        let identity = runner.runnerIdentity(for: script)
        let argumentsJSON = Value.object(arguments).canonicalJSON()
        let cacheKey = CacheKey.make(
            runner: identity.runner, runnerVersion: identity.version, scriptContent: script.content,
            argumentsCanonicalJSON: argumentsJSON)
        return recorded(
            module: module, place: place, attempt: attempt, argumentsJSON: argumentsJSON, cacheKey: cacheKey,
            runner: "\(identity.runner) \(identity.version)", scriptHash: CacheKey.contentHash(script.content)
        ) {
            runner.run(script, arguments: arguments, timeout: timeout(of: module, scope: scope), cancellation: cancellation)
        }
    }

    private func runBuiltin(
        _ name: String, transforms: InputTransforms, module: FlowModule, scope: Scope, place: String, attempt: Int
    ) -> Execution {
        let resolved: ResolvedArguments
        do {
            resolved = try runner.context.resolveArguments(try evaluateArguments(transforms, scope: scope))
        } catch let error as StepError {
            return Execution(error: error)
        } catch {
            return Execution(error: StepError(kind: .setup, message: "\(error)"))
        }
        learnSecrets(resolved.secretValues)
        let argumentsJSON = Value.object(resolved.references).canonicalJSON()
        let cacheKey = CacheKey.make(
            runner: "hops", runnerVersion: "1", scriptContent: "hops:" + name, argumentsCanonicalJSON: argumentsJSON)
        return recorded(
            module: module, place: place, attempt: attempt, argumentsJSON: argumentsJSON, cacheKey: cacheKey,
            runner: "hops", scriptHash: nil
        ) {
            var outcome = BuiltinActions.runStep(
                name, arguments: resolved.values, workingDirectory: runner.context.repositoryRoot,
                timeout: timeout(of: module, scope: scope), cancellation: cancellation)
            outcome.secretValues = resolved.secretValues
            return outcome
        }
    }

    /// Runs `body` between `beginStep` and `finishStep`, or takes a cached result when `cache_ttl` allows.
    private func recorded(
        module: FlowModule, place: String, attempt: Int, argumentsJSON: String, cacheKey: String, runner: String,
        scriptHash: String?, _ body: () -> StepOutcome
    ) -> Execution {
        if let resume, let reused = resumed(
            resume, module: module, place: place, attempt: attempt, argumentsJSON: argumentsJSON, cacheKey: cacheKey,
            runner: runner, scriptHash: scriptHash)
        {
            return reused
        }
        if resume?.fresh != true, let ttl = module.cacheTTL, ttl > 0, let store,
            let cached = try? store.cachedResult(forKey: cacheKey, maxAge: ttl),
            let json = cached.resultJSON, !json.contains(SecretRedactor.mask), let value = try? Value(parsingJSON: json)
        {
            // A result stored with a secret masked in it is not the result: such steps run again.
            if let runID {
                _ = try? store.recordReused([
                    ReusedStep(
                        run: runID, stepID: module.id, place: place, attempt: attempt, argsJSON: argumentsJSON,
                        cacheKey: cacheKey, runner: runner, scriptHash: scriptHash, from: cached.step)
                ])
            }
            resume?.noteCacheHit(stepID: module.id, place: place, from: cached.step)
            var execution = Execution(result: value)
            execution.cached = true
            return execution
        }
        var record: StepRecordID?
        if let runID, let store {
            record = try? store.beginStep(
                run: runID, stepID: module.id, place: place, attempt: attempt, argsJSON: argumentsJSON,
                cacheKey: cacheKey, runner: runner, scriptHash: scriptHash)
        }
        let outcome = body()
        learnSecrets(outcome.secretValues)
        if let record, let store {
            try? store.finishStep(
                record, status: outcome.succeeded ? .succeeded : .failed,
                resultJSON: outcome.result.flatMap { $0.jsonString() }, error: outcome.error?.description,
                stdout: outcome.stdout, stderr: outcome.stderr, durationMs: Int64((outcome.duration * 1000).rounded()))
        }
        var execution = Execution(result: outcome.result, error: outcome.error)
        execution.stdout = outcome.stdout
        execution.stderr = outcome.stderr
        return execution
    }

    /// Another flow, found under the repository by its path, run with the step's arguments as inputs.
    private func runSubflow(_ path: String, transforms: InputTransforms, scope: Scope, place: String) -> Execution {
        let root = runner.context.repositoryRoot
        let candidates = [path, path + ".flow", path + "__flow", path + ".yaml", "windmill/flows/" + path + ".yaml"]
            .map { $0.hasPrefix("/") ? $0 : root + "/" + $0 }
        guard let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
            return Execution(error: StepError(kind: .scriptNotFound, message: "flow not found: \(path)"))
        }
        do {
            let subflow = try FlowLoader.load(path: found)
            let inputs = try evaluateArguments(transforms, scope: scope)
            let engine = FlowEngine(
                flow: subflow, runner: runner, store: store, onEvent: onEvent, cancellation: cancellation,
                maxWhileIterations: maxWhileIterations)
            engine.runID = runID
            engine.resume = resume
            var inner = Scope(inputs: FlowExecutor.applyDefaults(subflow, to: inputs))
            switch engine.runSequence(subflow.modules, scope: &inner, place: place.isEmpty ? path : place + "/" + path) {
            case .completed(let value), .stopped(let value): return Execution(result: value)
            case .failed(let error): return Execution(error: error)
            }
        } catch let error as StepError {
            return Execution(error: error)
        } catch {
            return Execution(error: StepError(kind: .setup, message: "\(error)"))
        }
    }
}

extension Value {
    /// JSON with object keys sorted at every level and no white space: equal values, equal text.
    public func canonicalJSON() -> String {
        sortedKeys().jsonString() ?? "null"
    }

    private func sortedKeys() -> Value {
        switch self {
        case .array(let items): .array(items.map { $0.sortedKeys() })
        case .object(let object):
            .object(ObjectValue(object.entries.sorted { $0.0 < $1.0 }.map { ($0.0, $0.1.sortedKeys()) }))
        default: self
        }
    }
}
