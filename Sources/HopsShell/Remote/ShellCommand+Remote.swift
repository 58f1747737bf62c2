import Foundation
import HopsFlow
import HopsRun
import HopsRemote
import HopsStore

/// The Windmill server a prompt session talks to, chosen with `:remote`.
final class RemoteSelection {
    let target: RemoteTarget
    init(target: RemoteTarget) { self.target = target }
}

@available(*, unavailable)
extension RemoteSelection: Sendable {}

extension Shell {
    static let remoteKey = "remote.target"

    /// The session's remote: the one `:remote` chose, else the active wmill profile.
    func remoteClient() throws -> WindmillClient {
        let target = try (attachments[Shell.remoteKey] as? RemoteSelection)?.target
            ?? RemoteTarget.resolve(remote: nil, workspace: nil)
        return try WindmillClient(target: target)
    }
}

extension ShellCommand {
    /// The commands on a Windmill server: `:remote`, `:push`, `:import`.
    public static var remoteCommands: [ShellCommand] { [.remote, .push, .importJob] }

    /// `:remote [NAME|URL] [--workspace ID]`: chooses the server for this session and shows who you are there.
    public static let remote = ShellCommand(
        name: "remote", usage: ":remote [NAME|URL] [--workspace ID]",
        summary: "Choose the Windmill server of this session (a wmill profile or a URL) and show the user there",
        action: { shell, arguments in
            var words = arguments.split(separator: " ").map(String.init)
            var workspace: String?
            if let index = words.firstIndex(of: "--workspace") {
                guard index + 1 < words.count else { throw CommandError("usage: :remote [NAME|URL] [--workspace ID]") }
                workspace = words[index + 1]
                words.removeSubrange(index...(index + 1))
            }
            guard words.count <= 1 else { throw CommandError("usage: :remote [NAME|URL] [--workspace ID]") }
            if words.first != nil || workspace != nil {
                let target = try RemoteTarget.resolve(remote: words.first, workspace: workspace)
                shell.attachments[Shell.remoteKey] = RemoteSelection(target: target)
            }
            let client = try shell.remoteClient()
            let identity = try RemoteIdentity.fetch(client)
            shell.print(identity.lines.joined(separator: "\n"))
            return .continue
        })

    /// `:push [PATH…] [--dry-run]`: pushes the wmill tree (or some of it) after check.
    public static let push = ShellCommand(
        name: "push", usage: ":push [PATH…] [--dry-run]", summary: "Push scripts and flows to the session's Windmill server, after check",
        action: { shell, arguments in
            var paths = arguments.split(separator: " ").map(String.init)
            let dryRun = paths.contains("--dry-run")
            paths.removeAll { $0 == "--dry-run" }
            let tree = try WmillTree.find(from: paths.first ?? FileManager.default.currentDirectoryPath)
            let items = try tree.items(under: paths)
            let failing = Push.checkErrors(items, repositoryRoot: FlowFiles.repositoryRoot(from: tree.root))
            if !failing.isEmpty {
                for (_, report) in failing { shell.print(report.rendered(colored: shell.renderer.colored)) }
                throw CommandError("\(failing.map(\.0.path).joined(separator: ", ")) did not pass check; nothing was pushed")
            }
            let push = Push(client: try shell.remoteClient(), tree: tree)
            let actions = try push.plan(items)
            if !dryRun { try push.apply(actions) }
            for action in actions where action.change != .unchanged { shell.print(Push.line(action, dryRun: dryRun)) }
            shell.print((dryRun ? "dry run: " : "") + Push.summary(actions))
            return .continue
        })

    /// `:import [JOB]`: a finished flow job of the server (default: the newest failed run), recorded as a local run.
    public static let importJob = ShellCommand(
        name: "import", usage: ":import [JOB]",
        summary: "Import a finished flow run from the session's Windmill server (default: its newest failed run)",
        action: { shell, arguments in
            var job = arguments.trimmingCharacters(in: .whitespaces)
            guard !job.contains(" ") else { throw CommandError("usage: :import [JOB]") }
            let client = try shell.remoteClient()
            if job.isEmpty {
                let newest = try RemoteRunListing.fetch(client, failed: true, flow: nil, since: nil, limit: 1)
                guard let found = newest.first else { throw CommandError("no failed flow run on the server to import") }
                job = found.job
            }
            let store = try shell.runStore()
            let imported = try RemoteImport.perform(
                job: job, client: client, store: store,
                tree: try? WmillTree.find(from: FileManager.default.currentDirectoryPath),
                repositoryRoot: FlowFiles.repositoryRoot())
            shell.print(imported.lines.joined(separator: "\n"))
            return .continue
        })

    /// `:runs --remote [--failed] [--flow PATH] [--since AGE] [N]`: the server's flow runs.
    static func remoteRuns(_ shell: Shell, _ words: [String]) throws {
        var failed = false
        var flow: String?
        var since: Date?
        var limit = 20
        var index = 0
        while index < words.count {
            let word = words[index]
            switch word {
            case "--remote": break
            case "--failed": failed = true
            case "--flow", "--since":
                guard index + 1 < words.count else { throw CommandError("\(word) needs a value") }
                index += 1
                if word == "--flow" {
                    flow = words[index]
                } else {
                    guard let seconds = RemoteRunListing.parseAge(words[index]) else {
                        throw CommandError("--since takes an age such as 30m, 12h or 2d, not '\(words[index])'")
                    }
                    since = Date().addingTimeInterval(-seconds)
                }
            default:
                guard let number = Int(word), number > 0 else {
                    throw CommandError("usage: :runs --remote [--failed] [--flow PATH] [--since AGE] [N]")
                }
                limit = number
            }
            index += 1
        }
        let client = try shell.remoteClient()
        let rows = try RemoteRunListing.fetch(client, failed: failed, flow: flow, since: since, limit: limit)
        shell.print(RemoteRunListing.table(rows))
    }
}

extension ShellCommand {
    /// `:run --remote`: the loaded flow (a .flow folder) with the session's inputs on the server's
    /// workers, each step shown as it ends, then recorded in the session's store with its job id.
    static func runRemotely(_ loaded: FlowStepper, in shell: Shell) throws {
        let client = try shell.remoteClient()
        let tree = try WmillTree.find(from: loaded.path)
        let remoteRun = RemoteFlowRun(client: client, tree: tree)
        let started = try remoteRun.start(folder: WmillTree.absolute(loaded.path), arguments: loaded.session.inputs)
        shell.print("running \(started.path) on \(client.target.baseURL) (\(started.mode.rawValue)), job \(started.job)")
        let progress = FlowProgress(live: false, colored: shell.renderer.colored)
        let cancellation = Cancellation()
        let watcher = InterruptWatcher(cancellation: cancellation)
        watcher.start()
        defer { watcher.stop() }
        try remoteRun.follow(job: started.job, cancellation: cancellation) { progress.handle($0) }
        let imported = try RemoteImport.perform(
            job: started.job, client: client, store: try shell.runStore(), tree: tree,
            repositoryRoot: FlowFiles.repositoryRoot(ofFlowAt: loaded.path))
        let runID = imported.runID
        let result = imported.run.flowRunResult(runID: runID)
        shell.print("flow \(result.status.rawValue) on the server (run \(runID), job \(started.job))")
        if let error = result.error { throw CommandError(error.description) }
        if let value = result.result { shell.print(shell.renderer.render(value)) }
    }
}
