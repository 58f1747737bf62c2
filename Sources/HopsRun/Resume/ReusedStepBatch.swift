import HopsStore
import Synchronization

/// Reused step attempts (a resume's, `cache_ttl` hits) not written yet: each run of consecutive
/// ones is written in one transaction, before the next step that runs and when the run ends.
///
/// A hops killed in the middle of such a run loses those rows, never a step that ran (every row
/// is written before the next step begins). No result is lost with them: a reused row holds none
/// of its own. They are derived again: resuming the original run again reuses the same steps and
/// writes them; resuming the killed run finds no record of them and runs those steps.
final class ReusedStepBatch: Sendable {
    private let pending = Mutex<(steps: [ReusedStep], store: RunStore?)>(([], nil))

    /// Notes a reused step, to be written to `store` with the others.
    func add(_ step: ReusedStep, to store: RunStore) {
        pending.withLock {
            $0.steps.append(step)
            $0.store = store
        }
    }

    /// Writes the steps noted so far, in one transaction.
    func write() throws {
        // Under the lock: a step noted meanwhile (a parallel loop) waits for this write, so it keeps its place.
        try pending.withLock { pending in
            guard let store = pending.store, !pending.steps.isEmpty else { return }
            let steps = pending.steps
            pending.steps.removeAll()
            try store.recordReused(steps)
        }
    }

    deinit {
        // A session dropped before its run ended (a prompt's) still leaves its reused steps recorded.
        try? write()
    }
}
