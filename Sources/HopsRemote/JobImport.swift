import Foundation
import HopsLang
import HopsRun
import HopsStore

/// One step's job of a remote flow run, as recorded locally.
public struct ImportedStep: Sendable {
    public var stepID: String
    /// Where inside loops and branches, as a local run names it: `loop[2]`, `alert[default]`.
    public var place: String
    /// 1 for the first try; earlier failed tries (`failed_retries`) come first with lower numbers.
    public var attempt: Int = 1
    public var status: StepStatus
    public var arguments: Value
    public var result: Value?
    public var error: StepError?
    public var logs: String
    public var startedAt: Date
    public var durationMs: Int64
    public var jobID: String
    /// The script that ran (inline content, or the script version the job ran) and its language.
    public var scriptContent: String?
    public var language: String?
}

/// A finished remote flow job and every step's own job.
public struct ImportedRun: Sendable {
    public var jobID: String
    /// The flow's Windmill path (a preview's `path`).
    public var flowPath: String
    public var arguments: Value
    public var succeeded: Bool
    public var canceled: Bool
    public var result: Value?
    public var error: StepError?
    public var failureResult: Value?
    public var startedAt: Date
    public var duration: Double
    public var steps: [ImportedStep]
    /// The FlowValue that ran.
    public var rawFlow: Value
}

/// Downloads a finished flow job with its steps: loops' iterations, the branch taken, subflows;
/// full arguments, results and logs where the job view truncates them.
public struct JobImport {
    public let client: WindmillClient

    public init(client: WindmillClient) { self.client = client }

    static let tooBig = "WINDMILL_TOO_BIG"

    /// The run of the flow job `id`; refuses a job that is not a flow or not finished.
    public func run(_ id: String) throws(RemoteError) -> ImportedRun {
        let job = JobValue(try client.job(id))
        let kind = job.string("job_kind") ?? ""
        guard ["flow", "flowpreview", "flownode"].contains(kind) else {
            throw RemoteError.refused("job \(id) is a \(kind.isEmpty ? "job" : kind) job, not a flow run")
        }
        guard job.string("type") == "CompletedJob" else {
            throw RemoteError.refused("job \(id) is still running; import it once it has finished")
        }
        var steps: [ImportedStep] = []
        try walk(job, place: "", into: &steps)
        let result = try fullResult(job)
        let failedStep = steps.last { $0.status == .failed }
        var failureResult: Value?
        if let failureModule = job.object("flow_status")?.object("failure_module"),
            let failureJob = failureModule.string("job"), failureJob != JobValue.nilJob,
            failureModule.string("type") == "Success" || failureModule.string("type") == "Failure"
        {
            let step = try self.step(id: failureModule.string("id") ?? "failure", place: "", jobID: failureJob, module: nil)
            steps.append(step)
            failureResult = step.result
        }
        let succeeded = job.bool("success")
        var error: StepError?
        if !succeeded {
            error = failedStep?.error ?? JobValue.stepError(fromResult: result)
            if job.bool("canceled") {
                error = StepError(
                    kind: .cancelled,
                    message: "cancelled" + (job.string("canceled_reason").map { ": \($0)" } ?? ""),
                    stepID: failedStep?.stepID)
            }
        }
        let started = job.date("started_at") ?? job.date("created_at") ?? Date()
        return ImportedRun(
            jobID: id, flowPath: job.string("script_path") ?? "", arguments: try fullArguments(job),
            succeeded: succeeded, canceled: job.bool("canceled"), result: succeeded ? result : nil, error: error,
            failureResult: failureResult, startedAt: started, duration: (job.number("duration_ms") ?? 0) / 1000,
            steps: steps, rawFlow: job["raw_flow"] ?? .null)
    }

    /// Pairs the flow job's modules with their status by id and records each step reached.
    private func walk(_ job: JobValue, place: String, into steps: inout [ImportedStep]) throws(RemoteError) {
        let modules = job.object("raw_flow")?.array("modules") ?? []
        let statuses = job.object("flow_status")?.array("modules") ?? []
        var moduleByID: [String: JobValue] = [:]
        for module in modules.map(JobValue.init) { if let id = module.string("id") { moduleByID[id] = module } }
        for status in statuses.map(JobValue.init) {
            guard let id = status.string("id"), let type = status.string("type"),
                type == "Success" || type == "Failure" || type == "InProgress"
            else { continue }
            let module = moduleByID[id]
            let kind = module?.object("value")?.string("type") ?? ""
            let prefix = (place.isEmpty ? "" : place + "/") + id
            switch kind {
            case "forloopflow", "whileloopflow", "branchall":
                for (index, child) in status.array("flow_jobs").enumerated() {
                    guard case .string(let childID) = child else { continue }
                    try walk(JobValue(try client.job(childID)), place: "\(prefix)[\(index)]", into: &steps)
                }
            case "branchone":
                let chosen = status.object("branch_chosen")
                let label = chosen?.string("type") == "branch" ? chosen?.number("branch").map { String(Int($0)) } ?? "0" : "default"
                if let childID = status.string("job"), childID != JobValue.nilJob {
                    try walk(JobValue(try client.job(childID)), place: "\(prefix)[\(label)]", into: &steps)
                }
            case "flow":
                if let childID = status.string("job"), childID != JobValue.nilJob {
                    try walk(JobValue(try client.job(childID)), place: prefix, into: &steps)
                }
            default:
                guard let jobID = status.string("job"), jobID != JobValue.nilJob else { continue }
                var attempt = 1
                for case .string(let failedID) in status.array("failed_retries") where failedID != jobID {
                    var failed = try self.step(id: id, place: place, jobID: failedID, module: module)
                    failed.attempt = attempt
                    steps.append(failed)
                    attempt += 1
                }
                var step = try self.step(id: id, place: place, jobID: jobID, module: module)
                step.attempt = attempt
                if status.bool("skipped") { step.status = .skipped }
                steps.append(step)
            }
        }
    }

    /// One script step's job: its args, full result, logs and time.
    private func step(id: String, place: String, jobID: String, module: JobValue?) throws(RemoteError) -> ImportedStep {
        let job = JobValue(try client.job(jobID))
        let finished = job.string("type") == "CompletedJob"
        let success = job.bool("success")
        let result = finished ? try fullResult(job) : nil
        var logs = job.string("logs") ?? ""
        if logs.count >= 19_000 { logs = try client.jobLogs(jobID) }
        var content: String?
        var language: String?
        let value = module?.object("value")
        if value?.string("type") == "rawscript" {
            content = value?.string("content")
            language = value?.string("language")
        } else if value?.string("type") == "script", let hash = job.string("script_hash"),
            let script = try client.script(hash: hash).map(JobValue.init)
        {
            content = script.string("content")
            language = script.string("language")
        }
        let status: StepStatus = !finished ? .interrupted : job.bool("is_skipped") ? .skipped : success ? .succeeded : .failed
        return ImportedStep(
            stepID: id, place: place, status: status, arguments: try fullArguments(job),
            result: success ? result : nil,
            error: finished && !success ? (JobValue.stepError(fromResult: result, stepID: id) ?? StepError(kind: .thrown, message: "failed", stepID: id)) : nil,
            logs: logs, startedAt: job.date("started_at") ?? job.date("created_at") ?? Date(),
            durationMs: Int64(job.number("duration_ms") ?? 0), jobID: jobID, scriptContent: content, language: language)
    }

    private func fullResult(_ job: JobValue) throws(RemoteError) -> Value? {
        if case .string(Self.tooBig)? = job["result"], let id = job.string("id") { return try client.completedJobResult(id) }
        return job["result"]
    }

    private func fullArguments(_ job: JobValue) throws(RemoteError) -> Value {
        if case .object(let object)? = job["args"], case .string(Self.tooBig)? = object["reason"], let id = job.string("id") {
            return try client.jobArguments(id)
        }
        return job["args"] ?? .object(ObjectValue())
    }
}
