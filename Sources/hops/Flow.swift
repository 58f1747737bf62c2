import ArgumentParser
import Foundation
import HopsFlow
import HopsLang
import HopsRun
import HopsShell
import HopsStore

/// `hops flow run|show PATH`: running a whole flow, and printing one as a tree.
struct FlowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flow",
        abstract: "Run a flow from the command line, or show it as a tree of steps.",
        subcommands: [FlowRun.self, FlowShow.self])
}

/// `hops flow run PATH -i key=value … [--json] [--store P]`.
struct FlowRun: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a whole flow; the exit status is 0 only when it succeeds.",
        discussion: """
            Each step's state and time are shown on standard error as it runs (in place on a terminal). \
            The run is recorded in the store: --store, else HOPS_STORE, else <repo>/.hops/hops.db. \
            Exit status: 0 succeeded, 1 failed, 2 the flow does not load, 130 interrupted.
            """)

    @Argument(help: "The flow: a seed .yaml file, a flow.yaml, or a .flow / __flow folder.")
    var path: String

    @Option(name: [.customShort("i"), .customLong("input")], help: "An input as key=value; the value is JSON when it parses, else text.")
    var inputs: [String] = []

    @Flag(name: .long, help: "Print one JSON object: run, status, result, error, steps.")
    var json = false

    @Option(name: .long, help: "The run store to record into.")
    var store: String?

    @Flag(name: .long, help: "Run every deno and python3 step in a fresh process instead of the script's warm one.")
    var isolate = false

    func run() throws {
        let loaded = FlowLoader.read(path: path)
        let colored = Terminal.useColor(on: STDERR_FILENO)
        for diagnostic in loaded.diagnostics { Terminal.writeError(diagnostic.rendered(colored: colored) + "\n") }
        guard let flow = loaded.flow, loaded.errors.isEmpty else { throw ExitCode(2) }
        let root = FlowFiles.repositoryRoot(ofFlowAt: path)
        // The first scripts' runtimes start now, while the store opens and the inputs are read.
        let runner = ScriptRunner(repositoryRoot: root, isolate: isolate)
        runner.warm?.prewarm(flow)
        let values: ObjectValue
        do {
            values = try FlowInputValues.parse(inputs)
        } catch {
            Terminal.writeError("error: \(error)\n")
            throw ExitCode(2)
        }
        var runStore: RunStore?
        do {
            runStore = try StoreLocation.open(option: store, near: root)
        } catch {
            // A store asked for by name must work; the default one may be missing on a read-only checkout.
            Terminal.writeError("\(store == nil ? "warning" : "error"): \(error)\n")
            if store != nil { throw ExitCode(1) }
        }
        let progress = FlowProgress()
        let cancellation = Cancellation()
        Interrupts.install()
        Interrupts.clear()
        let watcher = InterruptWatcher(cancellation: cancellation)
        watcher.start()
        progress.start()
        let executor = FlowExecutor(
            flow: flow, runner: runner,
            options: ExecutionOptions(store: runStore, onEvent: progress.handler, cancellation: cancellation))
        let result = executor.run(inputs: values)
        progress.stop()
        watcher.stop()
        report(result)
        switch result.status {
        case .succeeded: return
        case .failed: throw ExitCode(1)
        case .cancelled: throw ExitCode(130)
        }
    }

    private func report(_ result: FlowRunResult) {
        let redactor = SecretRedactor(secrets: result.secretValues)
        if json {
            Terminal.writeOutput(redactor.redact(result.value.jsonString(indent: 2) ?? "{}") + "\n")
            if let error = result.error { Terminal.writeError(redactor.redact("error: \(error.description)") + "\n") }
            return
        }
        let run = result.runID.map { " (run \($0))" } ?? ""
        let early = result.stoppedEarly ? ", stopped early" : ""
        Terminal.writeError("flow \(result.status.rawValue) in \(FlowProgress.duration(result.duration))\(early)\(run)\n")
        if let error = result.error {
            Terminal.writeError(redactor.redact("error: \(error.description)") + "\n")
            return
        }
        if let value = result.result {
            let text = ValueRenderer(colored: Terminal.useColor(on: STDOUT_FILENO)).render(value)
            Terminal.writeOutput(redactor.redact(text) + "\n")
        }
    }
}

/// `hops flow show PATH`: the flow as a tree, with what reading it found.
struct FlowShow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print a flow as a tree of steps, with its warnings and errors.",
        discussion: "Exit status: 0 when the flow loads, 2 when it has errors (the tree shows what could be read).")

    @Argument(help: "The flow: a seed .yaml file, a flow.yaml, or a .flow / __flow folder.")
    var path: String

    func run() throws {
        let loaded = FlowLoader.read(path: path)
        let colored = Terminal.useColor(on: STDERR_FILENO)
        for diagnostic in loaded.diagnostics { Terminal.writeError(diagnostic.rendered(colored: colored) + "\n") }
        if let flow = loaded.flow { Terminal.writeOutput(flow.treeDescription() + "\n") }
        if loaded.flow == nil || !loaded.errors.isEmpty { throw ExitCode(2) }
    }
}
