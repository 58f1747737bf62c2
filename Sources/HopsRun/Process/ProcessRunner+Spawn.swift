import CProcess
import Foundation
import HopsLang
import HopsStore
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension ProcessRunner {
    /// posix_spawn with the child as leader of a new process group, default signal handling, and
    /// the working directory changed by a spawn action (no shell in between); `more` puts further
    /// descriptors of the parent at the child's numbers (a warm harness's request and reply pipes).
    static func spawn(
        executable: String, arguments: [String], environment: [String: String], workingDirectory: String?,
        standardInput: Int32, standardOutput: Int32, standardError: Int32, more: [(parent: Int32, child: Int32)] = []
    ) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
        }
        posix_spawn_file_actions_adddup2(&actions, standardInput, 0)
        posix_spawn_file_actions_adddup2(&actions, standardOutput, 1)
        posix_spawn_file_actions_adddup2(&actions, standardError, 2)
        for descriptor in more { posix_spawn_file_actions_adddup2(&actions, descriptor.parent, descriptor.child) }
        if let workingDirectory {
            let code = hops_spawn_add_chdir(&actions, workingDirectory)
            if code != 0 { throw ProcessError.spawnFailed(executable: executable, code: code) }
        }

        // A signal ignored or handled by this process (SIGPIPE, SIGINT) starts at its default in the child.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        posix_spawnattr_setpgroup(&attributes, 0)
        let flags = POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK
        posix_spawnattr_setflags(&attributes, Int16(flags))

        let argv = ([executable] + arguments).map { strdup($0) }
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
                    &pid, executable, &actions, &attributes, UnsafeMutablePointer(mutating: argvBase),
                    UnsafeMutablePointer(mutating: envpBase))
            }
        }
        guard code == 0 else {
            throw ProcessError.spawnFailed(executable: executable, code: code)
        }
        return pid
    }
}

/// What was kept of one output stream: its start, its last part, and how many bytes between were cut.
struct CapturedOutput {
    var bytes: Data
    var cut: Int

    /// The bytes as text, with invalid UTF-8 and control characters escaped (see `OutputText.escaped`).
    var text: String { OutputText.escaped(bytes) }
}

/// The bytes kept of one output stream: the first ones, and the last ones (where a bash result
/// and the end of an error are), with a count of those cut between them.
struct BoundedBytes {
    private var head = Data()
    /// The last bytes past the head, as a ring: `tail` holds them from `tailStart` on, wrapping.
    private var tail = Data()
    private var tailStart = 0
    private var total = 0
    private let headLimit: Int
    private let tailLimit: Int

    init(limit: Int) {
        let limit = max(limit, 2)
        tailLimit = min(limit / 4, 1 << 20)
        headLimit = limit - tailLimit
    }

    mutating func append(_ bytes: some Collection<UInt8>) {
        total += bytes.count
        var rest = bytes[...]
        if head.count < headLimit {
            let taken = rest.prefix(headLimit - head.count)
            head.append(contentsOf: taken)
            rest = rest.dropFirst(taken.count)
        }
        guard !rest.isEmpty, tailLimit > 0 else { return }
        if rest.count >= tailLimit {
            tail = Data(rest.suffix(tailLimit))
            tailStart = 0
            return
        }
        if tail.count < tailLimit {
            let room = tailLimit - tail.count
            tail.append(contentsOf: rest.prefix(room))
            rest = rest.dropFirst(room)
        }
        // Overwrite the oldest bytes of the full ring.
        while !rest.isEmpty {
            let count = min(rest.count, tailLimit - tailStart)
            tail.replaceSubrange(tailStart..<tailStart + count, with: rest.prefix(count))
            tailStart = (tailStart + count) % tailLimit
            rest = rest.dropFirst(count)
        }
    }

    /// What was kept, with a line saying how many bytes were cut where they were.
    var captured: CapturedOutput {
        var bytes = head
        let ordered = tail[tailStart...] + tail[..<tailStart]
        let cut = total - head.count - ordered.count
        if cut > 0 { bytes.append(contentsOf: Data("\n[hops: \(cut) bytes of output cut here]\n".utf8)) }
        bytes.append(contentsOf: ordered)
        return CapturedOutput(bytes: bytes, cut: cut)
    }

    /// What was kept, leaving this empty for what comes next (a warm process's next step).
    mutating func take() -> CapturedOutput {
        defer {
            head = Data()
            tail = Data()
            tailStart = 0
            total = 0
        }
        return captured
    }
}

/// Drains one pipe on its own thread until end of file, keeping at most `limit` bytes of it.
final class PipeReader: Sendable {
    private struct State {
        var kept: BoundedBytes
        var finished = false
    }
    private let state: Mutex<State>
    private let done = DispatchSemaphore(value: 0)

    init(descriptor: Int32, limit: Int) {
        state = Mutex(State(kept: BoundedBytes(limit: limit)))
        detachThread { [self] in
            Self.read(descriptor) { chunk in state.withLock { $0.kept.append(chunk) } }
            state.withLock { $0.finished = true }
            done.signal()
        }
    }

    /// Reads `descriptor` to its end, chunk by chunk, then closes it.
    static func read(_ descriptor: Int32, each: (ArraySlice<UInt8>) -> Void) {
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            each(buffer[..<count])
        }
        close(descriptor)
    }

    /// Waits up to `seconds` for end of file; true when reached.
    func wait(seconds: Double) -> Bool {
        if state.withLock({ $0.finished }) { return true }
        if done.wait(timeout: .now() + seconds) == .success {
            done.signal()
            return true
        }
        return false
    }

    /// Everything kept, once the reader reached end of file (or after a last moment to reach it).
    func finish() -> CapturedOutput {
        _ = wait(seconds: 1)
        return state.withLock { $0.kept.captured }
    }
}
