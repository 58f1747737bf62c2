import ArgumentParser
import Foundation
import HopsFlow
import HopsLang
import HopsRemote
import HopsRun
import HopsShell
import HopsStore

/// `hops flow run FLOW --remote …`: the flow on the server's workers, followed and recorded here.
enum RemoteFlowRunCommand {
    static func run(path: String, inputs: ObjectValue, remote: RemoteOptions, store: String?) throws -> FlowRunResult {
        let client = try remote.client()
        let tree = try RemoteCommand.answer { () throws(RemoteError) in try WmillTree.find(from: path) }
        let runStore = try StoreCommand.open(store, near: path)
        let remoteRun = RemoteFlowRun(client: client, tree: tree)
        let started = try RemoteCommand.answer { () throws(RemoteError) in
            try remoteRun.start(folder: WmillTree.absolute(path), arguments: inputs)
        }
        Terminal.writeError("running \(started.path) on \(client.target.baseURL) (\(started.mode.rawValue)), job \(started.job)\n")
        let progress = FlowProgress()
        let cancellation = Cancellation()
        Interrupts.install()
        Interrupts.clear()
        let watcher = InterruptWatcher(cancellation: cancellation)
        watcher.start()
        defer {
            progress.stop()
            watcher.stop()
        }
        try RemoteCommand.answer { () throws(RemoteError) in
            try remoteRun.follow(job: started.job, cancellation: cancellation) { progress.handle($0) }
        }
        progress.stop()
        do {
            let imported = try RemoteImport.perform(
                job: started.job, client: client, store: runStore, tree: tree,
                repositoryRoot: FlowFiles.repositoryRoot(ofFlowAt: path))
            return imported.run.flowRunResult(runID: imported.runID)
        } catch {
            Terminal.writeError("error: the job finished but could not be read back or recorded: \(error)\n")
            throw ExitCode(1)
        }
    }
}

/// `hops import JOB_ID --remote …`: a finished flow job recorded as a local run.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        _superCommandName: "hops",
        abstract: "Download a finished flow run from the server and record it as a local run.",
        discussion: """
            Every step's own job comes along (args, full result, logs, error, duration; every loop \
            iteration, the branch taken, subflows). The run is tied to the local flow folder with \
            the same path, so show, replay and resume work on it; resume reuses a server result \
            when the local script is the one that ran there. Example: hops import 0191… --remote prod
            """)

    @Argument(help: "The flow job's id.")
    var job: String

    @OptionGroup var remote: RemoteOptions

    @Option(name: .long, help: "The run store (default: HOPS_STORE, else .hops/hops.db in the repository).")
    var store: String?

    func run() throws {
        let imported = try RemoteImportCommand.perform(job: job, remote: remote, store: store)
        for line in imported.lines { Terminal.writeError(line + "\n") }
        Terminal.writeOutput(imported.runID.rawValue + "\n")
    }
}

enum RemoteImportCommand {
    /// Imports `job` into the store (`--store`, else the repository's).
    static func perform(job: String, remote: RemoteOptions, store: String?) throws -> RemoteImport {
        let client = try remote.client()
        let runStore = try StoreCommand.open(store)
        let root = FlowFiles.repositoryRoot()
        let tree = try? WmillTree.find(from: FileManager.default.currentDirectoryPath)
        do {
            return try RemoteImport.perform(job: job, client: client, store: runStore, tree: tree, repositoryRoot: root)
        } catch {
            Terminal.writeError("error: \(error)\n")
            throw ExitCode(1)
        }
    }
}

/// `hops runs --remote …`: the server's top-level flow runs.
enum RemoteRunsCommand {
    static func run(remote: RemoteOptions, failed: Bool, flow: String?, since: String?, limit: Int, json: Bool) throws {
        let client = try remote.client()
        var after: Date?
        if let since {
            guard let seconds = RemoteRunListing.parseAge(since) else {
                Terminal.writeError("error: --since takes an age such as 30m, 12h or 2d, not '\(since)'\n")
                throw ExitCode(64)
            }
            after = Date().addingTimeInterval(-seconds)
        }
        let runs = try RemoteCommand.answer { () throws(RemoteError) in
            try RemoteRunListing.fetch(client, failed: failed, flow: flow, since: after, limit: limit)
        }
        if json {
            Terminal.writeOutput((RemoteRunListing.json(runs).jsonString(indent: 2) ?? "[]") + "\n")
        } else {
            Terminal.writeOutput(RemoteRunListing.table(runs) + "\n")
        }
    }
}
