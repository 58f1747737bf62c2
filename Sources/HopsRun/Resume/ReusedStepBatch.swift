import Dispatch
import HopsStore
import Synchronization

/// Reused step attempts (a resume's, `cache_ttl` hits) not written yet. They are written in order,
/// `rowsPerWrite` to a transaction, on a thread of their own while the next steps are decided;
/// all of them before the next step that runs and when the run ends.
///
/// A hops killed in the middle of such a run loses the rows not written yet, never a step that ran
/// (every row is written before the next step begins). No result is lost with them: a reused row
/// holds none of its own. They are derived again: resuming the original run again reuses the same
/// steps and writes them; resuming the killed run finds no record of them and runs those steps.
final class ReusedStepBatch: Sendable {
    /// Rows a transaction of the writer holds: enough that a transaction's own cost is small beside
    /// its rows', few enough that what is left to write when the run ends is short.
    static let rowsPerWrite = 100

    private let pending = Mutex<(steps: [ReusedStep], store: RunStore?)>(([], nil))
    /// Writes in the order they were handed over, one at a time.
    private let writer = DispatchQueue(label: "hops.reused-steps")
    /// The first error a write met since `write()` last reported one; later rows are not written.
    private let failure = Failure()

    /// Notes a reused step, to be written to `store` with the others.
    func add(_ step: ReusedStep, to store: RunStore) {
        pending.withLock { pending in
            pending.steps.append(step)
            pending.store = store
            // Handed over under the lock: a step noted meanwhile (a parallel loop) keeps its place.
            if pending.steps.count >= Self.rowsPerWrite { handOver(&pending) }
        }
    }

    /// Writes every step noted so far and waits for it: they are in the store when this returns.
    func write() throws {
        pending.withLock { handOver(&$0) }
        writer.sync {}
        try failure.take()
    }

    private func handOver(_ pending: inout (steps: [ReusedStep], store: RunStore?)) {
        guard let store = pending.store, !pending.steps.isEmpty else { return }
        let steps = pending.steps
        pending.steps.removeAll(keepingCapacity: true)
        writer.async { [failure] in
            guard !failure.isSet else { return }
            do { try store.recordReused(steps) } catch { failure.set(error) }
        }
    }

    deinit {
        // A session dropped before its run ended (a prompt's) still leaves its reused steps recorded.
        try? write()
    }

    /// An error met on the writer's thread, kept for the caller of `write()`.
    private final class Failure: Sendable {
        private let error = Mutex<(any Error)?>(nil)

        var isSet: Bool { error.withLock { $0 != nil } }

        func set(_ error: any Error) { self.error.withLock { $0 = $0 ?? error } }

        /// Throws the error kept, and forgets it: the rows noted after it are written again.
        func take() throws {
            if let error = error.withLock({ error in defer { error = nil }; return error }) { throw error }
        }
    }
}
