import Foundation
import HopsFlow
import HopsLang
import HopsRun
import HopsStore

/// A flow loaded at the prompt with `:load`, run step by step by `:next`, `:step`, `:run`.
///
/// It keeps the `FlowSession` (inputs, results, the run in the store) and, after every step, binds
/// `results`, `steps`, `flow_input`, `inputs` and `previous_result` in the shell's interpreter.
public final class FlowStepper: ShellStepper, LoadedFlowAttachment {
    /// The key of the loaded flow in `Shell.attachments`.
    public static let attachmentKey = "flow.loaded"
    /// The names bound in the interpreter after each step.
    public static let boundNames = ["results", "steps", "flow_input", "inputs", "previous_result"]

    /// The path the flow was loaded from, as given.
    public let path: String
    public let flow: Flow
    public let repositoryRoot: String
    public let session: FlowSession
    /// The store the session records into; nil when it could not be opened.
    public let store: RunStore?
    let cancellation: Cancellation
    let progress: FlowProgress

    public var loadedFlow: Flow? { flow }

    public init(path: String, flow: Flow, repositoryRoot: String, store: RunStore?, progress: FlowProgress = FlowProgress()) {
        self.path = path
        self.flow = flow
        self.repositoryRoot = repositoryRoot
        self.store = store
        self.progress = progress
        let cancellation = Cancellation()
        self.cancellation = cancellation
        let options = ExecutionOptions(store: store, onEvent: progress.handler, cancellation: cancellation)
        session = FlowSession(flow: flow, repositoryRoot: repositoryRoot, options: options)
    }

    /// `:next [-q]`: runs the next top-level step and prints its result (not with `-q`), or reports its error.
    public func next(in shell: Shell, arguments: String) throws {
        let quiet = try Self.quietFlag(arguments, usage: ":next [-q]")
        guard let id = session.nextStepID else {
            if let failed = session.reports.last(where: { $0.state == .failed && $0.place.isEmpty }) {
                throw CommandError("the flow stopped at step \(failed.id); :step \(failed.id) runs it again, :reset starts over")
            }
            throw CommandError("the flow has run to its end; :reset starts over")
        }
        let report = watchingInterrupts { session.next() } ?? StepReport(id: id, state: .pending)
        try finishStep(report, in: shell, quiet: quiet)
    }

    /// `:step ID`: runs one top-level step with its inputs resolved from what has run.
    public func step(_ id: String, in shell: Shell, quiet: Bool = false) throws {
        let report = try watchingInterrupts { () throws -> StepReport in try session.runStep(id) }
        try finishStep(report, in: shell, quiet: quiet)
    }

    /// `:run`: runs the remaining steps with live progress; prints the flow's result.
    public func runToEnd(in shell: Shell, quiet: Bool = false) throws {
        let result = watchingInterrupts { session.runToEnd() }
        bind(in: shell)
        let run = result.runID.map { " (run \($0))" } ?? ""
        let summary = "flow \(result.status.rawValue) in \(FlowProgress.duration(result.duration))\(run)"
        if let error = result.error {
            shell.reportError(summary)
            throw CommandError(error.description)
        }
        Terminal.writeError(summary + "\n")
        if let value = result.result, !quiet { show(value, in: shell) }
    }

    /// Whether the arguments ask for quiet (`-q`, `--quiet`): the state line only, not the result,
    /// which a notebook keeps stable by showing a result's shape in an expression instead.
    static func quietFlag(_ arguments: String, usage: String) throws -> Bool {
        switch arguments {
        case "": return false
        case "-q", "--quiet": return true
        default: throw CommandError("usage: \(usage)")
        }
    }

    /// `:reset`: forgets the results and starts over with the same inputs.
    public func reset(in shell: Shell) {
        session.reset()
        bind(in: shell)
    }

    /// Binds what expressions at the prompt read: `results`, `steps`, `flow_input`, `inputs`, `previous_result`.
    public func bind(in shell: Shell) {
        let bindings = session.bindings
        for name in Self.boundNames {
            if let value = bindings[name] { shell.interpreter.setVariable(name, value) }
        }
    }

    private func finishStep(_ report: StepReport, in shell: Shell, quiet: Bool) throws {
        bind(in: shell)
        // Under continue_on_error a failed step has a result (its error) and the flow goes on.
        if report.state == .failed, report.result == nil {
            let error = report.error ?? StepError(kind: .setup, message: "failed", stepID: report.id)
            throw CommandError(error.description)
        }
        if report.state == .skipped {
            if !quiet { shell.print("\(report.id) skipped") }
        } else if let result = report.result {
            shell.interpreter.setVariable("_", result)
            if !quiet { show(result, in: shell) }
        }
        // The last step done: the run in the store is finished with its status.
        if session.nextStepID == nil, session.isFinished, report.state != .failed {
            _ = session.runToEnd()
            Terminal.writeError("end of flow \(flow.name ?? path)\n")
        }
    }

    private func show(_ value: Value, in shell: Shell) {
        Terminal.writeOutput(shell.renderer.render(value) + "\n")
    }

    /// Runs `body` while Ctrl-C kills the running step's process group instead of the prompt.
    func watchingInterrupts<T>(_ body: () throws -> T) rethrows -> T {
        Interrupts.clear()
        let watcher = InterruptWatcher(cancellation: cancellation)
        watcher.start()
        defer {
            progress.stop()
            watcher.stop()
            // The next command starts afresh: the Ctrl-C was for this one.
            cancellation.renew()
            Interrupts.clear()
        }
        return try body()
    }
}

@available(*, unavailable)
extension FlowStepper: Sendable {}

/// Cancels the run when Ctrl-C is pressed while a step runs.
///
/// The signal handler may only set a flag and write to a pipe; this thread waits on that pipe and
/// turns it into killing the process groups. `stop` closes the write end of a pipe of its own,
/// which wakes the thread to end.
public final class InterruptWatcher: Sendable {
    private let cancellation: Cancellation
    private let stopPipe: ProcessPipe

    public init(cancellation: Cancellation) {
        self.cancellation = cancellation
        // Without descriptors to spare, the thread waits for Ctrl-C alone (poll skips a -1).
        stopPipe = (try? ProcessPipe.make()) ?? ProcessPipe(read: -1, write: -1)
    }

    public func start() {
        detachThread { [self] in
            if Interrupts.wait(orUntilReadable: stopPipe.read) {
                cancellation.cancel()
                // The flag stays set until the command ends: from here on, wait for `stop` alone.
                var request = pollfd(fd: stopPipe.read, events: Int16(POLLIN), revents: 0)
                while poll(&request, 1, -1) < 0 && errno == EINTR {}
            }
            close(stopPipe.read)
        }
    }

    public func stop() {
        close(stopPipe.write)
    }
}
