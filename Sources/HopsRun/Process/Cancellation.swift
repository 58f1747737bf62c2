import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A switch that stops running work: cancelling kills every process group started under it.
///
/// The prompt keeps one per command and cancels it on Ctrl-C; the executor checks it between steps.
public final class Cancellation: @unchecked Sendable {
    // Guarded by `lock`; processes register and unregister from several threads.
    private let lock = NSLock()
    private var cancelled = false
    private var groups: Set<pid_t> = []

    public init() {}

    public var isCancelled: Bool {
        lock.lock()
        defer { lock.unlock() }
        return cancelled
    }

    /// Marks the work cancelled and kills the process groups running now.
    public func cancel() {
        lock.lock()
        cancelled = true
        let running = groups
        lock.unlock()
        for group in running { kill(-group, SIGKILL) }
    }

    /// Makes it usable again after a cancel, for the next command of a prompt that keeps one session.
    public func renew() {
        lock.lock()
        cancelled = false
        lock.unlock()
    }

    /// Records a running group; false (and the group killed) when already cancelled.
    func register(group: pid_t) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if cancelled {
            kill(-group, SIGKILL)
            return false
        }
        groups.insert(group)
        return true
    }

    func unregister(group: pid_t) {
        lock.lock()
        groups.remove(group)
        lock.unlock()
    }
}
