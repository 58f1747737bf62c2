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
        commandName: "check",
        _superCommandName: "hops",
        abstract: "Check flows: structure, expressions, step references, scripts and arguments, schedules, secrets.",
        discussion: """
            Without a path, every flow under windmill/ of the repository is checked: seed flows \
            (windmill/flows/**/*.yaml) and wmill flows (*.flow and *__flow folders). Problems are \
            printed as file:line:col: error|warning: message, or in the --format a CI system reads. \
            Exit status: 0 no errors (warnings alone leave it 0), 1 a flow has an error, 2 a usage \
            error or a path that does not exist.

            Example: hops check --format github windmill/flows/monitoring/system-health.yaml
            """)

    @Option(help: "text, json (one object per finding and line), github (workflow commands) or sarif (SARIF 2.1.0).")
    var format: FlowCheckFormat = .text

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
                throw ExitCode(2)
            }
        } else {
            for path in paths {
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                    Terminal.writeError("error: no such file or folder: \(path)\n")
                    throw ExitCode(2)
                }
                let isFlowFolder = FileManager.default.fileExists(atPath: (path as NSString).appendingPathComponent("flow.yaml"))
                if isDirectory.boolValue, !isFlowFolder {
                    let found = FlowFiles.flows(under: path)
                    files += found.isEmpty ? [path] : found
                } else {
                    files.append(path)
                }
            }
        }
        let output = FlowCheckOutput.check(paths: files, repositoryRoot: root)
        Terminal.writeOutput(
            output.rendered(format, colored: Terminal.useColor(on: STDOUT_FILENO), toolVersion: BuildInfo.version))
        // The summary of a machine-readable format goes where a consumer of standard output does not read.
        if format == .json || format == .sarif { Terminal.writeError(output.summary.line + "\n") }
        if output.summary.errors > 0 { throw ExitCode(1) }
    }
}

extension FlowCheckFormat: ExpressibleByArgument {}
