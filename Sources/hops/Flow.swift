import ArgumentParser
import Foundation
import HopsFlow
import HopsLang
import HopsRun
import HopsShell
import HopsStore
import Synchronization

/// `hops flow run|show PATH`: running a whole flow, and printing one as a tree.
struct FlowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flow",
        _superCommandName: "hops",
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
            Exit status: 0 succeeded, 1 failed, 2 the flow does not load, 74 the store cannot be \
            written, 128+N ended by signal N (130 Ctrl-C, 143 SIGTERM, 129 SIGHUP).
            """)

    @Argument(help: "The flow: a seed .yaml file, a flow.yaml, or a .flow / __flow folder.")
    var path: String

    @Option(name: [.customShort("i"), .customLong("input")], help: "An input as key=value; the value is JSON when it parses, else text.")
    var inputs: [String] = []

    @Flag(name: .long, help: "Print one JSON object: run, status, result, error, steps.")
    var json = false

    @Option(name: .long, help: "The run store to record into.")
    var store: String?

    @OptionGroup var answers: ApprovalOptions

    @Option(name: .long, help: "Start the flow as this trigger would (webhook, http, ...): its preprocessor runs first.")
    var trigger: String?

    @Option(name: .long, help: "With --trigger: the event's body, a JSON file (or text), - for standard input.")
    var body: String?

    @OptionGroup(title: "Running on a Windmill server (with --remote)") var remote: RemoteOptions

    @Flag(name: .long, help: "Run every deno and python3 step in a fresh process instead of the script's warm one.")
    var isolate = false

    func run() throws {
        if remote.remote != nil {
            try runRemotely()
            return
        }
        let (root, loaded, runner) = Self.takeEarlyStart(path: path, isolate: isolate) ?? Self.start(path: path, isolate: isolate)
        let flow = try CheckedFlow.load(loaded, path: path, repositoryRoot: root)
        var values = ObjectValue()
        var triggered: Trigger?
        do {
            if let trigger {
                // The preprocessor makes the inputs from the event; the schema applies to what it returns.
                guard flow.preprocessorModule != nil else {
                    throw ValidationError("--trigger: the flow has no preprocessor_module; give its inputs with -i")
                }
                triggered = Trigger(kind: trigger, body: try FlowRun.readBody(body))
            } else {
                if body != nil { throw ValidationError("--body goes with --trigger KIND") }
                values = try FlowInputValues.bind(inputs, to: flow)
            }
        } catch {
            Terminal.writeError(error is FlowInputs.Problems ? "\(error)\n" : "error: \(error)\n")
            throw ExitCode(2)
        }
        let approval = try answers.approval()
        var runStore: RunStore?
        do {
            runStore = try StoreLocation.open(option: store, near: root)
        } catch {
            // A store asked for by name must work; the default one may be missing on a read-only checkout.
            Terminal.writeError("\(store == nil ? "warning" : "error"): \(error)\n")
            if store != nil { throw ExitCode(StoreCommand.storeFailure) }
        }
        let progress = FlowProgress()
        let cancellation = Cancellation()
        ProcessSupervisor.setSignalHandler(Self.interruptHandler(cancellation))
        defer { ProcessSupervisor.setSignalHandler(nil) }
        let executor = FlowExecutor(
            flow: flow, runner: runner,
            options: {
                var options = ExecutionOptions(store: runStore, onEvent: progress.handler, cancellation: cancellation)
                options.approval = approval
                options.trigger = triggered
                return options
            }())
        let result = executor.run(inputs: values)
        progress.stop()
        report(result)
        if result.status == .cancelled { throw ExitCode(128 + (cancellation.signal ?? SIGINT)) }
        if let storeError = result.storeError {
            // A run that fails on it has said so already; one whose last write failed has not.
            if result.error == nil { Terminal.writeError("error: the run cannot be recorded: \(storeError)\n") }
            throw ExitCode(StoreCommand.storeFailure)
        }
        if result.status == .waiting { throw ExitCode(3) }
        if result.status == .failed { throw ExitCode(1) }
    }

    /// The flow at `path` read, and the runtimes of its first scripts started: they start up while
    /// the flow is checked, the store opens and the inputs are read. A flow the check refuses stops them.
    static func start(path: String, isolate: Bool) -> Started {
        let root = FlowFiles.repositoryRoot(ofFlowAt: path)
        let loaded = FlowLoader.read(path: path, cache: .home)
        let runner = ScriptRunner(repositoryRoot: root, isolate: isolate)
        if let flow = loaded.flow { runner.warm?.prewarm(flow) }
        return (root, loaded, runner)
    }

    typealias Started = (root: String, loaded: FlowLoadResult, runner: ScriptRunner)

    /// What `startEarly` started, and for which path.
    private static let earlyStart = Mutex<(path: String, started: Started)?>(nil)

    /// `start` for `hops flow run PATH …`, done before the arguments are parsed: parsing them costs
    /// more than reading a small flow, and a runtime's start-up (Deno's, 15 ms) is what a one-step
    /// run waits for. Only when PATH comes first; not when an option that runs no warm process
    /// (`--isolate`, `--remote`) is there, since its processes would only be stopped again.
    static func startEarly(_ arguments: [String]) {
        guard arguments.count > 2, arguments[0] == "flow", arguments[1] == "run", !arguments[2].hasPrefix("-"),
            !arguments.contains("--isolate"), !arguments.contains(where: { $0.hasPrefix("--remote") })
        else { return }
        let started = start(path: arguments[2], isolate: false)
        earlyStart.withLock { $0 = (arguments[2], started) }
    }

    /// What `startEarly` started, when it is what this command would start; else nothing (and
    /// the processes it started stop).
    private static func takeEarlyStart(path: String, isolate: Bool) -> Started? {
        guard let early = earlyStart.withLock({ early in defer { early = nil }; return early }) else { return nil }
        return early.path == path && !isolate ? early.started : nil
    }

    /// SIGINT, SIGTERM or SIGHUP: the first ends the running steps (SIGTERM, then SIGKILL after a
    /// grace period) and lets the run be recorded as interrupted; the second kills them at once;
    /// a third exits without waiting.
    static func interruptHandler(_ cancellation: Cancellation) -> @Sendable (Int32) -> Void {
        let received = Mutex(0)
        return { signal in
            let count = received.withLock { count -> Int in
                count += 1
                return count
            }
            switch count {
            case 1:
                Terminal.writeError("\ninterrupted: ending the running steps (again to force)\n")
                cancellation.cancel(signal: signal)
            case 2:
                cancellation.cancel(signal: signal)
            default:
                ProcessSupervisor.exitEndingEverything(signal: signal)
            }
        }
    }

    /// The event body of `--body`: a file's JSON (or text), `-` for standard input, nothing for `{}`.
    static func readBody(_ body: String?) throws -> Value {
        guard let body else { return .object(ObjectValue()) }
        let data = body == "-" ? FileHandle.standardInput.readDataToEndOfFile() : FileManager.default.contents(atPath: body)
        guard let data else { throw ValidationError("--body: cannot read \(body)") }
        let text = String(decoding: data, as: UTF8.self)
        return (try? Value(parsingJSON: text)) ?? .string(text)
    }

    /// The flow on the server's workers, reported and recorded as a local run is.
    private func runRemotely() throws {
        // The local definition is checked, and its schema governs the inputs, as for a local run.
        let flow = try CheckedFlow.load(path, repositoryRoot: FlowFiles.repositoryRoot(ofFlowAt: path))
        let values: ObjectValue
        do {
            values = try FlowInputValues.bind(inputs, to: flow)
        } catch {
            Terminal.writeError(error is FlowInputs.Problems ? "\(error)\n" : "error: \(error)\n")
            throw ExitCode(2)
        }
        let result = try RemoteFlowRunCommand.run(path: path, inputs: values, remote: remote, store: store)
        report(result)
        switch result.status {
        case .succeeded: return
        case .failed: throw ExitCode(1)
        case .cancelled: throw ExitCode(130)
        case .waiting: throw ExitCode(3)
        }
    }

    private func report(_ result: FlowRunResult) {
        if json {
            let report = result.value
            Terminal.writeOutput((report.jsonString(indent: 2) ?? "{}") + "\n")
            keepUntilExit(report)
            if let error = result.error { Terminal.writeError("error: \(error.description)" + "\n") }
            return
        }
        let run = result.runID.map { " (run \($0))" } ?? ""
        if result.status == .waiting, let error = result.error {
            Terminal.writeError("flow waiting for approval after \(FlowProgress.duration(result.duration))\(run)\n")
            Terminal.writeError(error.message + "\n")
            if let id = result.runID { Terminal.writeError("continue it with: hops resume \(id) --approve (or --reject)\n") }
            return
        }
        let early = result.stoppedEarly ? ", stopped early" : ""
        let status = result.status == .cancelled ? "interrupted" : result.status.rawValue
        Terminal.writeError("flow \(status) in \(FlowProgress.duration(result.duration))\(early)\(run)\n")
        if let error = result.error {
            Terminal.writeError("error: \(error.description)" + "\n")
            return
        }
        if let value = result.result {
            let text = ValueRenderer(colored: Terminal.useColor(on: STDOUT_FILENO)).render(value)
            Terminal.writeOutput(text + "\n")
        }
    }
}

/// `hops flow show PATH`: the flow as a tree, with what reading it found.
struct FlowShow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print a flow as a tree of steps, with its warnings and errors.",
        discussion: """
            With --mermaid, the flow as a Mermaid flowchart to paste into a README or a pull request \
            (loops as subgraphs, branches as decisions). Exit status: 0 when the flow loads, 2 when \
            it has errors (the tree shows what could be read).

            Example: hops flow show windmill/flows/monitoring/system-health.yaml --mermaid
            """)

    @Argument(help: "The flow: a seed .yaml file, a flow.yaml, or a .flow / __flow folder.")
    var path: String

    @Flag(help: "Print a Mermaid flowchart instead of the tree.")
    var mermaid = false

    func run() throws {
        let report = CheckedFlow.check(path, repositoryRoot: FlowFiles.repositoryRoot(ofFlowAt: path))
        if let flow = report.flow { Terminal.writeOutput((mermaid ? flow.mermaidGraph() : flow.treeDescription()) + "\n") }
        if report.flow == nil || report.hasErrors { throw ExitCode(2) }
    }
}

/// A flow loaded and checked as `hops check` checks it, for the commands that show, plan or run it:
/// they print the same diagnostics and refuse what check calls an error.
enum CheckedFlow {
    /// The check's report, its diagnostics written to standard error.
    static func check(_ path: String, repositoryRoot: String) -> FlowCheckReport {
        check(FlowLoader.read(path: path, cache: .home), repositoryRoot: repositoryRoot)
    }

    /// `check(_:repositoryRoot:)` of a flow already read.
    static func check(_ loaded: FlowLoadResult, repositoryRoot: String) -> FlowCheckReport {
        let report = FlowChecker.check(loaded, repositoryRoot: repositoryRoot)
        let colored = Terminal.useColor(on: STDERR_FILENO)
        for diagnostic in report.diagnostics { Terminal.writeError(diagnostic.rendered(colored: colored) + "\n") }
        return report
    }

    /// The flow, or exit status 2 when it does not load or check finds an error in it.
    static func load(_ path: String, repositoryRoot: String) throws -> Flow {
        try load(FlowLoader.read(path: path, cache: .home), path: path, repositoryRoot: repositoryRoot)
    }

    /// `load(_:repositoryRoot:)` of a flow already read from `path`.
    static func load(_ loaded: FlowLoadResult, path: String, repositoryRoot: String) throws -> Flow {
        let report = check(loaded, repositoryRoot: repositoryRoot)
        guard let flow = report.flow, !report.hasErrors else {
            Terminal.writeError("error: \(path) has errors (see above); nothing ran\n")
            throw ExitCode(2)
        }
        return flow
    }
}

/// How approval steps (`suspend`) are answered in batch: `--approve [--approval-payload JSON]` or `--reject`;
/// without either, the run pauses at the first one (exit status 3).
struct ApprovalOptions: ParsableArguments {
    @Flag(name: .long, help: "Approve every approval step (suspend) of the run.")
    var approve = false

    @Flag(name: .long, help: "Reject the first approval step: the run fails there.")
    var reject = false

    @Option(name: .long, help: "With --approve: the JSON the next step reads as `resume` (default {}).")
    var approvalPayload: String?

    func approval() throws -> Approval? {
        if approve && reject { throw ValidationError("--approve and --reject exclude each other") }
        if reject { return .reject }
        guard approve else {
            if approvalPayload != nil { throw ValidationError("--approval-payload goes with --approve") }
            return nil
        }
        guard let text = approvalPayload else { return .approve(payload: nil) }
        do {
            return .approve(payload: try Value(parsingJSON: text))
        } catch {
            throw ValidationError("--approval-payload is not JSON: \(error)")
        }
    }
}
