#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// Plain POSIX threads.
//
// Foundation's `Thread.detachNewThread` first makes a `Thread` object, names the thread and sets up
// Foundation's state for it; the first time in a process that costs about a millisecond of the
// runtime's type lookups, which a resume's reading threads and a warm step's output readers wait
// for. Nothing here needs a `Thread`.

/// Runs `body` on a thread of its own, which nothing joins.
public func detachThread(_ body: @escaping @Sendable () -> Void) {
    pthread_detach(startThread(body))
}

/// Work running on a thread of its own, whose result `join` waits for.
final class JoinedThread<Result: Sendable>: @unchecked Sendable {
    // Unchecked: `result` is written by the thread before it ends, and read only after pthread_join,
    // which orders the two.
    private var result: Result?
    private var thread: pthread_t?

    init(_ body: @escaping @Sendable () -> Result) {
        thread = startThread { [unowned(unsafe) self] in self.result = body() }
    }

    /// Waits for the thread to end (once; later calls return at once) and gives its result.
    @discardableResult
    func join() -> Result {
        if let thread {
            pthread_join(thread, nil)
            self.thread = nil
        }
        return result!
    }

    deinit { if thread != nil { join() } }
}

/// The number of processors online: how many threads can work at once.
let processorCount = max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))

private func startThread(_ body: @escaping @Sendable () -> Void) -> pthread_t {
    let box = Unmanaged.passRetained(ThreadBody(body)).toOpaque()
    var thread = pthread_t()
    let started = pthread_create(&thread, nil, { argument in
        guard let argument else { return nil }
        Unmanaged<ThreadBody>.fromOpaque(argument).takeRetainedValue().body()
        return nil
    }, box)
    // As `Thread`: the work of a thread that cannot start would never be done, and its waiters hang.
    guard started == 0 else { fatalError("cannot start a thread: \(String(cString: strerror(started)))") }
    return thread
}

private final class ThreadBody {
    let body: @Sendable () -> Void
    init(_ body: @escaping @Sendable () -> Void) { self.body = body }
}
