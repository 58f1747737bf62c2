import Foundation

/// What a command starts from its raw arguments before they are parsed, on a thread of its own:
/// parsing them costs more than most of what such a command first does (the argument parser's
/// reflection is about 15 M instructions). The command, once parsed, takes the result only when
/// `key` (what the work was read from) is what the parsed options say; otherwise it does the work
/// itself and the early result is dropped. The work returns nil for anything that goes wrong, so
/// that every error is met, and reported, where it is without an early start.
///
/// The work must start no process: a process's parent-death signal (`hops-step`'s) comes when the
/// thread that started it ends. `hops flow run` starts its warm processes early on the main thread.
final class EarlyStart<Key: Equatable & Sendable, Value>: @unchecked Sendable {
    private let key: Key
    private let finished = DispatchSemaphore(value: 0)
    /// Written by the work's thread before `finished` is signalled, read after waiting for it.
    private var value: Value?

    init(key: Key, work: @escaping @Sendable () -> Value?) {
        self.key = key
        Thread.detachNewThread { [self] in
            value = work()
            finished.signal()
        }
    }

    /// The work's result, once it has finished, when it was done for `key`; else nil (at once).
    func take(for key: Key) -> Value? {
        guard key == self.key else { return nil }
        finished.wait()
        return value
    }
}
