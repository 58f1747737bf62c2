import ArgumentParser
import Foundation
import HopsShell

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `hops check [PATH…]`: validates flows without running them; exit 1 when any has an error.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check flows: structure, expressions, step references, scripts and arguments, schedules, secrets.",
        discussion: """
            Without a path, every flow under windmill/ of the repository is checked: seed flows \
            (windmill/flows/**/*.yaml) and wmill flows (*.flow and *__flow folders). Problems are \
            printed as file:line:col: error|warning: message. The exit status is 1 when any flow \
            has an error; warnings alone leave it 0.
            """)

    @Argument(help: "Flow files or folders; a folder without flow.yaml is searched for flows.")
    var paths: [String] = []

    func run() throws {
        let root = FlowFiles.repositoryRoot()
        var files: [String] = []
        if paths.isEmpty {
            let windmill = (root as NSString).appendingPathComponent("windmill")
            files = FlowFiles.flows(under: windmill).map(FlowFiles.displayPath)
            if files.isEmpty {
                Terminal.writeError("error: no flows under \(FlowFiles.displayPath(windmill))\n")
                throw ExitCode(1)
            }
        } else {
            for path in paths {
                var isDirectory: ObjCBool = false
                let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
                let isFlowFolder = FileManager.default.fileExists(atPath: (path as NSString).appendingPathComponent("flow.yaml"))
                if exists, isDirectory.boolValue, !isFlowFolder {
                    let found = FlowFiles.flows(under: path)
                    files += found.isEmpty ? [path] : found
                } else {
                    files.append(path)
                }
            }
        }
        let (text, summary) = FlowCheckSummary.check(
            paths: files, repositoryRoot: root, colored: Terminal.useColor(on: STDOUT_FILENO))
        Terminal.writeOutput((text.isEmpty ? "" : text + "\n") + summary.line + "\n")
        if summary.errors > 0 { throw ExitCode(1) }
    }
}
