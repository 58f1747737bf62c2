import ArgumentParser
import Foundation
import HopsFlow
import HopsLang
import HopsRemote
import HopsShell

/// `hops push [PATH…]`: the wmill tree to the server, after `hops check`.
struct PushCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "push",
        _superCommandName: "hops",
        abstract: "Push scripts and flows to a Windmill server, as `wmill sync push` does, after check.",
        discussion: """
            Without a path, the whole tree under the folder holding wmill.yaml. The flows are checked \
            first and nothing is sent when one has an error. Scripts go before the flows that use \
            them; each item is created or updated by path, and nothing is sent for an item equal to \
            the server's copy. Example: hops push --remote prod windmill/f/homeops
            """)

    @Argument(help: "Files or folders of the wmill tree (default: all of it).")
    var paths: [String] = []

    @OptionGroup var remote: RemoteOptions

    @Flag(name: .long, help: "Print the plan; send nothing.")
    var dryRun = false

    @Option(name: .long, help: "The deployment message recorded with each new version.")
    var message: String?

    @Flag(name: .long, help: "Print the result as JSON: created, updated, unchanged and the items.")
    var json = false

    func run() throws {
        let tree = try RemoteCommand.answer { () throws(RemoteError) in
            try WmillTree.find(from: paths.first ?? FileManager.default.currentDirectoryPath)
        }
        let items = try RemoteCommand.answer { () throws(RemoteError) in try tree.items(under: paths) }
        let failing = Push.checkErrors(items, repositoryRoot: FlowFiles.repositoryRoot(from: tree.root))
        if !failing.isEmpty {
            let colored = Terminal.useColor(on: STDERR_FILENO)
            for (_, report) in failing { Terminal.writeError(report.rendered(colored: colored) + "\n") }
            Terminal.writeError(
                "error: \(failing.count) flow\(failing.count == 1 ? "" : "s") did not pass check: "
                    + failing.map(\.0.path).joined(separator: ", ") + "; nothing was pushed\n")
            throw ExitCode(1)
        }
        let push = Push(client: try remote.client(), tree: tree)
        let actions = try RemoteCommand.answer { () throws(RemoteError) in try push.plan(items) }
        if !dryRun {
            try RemoteCommand.answer { () throws(RemoteError) in
                try push.apply(actions, message: message) { action in
                    if !json { Terminal.writeError(Push.line(action, dryRun: false) + "\n") }
                }
            }
        } else if !json {
            for action in actions { Terminal.writeOutput(Push.line(action, dryRun: true) + "\n") }
        }
        if json {
            Terminal.writeOutput((Push.json(actions, dryRun: dryRun).jsonString(indent: 2) ?? "{}") + "\n")
        } else {
            Terminal.writeOutput((dryRun ? "dry run: " : "") + Push.summary(actions) + "\n")
        }
    }
}
