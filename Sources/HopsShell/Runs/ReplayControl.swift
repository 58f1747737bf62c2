import HopsStore

/// A replay at the prompt (`hops replay RUN`): `:next` shows recorded steps, `:retry` runs the failed
/// step live, `:continue` runs the rest live.
public protocol ReplayControl: ShellStepper {
    /// The run being replayed.
    var original: RunRecord { get }
    /// Runs the failed (or interrupted) step again, live, with the inputs the steps before it give.
    func retry(in shell: Shell) throws
    /// Runs the rest of the run live, reusing what is recorded before the failure.
    func continueRun(in shell: Shell) throws
    /// Records the end of a live run left unfinished (the replay ends after `:retry`).
    func finishLiveRun()
}

extension Shell {
    /// The replay `:retry` and `:continue` act on: the current stepper when it is one.
    var replay: (any ReplayControl)? { stepper as? any ReplayControl }
}

/// Starting a replay of a recorded run.
public enum RunReplay {
    /// A replay of `run`: of its flow, or of its notebook's cells.
    public static func start(_ run: RunRecord, store: RunStore) throws -> any ReplayControl {
        switch run.kind {
        case .notebook: return NotebookReplay(store: store, original: run)
        case .flow, .resume: return FlowReplay(store: store, original: run)
        case .prompt:
            throw FlowResume.ResumeError(description: "run \(run.id) is a prompt session; `hops show \(run.id)` lists its steps")
        }
    }

    /// What the prompt says when a replay starts.
    public static func introduction(_ run: RunRecord) -> String {
        let attempts = run.steps.count
        let stoppedAt = run.steps.last { $0.status == .failed || $0.status == .interrupted }
        var text = "replaying run \(run.id) (\(run.kind.rawValue) \(RunListing.displaySource(run.source)), "
            + "\(run.status.rawValue)): \(attempts) recorded step\(attempts == 1 ? "" : "s")"
        if let stoppedAt { text += ", \(stoppedAt.status.rawValue) at \(stoppedAt.stepID)" }
        return text + "\n:next shows the next recorded step; :retry runs the failed step live; :continue runs the rest live"
    }
}
