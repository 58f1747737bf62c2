#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes all of `bytes` to `descriptor`, the writing end of a pipe to a child; false when the
/// child no longer reads it (EPIPE) or the write fails otherwise.
///
/// A pipe whose reader is gone answers a write with SIGPIPE, which ends hops: a warm harness that
/// exited between two steps (a timer of a script calling `Deno.exit`) took the whole run, or the
/// prompt, down with it. The signal is held back in this thread for the write, and taken if the
/// write raised it, so that the write fails with EPIPE instead.
func writeToPipe(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
    var pipeSignal = sigset_t()
    sigemptyset(&pipeSignal)
    sigaddset(&pipeSignal, SIGPIPE)
    var previous = sigset_t()
    pthread_sigmask(SIG_BLOCK, &pipeSignal, &previous)
    var written = 0
    var broken = false
    while written < bytes.count, let base = bytes.baseAddress {
        let count = write(descriptor, base + written, bytes.count - written)
        if count < 0 {
            if errno == EINTR { continue }
            broken = errno == EPIPE
            break
        }
        written += count
    }
    // The SIGPIPE of a write is sent to the thread that wrote: pending here until taken.
    if broken, sigismember(&previous, SIGPIPE) == 0 {
        var none = timespec(tv_sec: 0, tv_nsec: 0)
        while sigtimedwait(&pipeSignal, nil, &none) < 0 && errno == EINTR {}
    }
    pthread_sigmask(SIG_SETMASK, &previous, nil)
    return written == bytes.count
}
