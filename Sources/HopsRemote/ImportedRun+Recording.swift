import Foundation
import HopsLang
import HopsRun
import HopsStore

extension ImportedRun {
    /// Records the run in `store` as a flow run of the local flow `source`, with its job id.
    ///
    /// Each script step gets the cache key a local run of the same script with the same arguments
    /// would have, taken with the local runner (`identity`): so `hops resume` reuses a server result
    /// exactly when the local script is the one that ran there, whatever runtime version ran it.
    public func record(
        in store: RunStore, source: String?, sourceHash: String?,
        identity: (ScriptLanguage) -> (runner: String, version: String)
    ) throws -> RunID {
        let run = try store.createRun(
            kind: .flow, source: source, sourceHash: sourceHash, inputsJSON: arguments.canonicalJSON(),
            startedAt: startedAt, remoteJob: jobID)
        for step in steps {
            let argumentsJSON = step.arguments.canonicalJSON()
            var cacheKey: String?
            var scriptHash: String?
            if let content = step.scriptContent, let name = step.language,
                let language = try? ScriptLanguage(windmillName: name)
            {
                let runner = identity(language)
                cacheKey = CacheKey.make(
                    runner: runner.runner, runnerVersion: runner.version, scriptContent: content,
                    argumentsCanonicalJSON: argumentsJSON)
                scriptHash = CacheKey.contentHash(content)
            }
            let record = try store.beginStep(
                run: run, stepID: step.stepID, place: step.place, attempt: step.attempt, argsJSON: argumentsJSON,
                cacheKey: cacheKey,
                runner: nil, scriptHash: scriptHash, startedAt: step.startedAt)
            try store.finishStep(
                record, status: step.status, resultJSON: step.result?.jsonString(), error: step.error?.description,
                stdout: step.logs, durationMs: step.durationMs,
                finishedAt: step.startedAt.addingTimeInterval(Double(step.durationMs) / 1000))
        }
        try store.finishRun(
            run, status: succeeded ? .succeeded : canceled ? .interrupted : .failed,
            resultJSON: succeeded ? (result ?? .null).jsonString() : nil, error: error?.description,
            finishedAt: startedAt.addingTimeInterval(duration))
        return run
    }

    /// The run as a local run reports it (`hops flow run` prints it, `--json` the same shape).
    public func flowRunResult(runID: RunID?) -> FlowRunResult {
        var result = FlowRunResult(
            status: succeeded ? .succeeded : canceled ? .cancelled : .failed, result: self.result, error: error,
            steps: steps.map { step in
                StepReport(
                    id: step.stepID, place: step.place,
                    state: step.status == .succeeded ? .succeeded : step.status == .skipped ? .skipped : .failed,
                    result: step.result, error: step.error, duration: Double(step.durationMs) / 1000, attempts: step.attempt,
                    stdout: step.logs)
            }, runID: runID?.rawValue, failureResult: failureResult, duration: duration)
        if !succeeded { result.result = nil }
        return result
    }

    /// The ids of the steps whose definition differs between `local` (a FlowValue) and what ran.
    public func differingSteps(local: Value) -> [String] {
        func modules(_ flow: Value) -> [(String, Value)] {
            JobValue(flow).array("modules").compactMap { module in JobValue(module).string("id").map { ($0, module) } }
        }
        let remote = Dictionary(modules(rawFlow), uniquingKeysWith: { first, _ in first })
        let mine = modules(local)
        var differing: [String] = []
        for (id, module) in mine where !module.isContained(in: remote[id]) { differing.append(id) }
        let localIDs = Set(mine.map(\.0))
        for (id, _) in modules(rawFlow) where !localIDs.contains(id) { differing.append(id) }
        return differing
    }
}
