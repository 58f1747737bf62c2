import ArgumentParser
import Foundation
import HopsFlow
import HopsLang
import HopsRun
import HopsShell
import HopsStore

/// `hops dry-run FLOW -i key=value …`: the plan of a run, executing nothing.
struct DryRun: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dry-run",
        _superCommandName: "hops",
        abstract: "Plan a flow run without executing anything.",
        discussion: """
            Each step's result comes from its mock, else from the run store's most recent result \
            for the same cache key, else is unknown. The plan says which steps would run, be \
            skipped, loop how often or take which branch, and which decisions depend on unknown \
            results. The store is --store, else HOPS_STORE, else <repo>/.hops/hops.db; a missing \
            store is not created.
            """)

    @Argument(help: "The flow: a seed .yaml file, a flow.yaml, or a .flow / __flow folder.")
    var path: String

    @Option(name: [.customShort("i"), .customLong("input")], help: "An input as key=value; the value is JSON when it parses, else text.")
    var inputs: [String] = []

    @Option(name: .long, help: "The run store to read cached results from.")
    var store: String?

    @Flag(name: .long, help: "Print the plan as one JSON document.")
    var json = false

    func run() throws {
        // The repository of the flow: its scripts, resources and store.
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        let root = FlowFiles.repositoryRoot(from: (absolute as NSString).deletingLastPathComponent)
        let flow = try CheckedFlow.load(path, repositoryRoot: root)
        let values: ObjectValue
        do {
            values = try FlowInputValues.bind(inputs, to: flow, allowMissing: true)
        } catch {
            Terminal.writeError(error is FlowInputs.Problems ? "\(error)\n" : "error: \(error)\n")
            throw ExitCode(2)
        }
        let runStore: RunStore?
        do {
            runStore = try StoreLocation.openExisting(option: store, near: root)
        } catch {
            Terminal.writeError("error: \(error)\n")
            throw ExitCode(StoreCommand.storeFailure)
        }
        let plan = DryRunPlanner(flow: flow, repositoryRoot: root, store: runStore).plan(inputs: values)
        if json {
            Terminal.writeOutput((plan.json().jsonString(indent: 2) ?? "{}") + "\n")
        } else {
            Terminal.writeOutput(plan.rendered() + "\n")
        }
    }
}
