import Foundation
import HopsFlow
import HopsLang
import HopsRun
import HopsStore

/// A recorded flow run made ready to run again: its flow read from the recorded path, its inputs,
/// and the recorded steps to reuse. `hops resume`, `:resume` and a replay's `:retry`/`:continue` use it.
public final class FlowResume {
    /// Why a run cannot be resumed.
    public struct ResumeError: Error, CustomStringConvertible, Equatable {
        public var description: String
    }

    public let store: RunStore
    public let original: RunRecord
    public let flow: Flow
    /// The repository the flow's scripts, resources and variables are read from.
    public let repositoryRoot: String
    /// The run's inputs; a caller may change some before the run starts (`hops resume -i`).
    public var inputs: ObjectValue
    /// The answer to the flow's approval steps (`hops resume RUN --approve`); nil pauses at the first one again.
    public var approval: Approval?
    public let source: ResumeSource
    /// Where `$var:`/`$res:` not defined in the repository are looked up (`--remote`).
    public var secretFallback: (any SecretFallback)?

    /// Reads the flow of `original` from disk (it may have changed since) and the run's inputs.
    public convenience init(store: RunStore, original: RunRecord, fresh: Bool = false) throws {
        let flow = try Self.readFlow(of: original.id, kind: original.kind, source: original.source, storePath: store.path)
        self.init(store: store, original: original, fresh: fresh, flow: flow)
    }

    /// `flow`: what `readFlow` read for `original`.
    public init(store: RunStore, original: RunRecord, fresh: Bool = false, flow: RecordedFlow) {
        self.store = store
        self.original = original
        self.flow = flow.flow
        self.repositoryRoot = flow.repositoryRoot
        if let json = original.inputsJSON, case .object(let object)? = try? Value(parsingJSON: json) {
            inputs = object
        } else {
            inputs = ObjectValue()
        }
        source = ResumeSource(original: original.id, steps: original.steps, fresh: fresh)
    }

    /// The flow a run ran, as it is on disk now, and the repository it is in.
    public struct RecordedFlow: Sendable {
        public var flow: Flow
        public var repositoryRoot: String
    }

    /// Reads the flow the run `id` of `kind` recorded as `source` (a path), found as `locate` finds it.
    public static func readFlow(of id: RunID, kind: RunKind, source: String?, storePath: String) throws -> RecordedFlow {
        guard kind == .flow || kind == .resume else {
            let advice = kind == .notebook
                ? "run the notebook again with `hops run \(source ?? "NOTEBOOK") --resume`, or replay it with `hops replay \(id)`"
                : "a prompt session has no flow to run again"
            throw ResumeError(description: "run \(id) is a \(kind.rawValue) run: \(advice)")
        }
        guard let recorded = source else {
            throw ResumeError(description: "run \(id) recorded no flow file")
        }
        guard let file = Self.locate(recorded, storePath: storePath) else {
            throw ResumeError(
                description: "run \(id) ran the flow \(recorded), which is no longer there "
                    + "(looked from the current folder and the repository)")
        }
        var flow: Flow
        do {
            flow = try FlowLoader.load(path: file, cache: .home)
        } catch {
            throw ResumeError(description: "\(error)")
        }
        flow.file = file
        return RecordedFlow(flow: flow, repositoryRoot: FlowFiles.repositoryRoot(from: (file as NSString).deletingLastPathComponent))
    }

    /// The recorded path as it is on disk: absolute, from the current folder, from the repository
    /// holding the current folder, or from the repository holding the store (`<repo>/.hops/hops.db`).
    static func locate(_ recorded: String, storePath: String) -> String? {
        let manager = FileManager.default
        if recorded.hasPrefix("/") { return manager.fileExists(atPath: recorded) ? recorded : nil }
        let current = manager.currentDirectoryPath
        let storeFolder = ((storePath.hasPrefix("/") ? storePath : current + "/" + storePath) as NSString)
            .deletingLastPathComponent
        let bases = [
            current, StoreLocation.repositoryRoot(), (storeFolder as NSString).deletingLastPathComponent,
            StoreLocation.repositoryRoot(near: storeFolder),
        ]
        for base in bases {
            let candidate = ((base as NSString).appendingPathComponent(recorded) as NSString).standardizingPath
            if manager.fileExists(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Options of the new run: recorded in the store as a `resume` child of the original.
    public func options(onEvent: (@Sendable (ExecutionEvent) -> Void)? = nil, cancellation: Cancellation = Cancellation())
        -> ExecutionOptions
    {
        var options = ExecutionOptions(store: store, onEvent: onEvent, cancellation: cancellation, runKind: .resume)
        options.resume = source
        options.approval = approval
        return options
    }

    /// A session stepping through the flow again, reusing what the original recorded.
    public func session(onEvent: (@Sendable (ExecutionEvent) -> Void)? = nil, cancellation: Cancellation = Cancellation())
        -> FlowSession
    {
        var context = WorkspaceContext(repositoryRoot: repositoryRoot)
        context.fallback = secretFallback
        return FlowSession(
            flow: flow, runner: ScriptRunner(context: context), inputs: inputs,
            options: options(onEvent: onEvent, cancellation: cancellation))
    }

    /// Runs the flow again to its end, reusing what the original recorded.
    public func run(cancellation: Cancellation = Cancellation()) -> FlowRunResult {
        session(cancellation: cancellation).runToEnd()
    }

    /// One line per step: `  id  reused  key matches` / `  id  ran  script changed`, then a summary.
    public static func lines(_ result: FlowRunResult, source: ResumeSource, colored: Bool = false) -> [String] {
        var rows: [[String]] = []
        var reusedCount = 0
        var ranCount = 0
        for step in result.steps {
            let decision = source.decision(stepID: step.id, place: step.place)
            let reused = step.state == .cached
            let outcome: String
            switch step.state {
            case .cached: outcome = "reused"
            case .skipped: outcome = "skipped"
            case .failed: outcome = "ran, failed"
            default: outcome = "ran"
            }
            if reused { reusedCount += 1 } else if step.state != .skipped { ranCount += 1 }
            let reason = decision?.reason ?? FlowRunResult.reasonWithoutRecord(step)
            let name = step.place.isEmpty ? step.id : "\(step.id) @ \(step.place)"
            rows.append([name, outcome, reason, step.error.map { RunDetail.firstLine($0.message) } ?? ""])
        }
        var lines: [String] = []
        if !rows.isEmpty {
            let table = RunListing.alignedTable(header: ["STEP", "REUSED/RAN", "WHY", "ERROR"], rows: rows, colored: colored) {
                column, text in
                column == 1 ? (text == "reused" ? .function : text.hasSuffix("failed") ? .error : nil) : nil
            }
            lines += table.split(separator: "\n").map(String.init)
        }
        let run = result.runID ?? "(not recorded)"
        lines.append(
            "resumed \(source.original) as \(run): \(result.status.rawValue); \(reusedCount) reused, \(ranCount) ran")
        return lines
    }
}

@available(*, unavailable)
extension FlowResume: Sendable {}

extension FlowRunResult {
    /// How the run ended, with its error if it has one (`failed: the script exited with status 3`):
    /// what a prompt command that ran it says when it did not succeed.
    var ending: String { status.rawValue + (error.map { ": \($0.message)" } ?? "") }
}
