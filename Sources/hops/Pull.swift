import ArgumentParser
import Foundation
import HopsFlow
import HopsRemote
import HopsShell

/// `hops pull PATH…`: flows and scripts from the server into the tree, through the export writer.
struct PullCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pull",
        _superCommandName: "hops",
        abstract: "Bring flows and scripts from a Windmill server into the tree in the wmill layout.",
        discussion: """
            Each PATH is a Windmill path (f/folder/name). A flow is written by the same writer as \
            `hops export --to windmill` (checked first; refused with its problems when it has \
            errors), so a change made in the Windmill UI comes back to Git; --branch puts it on a \
            new branch with a commit, as export does. Example: hops pull f/homeops/system_health --remote prod
            """)

    @Argument(help: "Windmill paths of flows or scripts.")
    var paths: [String]

    @OptionGroup var remote: RemoteOptions

    @Option(name: .long, help: "Create this branch and commit only the pulled flow's files on it.")
    var branch: String?

    func run() throws {
        let client = try remote.client()
        let tree = try RemoteCommand.answer { () throws(RemoteError) in
            try WmillTree.find(from: FileManager.default.currentDirectoryPath)
        }
        let items = try RemoteCommand.answer { () throws(RemoteError) in try RemotePull.fetch(client, paths: paths) }
        var failed = false
        for item in items {
            let parts = item.path.split(separator: "/").map(String.init)
            switch item.kind {
            case .script:
                for file in RemotePull.scriptFiles(item.value, path: item.path, root: tree.root, defaultTs: tree.defaultTs) {
                    do {
                        try FileManager.default.createDirectory(
                            atPath: (file.path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                        try file.text.write(toFile: file.path, atomically: true, encoding: .utf8)
                        Terminal.writeOutput("wrote \(FlowFiles.displayPath(file.path))\n")
                    } catch {
                        Terminal.writeError("error: cannot write \(file.path): \(error.localizedDescription)\n")
                        failed = true
                    }
                }
            case .flow:
                guard parts.count >= 3, parts[0] == "f" else {
                    Terminal.writeError("error: \(item.path): only f/<folder>/<name> flows can be written into the tree\n")
                    failed = true
                    continue
                }
                let file = tree.root + "/" + item.path + ".flow/flow.yaml"
                let loaded = FlowLoader.read(text: RemotePull.flowDocument(item.value), file: file)
                guard var flow = loaded.flow, loaded.errors.isEmpty else {
                    for diagnostic in loaded.diagnostics { Terminal.writeError(diagnostic.rendered(colored: false) + "\n") }
                    failed = true
                    continue
                }
                flow.name = item.path
                do {
                    let lines = try FlowExport.run(
                        flow, format: .windmill, into: tree.root, branch: branch,
                        group: parts[1..<(parts.count - 1)].joined(separator: "/"), name: parts[parts.count - 1])
                    for line in lines { Terminal.writeOutput(line + "\n") }
                } catch let error as FlowExportError {
                    if case .checkFailed(let report) = error {
                        Terminal.writeError(report.rendered(colored: false) + "\nerror: \(item.path) does not pass check; nothing was written\n")
                    } else {
                        Terminal.writeError("error: \(error)\n")
                    }
                    failed = true
                }
            }
        }
        if failed { throw ExitCode(1) }
    }
}
