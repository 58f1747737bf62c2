#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs `body` on a thread of its own, which nothing joins: a plain POSIX thread.
///
/// Foundation's `Thread.detachNewThread` first makes a `Thread` object, names the thread and sets
/// up Foundation's state for it; the first time in a process that costs about a millisecond of the
/// runtime's type lookups, which a resume's reading threads and a warm step's output readers wait
/// for. Nothing here needs a `Thread`.
public func detachThread(_ body: @escaping @Sendable () -> Void) {
    let box = Unmanaged.passRetained(ThreadBody(body)).toOpaque()
    var thread = pthread_t()
    let started = pthread_create(&thread, nil, { argument in
        guard let argument else { return nil }
        Unmanaged<ThreadBody>.fromOpaque(argument).takeRetainedValue().body()
        return nil
    }, box)
    // As `Thread`: the work of a thread that cannot start would never be done, and its waiters hang.
    guard started == 0 else { fatalError("cannot start a thread: \(String(cString: strerror(started)))") }
    pthread_detach(thread)
}

private final class ThreadBody {
    let body: @Sendable () -> Void
    init(_ body: @escaping @Sendable () -> Void) { self.body = body }
}
