import ArgumentParser
import Foundation
import HopsFlow
import HopsShell

/// `hops export FLOW --to seed|windmill --out DIR [--branch NAME]`: writes a flow that passes check.
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        _superCommandName: "hops",
        abstract: "Write a flow into a tree, in the seed format or the wmill layout, after it passes check.",
        discussion: """
            A flow with check errors is refused: its problems are printed and nothing is written. \
            With --branch, a new branch is made from HEAD of the tree's repository and only the \
            exported files are committed on it; other changes in the working tree stay as they are.
            """)

    @Argument(help: "The flow: a seed .yaml file, a flow.yaml, or a .flow / __flow folder.")
    var path: String

    @Option(name: .long, help: "seed (windmill/flows/<category>/<name>.yaml) or windmill (f/<folder>/<name>.flow/).")
    var to: String

    @Option(name: .long, help: "The root of the tree to write into (default: the repository).")
    var out: String?

    @Option(name: .long, help: "The seed category or Windmill folder (default: from the flow).")
    var group: String?

    @Option(name: .long, help: "The exported flow's name (default: the flow's own).")
    var name: String?

    @Option(name: .long, help: "Create this branch and commit only the exported files on it.")
    var branch: String?

    func run() throws {
        guard let format = ExportFormat(rawValue: to) else {
            Terminal.writeError("error: --to takes seed or windmill, not '\(to)'\n")
            throw ExitCode(64)
        }
        let flow: Flow
        do {
            flow = try FlowLoader.load(path: path)
        } catch {
            Terminal.writeError("\(error)\n")
            throw ExitCode(1)
        }
        let colored = Terminal.useColor(on: STDERR_FILENO)
        do {
            let lines = try FlowExport.run(flow, format: format, into: out, branch: branch, group: group, name: name)
            for line in lines { Terminal.writeOutput(line + "\n") }
        } catch let error as FlowExportError {
            if case .checkFailed(let report) = error {
                Terminal.writeError(report.rendered(colored: colored) + "\nerror: the flow does not pass check; nothing was written\n")
            } else {
                Terminal.writeError("error: \(error)\n")
            }
            throw ExitCode(1)
        } catch {
            Terminal.writeError("error: \(error)\n")
            throw ExitCode(1)
        }
    }
}
