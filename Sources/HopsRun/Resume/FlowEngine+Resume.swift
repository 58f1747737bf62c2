import Foundation
import HopsFlow
import HopsLang
import HopsStore

extension FlowEngine {
    /// The recorded result of the resumed run for this step, recorded in this run as `reused`;
    /// nil when the step must run (no record, another key, failed before, `--fresh`).
    func resumed(
        _ resume: ResumeSource, module: FlowModule, place: String, attempt: Int, argumentsJSON: String,
        cacheKey: String, runner: String, scriptHash: String?
    ) -> Execution? {
        guard
            let record = resume.decide(
                stepID: module.id, place: place, cacheKey: cacheKey, scriptHash: scriptHash, runner: runner),
            let value = try? Value(parsingJSON: record.resultJSON ?? "null")
        else { return nil }
        recordReused(
            module, place: place, attempt: attempt, argumentsJSON: argumentsJSON, cacheKey: cacheKey, runner: runner,
            scriptHash: scriptHash, from: record.id)
        var execution = Execution(result: value)
        execution.cached = true
        execution.stdout = record.stdout ?? ""
        execution.stderr = record.stderr ?? ""
        return execution
    }

    /// Records the step in this run as `reused` from `origin`, with the run's other reused steps.
    func recordReused(
        _ module: FlowModule, place: String, attempt: Int, argumentsJSON: String, cacheKey: String, runner: String,
        scriptHash: String?, from origin: StepRecordID
    ) {
        guard let runID, let store else { return }
        reusedSteps.add(
            ReusedStep(
                run: runID, stepID: module.id, place: place, attempt: attempt, argsJSON: argumentsJSON,
                cacheKey: cacheKey, runner: runner, scriptHash: scriptHash, from: origin),
            to: store)
    }
}
