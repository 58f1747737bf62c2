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
        let flow: Flow
        do {
            flow = try FlowLoader.load(path: path)
        } catch {
            Terminal.writeError("\(error)\n")
            throw ExitCode(1)
        }
        var values = ObjectValue()
        for input in inputs {
            guard let equals = input.firstIndex(of: "="), equals != input.startIndex else {
                Terminal.writeError("error: an input is key=value, not '\(input)'\n")
                throw ExitCode(64)
            }
            let text = String(input[input.index(after: equals)...])
            values[String(input[..<equals])] = (try? Value(parsingJSON: text)) ?? .string(text)
        }
        // The repository of the flow: its scripts, resources and store.
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        let root = FlowFiles.repositoryRoot(from: (absolute as NSString).deletingLastPathComponent)
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
