import Foundation
import HopsLang
import HopsRun

/// What a command starts from its raw arguments before they are parsed, on a thread of its own:
/// parsing them costs more than most of what such a command first does (the argument parser's
/// reflection is about 13 M instructions). The command, once parsed, takes the result only when
/// what the work was read from is what the parsed options say; otherwise it does the work itself
/// and the early result is dropped. The work returns nil for anything that goes wrong, so that
/// every error is met, and reported, where it is without an early start.
///
/// The work must start no process: a process's parent-death signal (`hops-step`'s) comes when the
/// thread that started it ends. `hops flow run` starts its warm processes early on the main thread.
///
/// Generic over the result only: a type parameter with a protocol requirement would make the Swift
/// runtime look its conformance up among the binary's thousands when the type is first made,
/// before the thread starts.
final class EarlyStart<Value>: @unchecked Sendable {
    private let finished = DispatchSemaphore(value: 0)
    /// Written by the work's thread before `finished` is signalled, read after waiting for it.
    private var value: Value?

    init(work: @escaping @Sendable () -> Value?) {
        detachThread { [self] in
            value = work()
            finished.signal()
        }
    }

    /// The work's result, once it has finished; nil when it failed.
    func take() -> Value? {
        finished.wait()
        return value
    }
}
