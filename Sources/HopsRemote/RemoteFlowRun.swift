import Foundation
import HopsFlow
import HopsLang
import HopsRun
import HopsStore

/// A flow run on the server's workers: started by path when the server's copy equals the local
/// flow, else as a preview of the local definition; followed with per-step events; recorded locally.
public struct RemoteFlowRun {
    public enum Mode: String, Sendable {
        /// The server's copy equals the local flow: `runFlowByPath`.
        case byPath = "by path"
        /// An unpushed edit: `runFlowPreview` of the local definition.
        case preview
    }

    public let client: WindmillClient
    public let tree: WmillTree

    public init(client: WindmillClient, tree: WmillTree) {
        self.client = client
        self.tree = tree
    }

    /// Starts the flow in `folder` with `arguments` (missing ones set to their defaults, as a local
    /// run sees them); the new job's id and how it was started.
    public func start(folder: String, arguments given: ObjectValue) throws(RemoteError) -> (job: String, mode: Mode, path: String) {
        let item = try tree.flow(folder: folder)
        var arguments = given
        if let flow = try? FlowLoader.load(path: folder) {
            let missing = FlowExecutor.missingInputs(flow, in: given)
            if !missing.isEmpty {
                throw RemoteError.refused("missing required input\(missing.count == 1 ? "" : "s"): \(missing.joined(separator: ", ")) (give -i name=value)")
            }
            arguments = FlowExecutor.applyDefaults(flow, to: given)
        }
        let remote = try client.flow(at: item.path)
        if let remote, Value.object(item.fields).isContained(in: remote) {
            return (try client.runFlow(path: item.path, arguments: .object(arguments)), .byPath, item.path)
        }
        let value = item.fields["value"] ?? .object(ObjectValue())
        return (try client.runFlowPreview(path: item.path, value: value, arguments: .object(arguments)), .preview, item.path)
    }

    /// Polls the job's updates (back-off from 0.1 s to 1 s) until it completes, reporting each
    /// top-level step as it starts and ends; on cancellation cancels the job on the server.
    public func follow(
        job: String, cancellation: Cancellation, onEvent: (ExecutionEvent) -> Void
    ) throws(RemoteError) {
        var logOffset = 0
        var delay = 0.1
        var started: [String: Date] = [:]
        var finished: Set<String> = []
        var cancelSent = false
        while true {
            if cancellation.isCancelled, !cancelSent {
                try client.cancelJob(job, reason: "cancelled from hops (Ctrl-C)")
                cancelSent = true
            }
            let updates = JobValue(try client.jobUpdates(job, logOffset: logOffset))
            if let offset = updates.number("log_offset") { logOffset = Int(offset) }
            for module in updates.object("flow_status")?.array("modules").map(JobValue.init) ?? [] {
                guard let id = module.string("id"), !finished.contains(id), let type = module.string("type") else { continue }
                switch type {
                case "InProgress", "WaitingForExecutor", "WaitingForEvents":
                    if started[id] == nil {
                        started[id] = Date()
                        onEvent(.stepStarted(id: id, place: "", attempt: 1))
                    }
                case "Success", "Failure":
                    finished.insert(id)
                    if module.bool("skipped") {
                        onEvent(.stepSkipped(id: id, place: "", reason: "skip_if"))
                        continue
                    }
                    if started[id] == nil { onEvent(.stepStarted(id: id, place: "", attempt: 1)) }
                    let elapsed = Date().timeIntervalSince(started[id] ?? Date())
                    var error: StepError?
                    if type == "Failure" {
                        error = failure(of: module, id: id) ?? StepError(kind: .thrown, message: "failed", stepID: id)
                    }
                    onEvent(.stepFinished(id: id, place: "", state: type == "Success" ? .succeeded : .failed, elapsed: elapsed, error: error))
                default: break
                }
            }
            if updates.bool("completed") { return }
            // A cancel ends the wait, so the server hears of it at once; after that, the same pace.
            if !cancellation.wait(seconds: delay), cancelSent { Thread.sleep(forTimeInterval: delay) }
            delay = min(delay * 1.5, 1.0)
        }
    }

    /// The error a failed module's job reports.
    private func failure(of module: JobValue, id: String) -> StepError? {
        guard let job = module.string("job"), job != JobValue.nilJob,
            let result = try? client.completedJobResult(job)
        else { return nil }
        return JobValue.stepError(fromResult: result, stepID: id)
    }
}
