import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A switch that stops running work: cancelling ends every process tree started under it.
///
/// The prompt keeps one per command and cancels it on Ctrl-C; the executor checks it between steps.
/// The first cancel asks each tree to end (SIGTERM, SIGKILL after a grace period); a second one
/// kills at once.
public final class Cancellation: Sendable {
    private struct State {
        var cancelled = false
        /// The signal that cancelled the work, when one did (SIGINT, SIGTERM, SIGHUP).
        var signal: Int32?
        var running: [pid_t: RunningProcess] = [:]
        /// Threads in `wait(seconds:)`, woken by a cancel.
        var sleepers: [ObjectIdentifier: DispatchSemaphore] = [:]
    }
    private let state = Mutex(State())

    public init() {}

    public var isCancelled: Bool { state.withLock { $0.cancelled } }

    /// The signal the work was cancelled by; nil when it was not, or not by a signal.
    public var signal: Int32? { state.withLock { $0.signal } }

    /// Marks the work cancelled and stops the process trees running now; a second call kills them.
    public func cancel(signal: Int32? = nil) {
        // A second cancel (a second Ctrl-C) kills at once what the first asked to end.
        let (running, sleepers, again) = state.withLock { state -> ([RunningProcess], [DispatchSemaphore], Bool) in
            let again = state.cancelled
            state.cancelled = true
            if state.signal == nil { state.signal = signal }
            return (Array(state.running.values), Array(state.sleepers.values), again)
        }
        for sleeper in sleepers { sleeper.signal() }
        for process in running { again ? process.forceStop() : process.stop() }
    }

    /// Sleeps up to `seconds` (a retry's delay, a poll's interval), woken at once by a cancel;
    /// false when the work is cancelled.
    public func wait(seconds: Double) -> Bool {
        let wake = DispatchSemaphore(value: 0)
        let waiting = state.withLock { state -> Bool in
            if !state.cancelled { state.sleepers[ObjectIdentifier(wake)] = wake }
            return !state.cancelled
        }
        guard waiting else { return false }
        _ = wake.wait(timeout: .now() + max(0, seconds))
        return state.withLock { state in
            state.sleepers.removeValue(forKey: ObjectIdentifier(wake))
            return !state.cancelled
        }
    }

    /// Makes it usable again after a cancel, for the next command of a prompt that keeps one session.
    public func renew() {
        state.withLock {
            $0.cancelled = false
            $0.signal = nil
        }
    }

    /// Records a running tree; false (and the tree stopped) when already cancelled.
    func register(_ process: RunningProcess) -> Bool {
        let cancelled = state.withLock { state -> Bool in
            if !state.cancelled { state.running[process.pid] = process }
            return state.cancelled
        }
        if cancelled { process.stop() }
        return !cancelled
    }

    func unregister(_ process: RunningProcess) {
        _ = state.withLock { $0.running.removeValue(forKey: process.pid) }
    }
}
