import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension ProcessRunner {
    /// posix_spawn with the child as leader of a new process group and default signal handling.
    static func spawn(
        executable: String, arguments: [String], environment: [String: String], workingDirectory: String?,
        standardInput: Int32, standardOutput: Int32, standardError: Int32
    ) throws -> pid_t {
        #if canImport(Glibc)
            var actions = posix_spawn_file_actions_t()
            var attributes = posix_spawnattr_t()
        #else
            var actions: posix_spawn_file_actions_t?
            var attributes: posix_spawnattr_t?
        #endif
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
        }
        posix_spawn_file_actions_adddup2(&actions, standardInput, 0)
        posix_spawn_file_actions_adddup2(&actions, standardOutput, 1)
        posix_spawn_file_actions_adddup2(&actions, standardError, 2)

        // A signal ignored by this process (SIGPIPE) would stay ignored in the child otherwise.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGINT, SIGQUIT, SIGTERM, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        posix_spawnattr_setpgroup(&attributes, 0)
        let flags = POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK
        posix_spawnattr_setflags(&attributes, Int16(flags))

        // posix_spawn has no portable "change directory" action: a shell does it, then execs.
        var program = executable
        var argumentList = [executable] + arguments
        if let workingDirectory {
            program = "/bin/sh"
            argumentList = ["/bin/sh", "-c", "cd -- \"$0\" && exec \"$@\"", workingDirectory, executable] + arguments
        }
        let argv = argumentList.map { strdup($0) }
        let envp = environment.map { strdup("\($0.key)=\($0.value)") }
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let code = (argv + [nil]).withUnsafeBufferPointer { argvBuffer in
            (envp + [nil]).withUnsafeBufferPointer { envpBuffer in
                guard let argvBase = argvBuffer.baseAddress, let envpBase = envpBuffer.baseAddress else {
                    return EINVAL
                }
                return posix_spawn(
                    &pid, program, &actions, &attributes, UnsafeMutablePointer(mutating: argvBase),
                    UnsafeMutablePointer(mutating: envpBase))
            }
        }
        guard code == 0 else {
            throw ProcessError.spawnFailed(executable: executable, code: code)
        }
        return pid
    }
}

/// Drains one pipe on its own thread until end of file.
final class PipeReader: @unchecked Sendable {
    // `data` is written by the reader thread only until `done` is signalled, read after.
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var finished = false

    init(descriptor: Int32) {
        Thread.detachNewThread { [self] in
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { break }
                lock.lock()
                data.append(contentsOf: buffer[0..<count])
                lock.unlock()
            }
            close(descriptor)
            lock.lock()
            finished = true
            lock.unlock()
            done.signal()
        }
    }

    /// Waits up to `seconds` for end of file; true when reached.
    func wait(seconds: Double) -> Bool {
        lock.lock()
        let already = finished
        lock.unlock()
        if already { return true }
        if done.wait(timeout: .now() + seconds) == .success {
            done.signal()
            return true
        }
        return false
    }

    /// Everything read, after giving the reader a last moment to reach end of file.
    func finish() -> Data {
        _ = wait(seconds: 1)
        lock.lock()
        defer { lock.unlock() }
        return data
    }
}
