import CEditLine

#if canImport(Glibc)
    import Glibc
#endif

/// The process-wide Ctrl-C state: a flag set by a SIGINT handler, read by evaluations and the editor.
///
/// The flag lives in C (a `volatile sig_atomic_t`) because only that is safe to write from a
/// signal handler. Every access goes through this file: the C statics are per object file.
public enum Interrupts {
    /// Installs the SIGINT handler; from then on Ctrl-C sets the flag instead of ending the process.
    public static func install() {
        _ = hops_install_sigint_handler()
    }

    /// Whether Ctrl-C was pressed since the last `clear()`.
    public static var isSet: Bool { hops_interrupted() != 0 }

    /// Forgets an earlier Ctrl-C, before starting a new evaluation or line.
    public static func clear() { hops_clear_interrupt() }

    /// Blocks until Ctrl-C (true) or until `descriptor` is readable or its other end closed (false).
    public static func wait(orUntilReadable descriptor: Int32) -> Bool {
        hops_wait_interrupt(descriptor) != 0
    }

    /// A cancellation check to hand to an evaluation.
    public static let check: @Sendable () -> Bool = { hops_interrupted() != 0 }

    /// The process group that Ctrl-C forwards SIGINT to while a child runs; 0 for none.
    public static func setChildProcessGroup(_ group: pid_t) {
        hops_set_child_process_group(group)
    }

    /// Makes a libedit editor read keys in a way that notices Ctrl-C at once.
    static func useInterruptibleReader(_ editLine: OpaquePointer) {
        _ = hops_el_use_interruptible_reader(editLine)
    }

    /// The C `errno` after a failed call.
    static var lastErrno: Int32 { hops_errno() }
}
