import Foundation
import HopsRun
import HopsStore

/// Importing a finished flow job into the local store, tied to the local flow of the same path.
public struct RemoteImport {
    public let run: ImportedRun
    public let runID: RunID
    /// The local flow folder it is tied to, relative to the repository; nil when there is none.
    public let source: String?
    /// Steps that differ between the local flow and the one that ran.
    public let differingSteps: [String]

    /// Whether the job was already in the store (made here with `--remote`, or imported before).
    public let alreadyRecorded: Bool

    /// Downloads job `id` and records it in `store`, unless a finished run of it is there already;
    /// `repositoryRoot` is where local flows are looked for.
    public static func perform(
        job id: String, client: WindmillClient, store: RunStore, tree: WmillTree?, repositoryRoot: String
    ) throws -> RemoteImport {
        let run = try JobImport(client: client).run(id)
        let existing = try store.run(remoteJob: id)
        var source: String?
        var sourceHash: String?
        var differing: [String] = []
        if let tree {
            for suffix in [".flow", "__flow"] {
                let folder = tree.root + "/" + run.flowPath + suffix
                guard FileManager.default.fileExists(atPath: folder + "/flow.yaml") else { continue }
                let root = (repositoryRoot as NSString).standardizingPath
                source = folder.hasPrefix(root + "/") ? String(folder.dropFirst(root.count + 1)) : folder
                sourceHash = FileManager.default.contents(atPath: folder + "/flow.yaml").map { CacheKey.contentHash($0) }
                if let local = try? tree.flow(folder: folder), let value = local.fields["value"] {
                    differing = run.differingSteps(local: value)
                }
                break
            }
        }
        if let existing {
            return RemoteImport(run: run, runID: existing, source: source, differingSteps: differing, alreadyRecorded: true)
        }
        let runner = ScriptRunner(repositoryRoot: repositoryRoot)
        let runID = try run.record(in: store, source: source, sourceHash: sourceHash) { runner.runnerIdentity(for: $0) }
        return RemoteImport(run: run, runID: runID, source: source, differingSteps: differing, alreadyRecorded: false)
    }

    /// `imported job … as run r-…`, the local flow it is tied to, and the steps that differ.
    public var lines: [String] {
        var lines = [
            (alreadyRecorded ? "already recorded: job \(run.jobID)" : "imported job \(run.jobID)")
                + " (\(run.flowPath), \(run.succeeded ? "succeeded" : run.canceled ? "cancelled" : "failed"), "
                + "\(run.steps.count) step\(run.steps.count == 1 ? "" : "s")) as run \(runID)"
        ]
        if let source {
            lines.append(
                differingSteps.isEmpty
                    ? "tied to \(source): the same steps as ran"
                    : "tied to \(source); the local flow differs at: \(differingSteps.joined(separator: ", "))")
        } else {
            lines.append("no local flow for \(run.flowPath): show and replay work, resume needs the flow folder")
        }
        return lines
    }
}
