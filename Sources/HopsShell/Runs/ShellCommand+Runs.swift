import Foundation
import HopsRun
import HopsStore

extension Shell {
    /// The key of the run store in `attachments`.
    public static let runStoreKey = "runs.store"

    /// The run store of this session: the one set (`hops replay --store`), else the default one, opened once.
    public func runStore() throws -> RunStore {
        if let store = attachments[Shell.runStoreKey] as? RunStore { return store }
        let store = try StoreLocation.open(option: nil)
        attachments[Shell.runStoreKey] = store
        return store
    }
}

extension ShellCommand {
    /// The commands on recorded runs: `:runs`, `:show`, `:resume`, `:replay`, `:retry`, `:continue`.
    public static var runs: [ShellCommand] { [.listRuns, .show, .resume, .replay, .retry, .continueRun] }

    /// `:runs [N]`: the recorded runs, newest first, as `hops runs` prints them.
    public static let listRuns = ShellCommand(
        name: "runs", usage: ":runs [N] | :runs --remote [--failed] [--flow PATH] [--since AGE]",
        summary: "List the recorded runs (or the server's with --remote), newest first",
        action: { shell, arguments in
            let words = arguments.split(separator: " ").map(String.init)
            if words.contains("--remote") {
                try remoteRuns(shell, words)
                return .continue
            }
            let limit = Int(arguments) ?? 20
            let store = try shell.runStore()
            let runs = try store.runs(limit: max(1, limit))
            shell.print(RunListing.table(runs, colored: shell.renderer.colored))
            return .continue
        })

    /// `:show RUN [STEP]`: a recorded run, or one step attempt, as `hops show` prints them.
    public static let show = ShellCommand(
        name: "show", usage: ":show RUN [STEP]", summary: "Show a recorded run, or one of its steps",
        action: { shell, arguments in
            let words = arguments.split(separator: " ").map(String.init)
            guard let reference = words.first, words.count <= 2 else { throw CommandError("usage: :show RUN [STEP]") }
            let store = try shell.runStore()
            let record = try RunDetail.resolve(reference, in: store)
            if words.count == 2 {
                let step = try RunDetail.step(words[1], in: record)
                shell.print(RunDetail.text(step, of: record, colored: shell.renderer.colored))
            } else {
                shell.print(RunDetail.text(record, colored: shell.renderer.colored))
            }
            return .continue
        })

    /// `:resume [RUN] [--fresh]`: runs a recorded flow run again, reusing what still holds (default: the replayed run, else the last one).
    public static let resume = ShellCommand(
        name: "resume", usage: ":resume [RUN] [--fresh]", summary: "Run a recorded flow run again, reusing unchanged steps",
        action: { shell, arguments in
            var words = arguments.split(separator: " ").map(String.init)
            let fresh = words.contains("--fresh")
            words.removeAll { $0 == "--fresh" }
            guard words.count <= 1 else { throw CommandError("usage: :resume [RUN] [--fresh]") }
            let store = try shell.runStore()
            let reference = words.first ?? shell.replay?.original.id.rawValue ?? "last"
            let record = try RunDetail.resolve(reference, in: store)
            let flowResume = try FlowResume(store: store, original: record, fresh: fresh)
            let session = flowResume.session()
            let result = session.runToEnd()
            let lines = FlowResume.lines(result, source: flowResume.source, colored: shell.renderer.colored)
            shell.print(lines.joined(separator: "\n"))
            for (name, value) in session.bindings { shell.interpreter.setVariable(name, value) }
            if result.status != .succeeded { throw CommandError("the resumed run \(result.ending)") }
            return .continue
        })

    /// `:replay RUN`: walk a recorded run with `:next`, `:retry`, `:continue`.
    public static let replay = ShellCommand(
        name: "replay", usage: ":replay RUN", summary: "Walk a recorded run step by step (:next, :retry, :continue)",
        action: { shell, arguments in
            guard !arguments.isEmpty else { throw CommandError("usage: :replay RUN") }
            let store = try shell.runStore()
            let record = try RunDetail.resolve(arguments, in: store)
            shell.stepper = try RunReplay.start(record, store: store)
            shell.print(RunReplay.introduction(record))
            return .continue
        })

    /// `:retry`: in a replay, runs the failed step live with the inputs recorded before it.
    public static let retry = ShellCommand(
        name: "retry", usage: ":retry", summary: "In a replay: run the failed step live (after fixing it)",
        action: { shell, _ in
            guard let replay = shell.replay else { throw CommandError("nothing to retry: start with hops replay RUN or :replay RUN") }
            try replay.retry(in: shell)
            return .continue
        })

    /// `:continue`: in a replay, runs the rest of the run live.
    public static let continueRun = ShellCommand(
        name: "continue", usage: ":continue", summary: "In a replay: run the rest live, reusing what is recorded",
        action: { shell, _ in
            guard let replay = shell.replay else {
                throw CommandError("nothing to continue: start with hops replay RUN or :replay RUN")
            }
            try replay.continueRun(in: shell)
            return .continue
        })
}
