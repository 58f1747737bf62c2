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
                var script = try Script.inline(raw.content, language: raw.language, name: raw.path ?? module.id)
                script.lock = raw.lock
                return runScript(
                    script, contentHash: CacheKey.contentHash(script.content), transforms: raw.inputTransforms,
                    module: module, scope: scope, place: place, attempt: attempt)
            } catch {
                return Execution(error: StepError(kind: .setup, message: "\(error)"))
            }
        case .script(let pathScript):
            if pathScript.path.hasPrefix("hops:") {
                return runBuiltin(String(pathScript.path.dropFirst(5)), transforms: pathScript.inputTransforms,
                                  module: module, scope: scope, place: place, attempt: attempt)
            }
            if pathScript.path.hasPrefix("hub/") {
                return Execution(
                    error: StepError(
                        kind: .scriptNotFound,
                        message: "script \(pathScript.path) lives on the Windmill hub, which hops does not reach offline; copy it into the tree (f/…) or mock the step"))
            }
            do {
                let candidates = pathScript.candidates(in: flow, repositoryRoot: runner.context.repositoryRoot)
                guard let found = try runner.scriptFiles.script(atFirstOf: candidates) else {
                    return Execution(error: StepError(kind: .scriptNotFound, message: "script not found: \(pathScript.path)"))
                }
                var script = found.script
                script.name = pathScript.path
                return runScript(
                    script, contentHash: found.contentHash, transforms: pathScript.inputTransforms, module: module,
                    scope: scope, place: place, attempt: attempt)
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
        case .aiAgent:
            return Execution(
                error: StepError(
                    kind: .setup,
                    message: "step '\(module.id)' is an AI agent, which runs only on a Windmill server; mock it (mock: {enabled: true, return_value: …}) to run the flow here"))
        }
    }

    /// The arguments of a step, each transform evaluated in the scope.
    func evaluateArguments(_ transforms: InputTransforms, scope: Scope) throws -> ObjectValue {
        // Made for the first expression: a step whose arguments are all literals needs no names.
        var bindings: [String: Value]?
        var arguments = ObjectValue()
        for (name, transform) in transforms.entries {
            let expression: FlowExpression
            switch transform {
            case .static(let value, _):
                arguments[name] = value
                continue
            case .javascript(let javascript):
                expression = javascript
            }
            let names = bindings ?? scope.bindings(functions: functions)
            bindings = names
            do {
                arguments[name] = try FlowExpressions.evaluate(expression, bindings: names)
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

    /// `contentHash`: `CacheKey.contentHash(script.content)`, which a path script's file has already.
    private func runScript(
        _ script: Script, contentHash: String, transforms: InputTransforms, module: FlowModule, scope: Scope,
        place: String, attempt: Int
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
            runner: "\(identity.runner) \(identity.version)", scriptHash: contentHash
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
        var cachedRecord: CachedStep?
        if resume?.fresh != true, let ttl = module.cacheTTL, ttl > 0 {
            switch recording({ try $0.cachedResult(forKey: cacheKey, maxAge: ttl) }) {
            case .failure(let error): return Execution(error: error)
            case .success(let found): cachedRecord = found
            case nil: break
            }
        }
        if let cached = cachedRecord, let json = cached.resultJSON, !SecretRedactor.holdsMask(json),
            let value = try? Value(parsingJSON: json)
        {
            // A result stored with a secret masked in it is not the result: such steps run again.
            recordReused(
                module, place: place, attempt: attempt, argumentsJSON: argumentsJSON, cacheKey: cacheKey,
                runner: runner, scriptHash: scriptHash, from: cached.step)
            resume?.noteCacheHit(stepID: module.id, place: place, from: cached.step)
            var execution = Execution(result: value)
            execution.cached = true
            return execution
        }
        var record: StepRecordID?
        // `delete_after_secs` (`delete_after_use`): Windmill deletes the step's arguments and result; hops never keeps them.
        let keep = !module.deletesAfterUse
        if let runID {
            let begun = recording { store in
                // The reused steps before this one are written first: they keep their place before it, and a
                // hops killed while it runs has them all.
                try reusedSteps.write()
                return try store.beginStep(
                    run: runID, stepID: module.id, place: place, attempt: attempt, argsJSON: keep ? argumentsJSON : "{}",
                    cacheKey: cacheKey, runner: runner, scriptHash: scriptHash)
            }
            switch begun {
            case .failure(let error): return Execution(error: error)
            case .success(let id): record = id
            case nil: break
            }
        }
        let outcome = body()
        // What ran may have written a script: the next step looks at its file again.
        self.runner.scriptFiles.lookAgain()
        learnSecrets(outcome.secretValues)
        if let record {
            let status: StepStatus =
                outcome.succeeded ? .succeeded : outcome.error?.kind == .cancelled ? .interrupted : .failed
            let finished = recording { store in
                try store.finishStep(
                    record, status: status, resultJSON: keep ? outcome.result.flatMap { $0.jsonString() } : nil,
                    error: outcome.error?.description, stdout: outcome.stdout, stderr: outcome.stderr,
                    stdoutBytes: outcome.stdoutBytes, stderrBytes: outcome.stderrBytes,
                    durationMs: Int64((outcome.duration * 1000).rounded()))
            }
            if case .failure(let error) = finished { return Execution(error: error) }
        }
        var execution = Execution(result: outcome.result, error: outcome.error)
        execution.stdout = outcome.stdout
        execution.stderr = outcome.stderr
        return execution
    }

    /// How deep flows may call flows: a flow that calls itself stops here with an error instead of exhausting the stack.
    static let maxSubflowDepth = 16

    /// Another flow, found by its path from the tree root (or the repository), run with the step's arguments as inputs.
    private func runSubflow(_ path: String, transforms: InputTransforms, scope: Scope, place: String) -> Execution {
        let root = runner.context.repositoryRoot
        guard let found = FlowLoader.locateFlow(path, treeRoot: flow.treeRoot, repositoryRoot: root) else {
            return Execution(error: StepError(kind: .scriptNotFound, message: "flow not found: \(path)"))
        }
        if subflowChain.count >= Self.maxSubflowDepth {
            let chain = (subflowChain + [path]).joined(separator: " → ")
            return Execution(
                error: StepError(
                    kind: .setup,
                    message: "flows call flows more than \(Self.maxSubflowDepth) deep (\(chain)); does a flow call itself?"))
        }
        do {
            let subflow = try FlowLoader.load(path: found, cache: .home)
            let inputs = try evaluateArguments(transforms, scope: scope)
            let engine = FlowEngine(
                flow: subflow, runner: runner, store: store, onEvent: onEvent, cancellation: cancellation,
                maxWhileIterations: maxWhileIterations)
            engine.runID = runID
            engine.resume = resume
            engine.reusedSteps = reusedSteps
            engine.subflowChain = subflowChain + [path]
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
