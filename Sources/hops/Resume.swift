import ArgumentParser
import Foundation
import HopsFlow
import HopsRemote
import HopsRun
import HopsShell
import HopsStore
import Synchronization

/// `hops resume RUN [--json] [--fresh]`: the flow of a recorded run again, reusing what still holds.
struct Resume: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        _superCommandName: "hops",
        abstract: "Run a recorded flow run again, reusing the steps whose results still hold.",
        discussion: """
            The flow is read again from the path the run recorded and gets the run's inputs. Each \
            step whose recorded attempt succeeded and whose cache key (runner, script content, \
            resolved arguments) still matches is reused; the others run, and for each step hops \
            says why: no record, script changed, arguments changed, failed before, --fresh. A \
            reused result feeds later steps. The new run is recorded as a resume of RUN.
            """)

    @OptionGroup var target: RunReference

    var reference: String { target.reference }

    @Flag(name: .long, help: "Print the result as `hops flow run --json` does, each step with `reused` and `reason`.")
    var json = false

    @Option(name: [.customShort("i"), .customLong("input")], help: "Change an input of the run: key=value (JSON when it parses, else text).")
    var inputs: [String] = []

    @Flag(name: .long, help: "Reuse nothing: run every step (cache_ttl included).")
    var fresh = false

    @Option(name: .long, help: "Run this step again even if its record would be reused (repeatable).")
    var freshStep: [String] = []

    @Option(name: .long, help: "The run store (default: HOPS_STORE, else .hops/hops.db in the repository).")
    var store: String?

    @OptionGroup var answers: ApprovalOptions

    @OptionGroup(title: "Secrets from a Windmill server (with --remote)") var remote: RemoteOptions

    func run() throws {
        let key = EarlyKey(reference: reference, store: store, fresh: fresh)
        let early = Self.earlyStart.withLock { early in defer { early = nil }; return early }
            .flatMap { $0.key == key ? $0.start.take() : nil }
        let runStore = try early?.store ?? StoreCommand.open(store)
        let record = try early?.original ?? StoreCommand.answer { try RunDetail.resolve(reference, in: runStore) }
        let resume: FlowResume
        do {
            resume = try early ?? FlowResume(store: runStore, original: record, fresh: fresh)
            resume.source.freshSteps = Set(freshStep)
            // $var: and $res: the repository does not define come from the server.
            if remote.remote != nil { resume.secretFallback = RemoteSecrets(target: try remote.target()) }
            let given = try FlowInputValues.named(inputs)
            let bound = try FlowInputs.bind(given, to: resume.flow, allowMissing: true)
            for (name, _) in given { resume.inputs[name] = bound[name] }
        } catch let problems as FlowInputs.Problems {
            Terminal.writeError("\(problems)\n")
            throw ExitCode(2)
        } catch {
            Terminal.writeError("error: \(error)\n")
            throw ExitCode(StoreCommand.notFound)
        }
        resume.approval = try answers.approval()
        let cancellation = Cancellation()
        ProcessSupervisor.setSignalHandler(FlowRun.interruptHandler(cancellation))
        defer { ProcessSupervisor.setSignalHandler(nil) }
        // On a terminal, the live status line of a run; in a pipe only the summary below.
        let progress = Terminal.isTerminal(STDERR_FILENO) ? FlowProgress() : nil
        let result = resume.session(onEvent: progress?.handler, cancellation: cancellation).runToEnd()
        progress?.stop()
        if json {
            let report = result.resumeValue(resume.source)
            Terminal.writeOutput((report.jsonString(indent: 2) ?? "{}") + "\n")
            keepUntilExit(report)
        } else {
            let lines = FlowResume.lines(result, source: resume.source, colored: Terminal.useColor(on: STDOUT_FILENO))
            Terminal.writeOutput(lines.joined(separator: "\n") + "\n")
        }
        // What the run read and made; not the store or the session, which close files and stop processes.
        keepUntilExit((result, resume.original, resume.source, resume.flow))
        // The run's error goes to standard error, as `hops flow run` writes it; standard output has the report.
        if let error = result.error, result.status != .waiting { Terminal.writeError("error: \(error.description)\n") }
        if result.status == .cancelled { throw ExitCode(128 + (cancellation.signal ?? SIGINT)) }
        if let storeError = result.storeError {
            if result.error == nil { Terminal.writeError("error: the run cannot be recorded: \(storeError)\n") }
            throw ExitCode(StoreCommand.storeFailure)
        }
        if result.status == .waiting {
            Terminal.writeError("waiting for approval: \(result.error?.message ?? ""); continue with hops resume \(result.runID ?? "RUN") --approve\n")
            throw ExitCode(3)
        }
        if result.status != .succeeded { throw ExitCode(1) }
    }

    /// What an early start read the run for: the options that decide what is read.
    struct EarlyKey: Equatable, Sendable {
        var reference: String
        var store: String?
        var fresh: Bool
    }

    private static let earlyStart = Mutex<(key: EarlyKey, start: EarlyStart<FlowResume>)?>(nil)

    /// For `hops resume RUN …`: the store opened, the run read and its flow loaded while the
    /// arguments are parsed (together more than half of what a resume of a long run costs before
    /// its first step), the flow on a thread of its own. Only when RUN comes first and the store exists.
    static func startEarly(_ arguments: [String]) {
        guard arguments.count > 1, arguments[0] == "resume", !arguments[1].hasPrefix("-") else { return }
        var key = EarlyKey(reference: arguments[1], store: nil, fresh: false)
        for (index, argument) in arguments.enumerated().dropFirst(2) {
            if argument == "--fresh" { key.fresh = true }
            if argument == "--store", index + 1 < arguments.count { key.store = arguments[index + 1] }
            if argument.hasPrefix("--store=") { key.store = String(argument.dropFirst("--store=".count)) }
        }
        let start = EarlyStart<FlowResume> { [key] in
            guard let store = try? StoreLocation.openExisting(option: key.store),
                let id = try? store.resolveRun(key.reference), let (kind, source) = try? store.kindAndSource(of: id)
            else { return nil }
            // The flow is read on a third thread while the run's steps are read on this one.
            let flow = EarlyStart<FlowResume.RecordedFlow> { [path = store.path] in
                try? FlowResume.readFlow(of: id, kind: kind, source: source, storePath: path)
            }
            guard let original = try? store.run(id), let recorded = flow.take() else { return nil }
            return FlowResume(store: store, original: original, fresh: key.fresh, flow: recorded)
        }
        earlyStart.withLock { $0 = (key, start) }
    }
}
