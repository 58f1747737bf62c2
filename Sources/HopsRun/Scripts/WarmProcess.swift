import Foundation
import HopsLang
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A harness started with `--serve`: a runtime process that runs one step after another.
///
/// Steps go to it as JSON lines on its descriptor 3 and outcomes come back on its descriptor 4;
/// after each step it writes the step's marker to stdout and stderr, which is where one step's
/// log ends and the next one's begins. It leads its own process group, so a timeout or a cancel
/// kills it with everything the running script started.
final class WarmProcess: @unchecked Sendable {
    /// What the harness says once it is up.
    struct Hello: Sendable {
        var version: String
        var executable: String
    }

    /// How waiting for a line of the harness ended.
    enum Reply {
        case line(String)
        /// The harness closed its end: it exited or was killed.
        case ended
        case timedOut
    }

    let pid: pid_t
    private let requests: Int32
    private let responses: Int32
    private let output: StreamCollector
    private let errors: StreamCollector
    private struct State {
        /// Read once, by whichever thread asks first.
        var hello: Hello?
        var reaped = false
        var stopped = false
    }
    private let state = Mutex(State())
    /// Read but not yet taken from `responses`: only the thread that checked the process out reads.
    private var pending: [UInt8] = []

    private init(pid: pid_t, requests: Int32, responses: Int32, output: Int32, errors: Int32, outputLimit: Int) {
        self.pid = pid
        self.requests = requests
        self.responses = responses
        self.output = StreamCollector(descriptor: output, limit: outputLimit)
        self.errors = StreamCollector(descriptor: errors, limit: outputLimit)
    }

    deinit { stop() }

    /// Starts `executable arguments` in `workingDirectory`; returns at once, before it is up.
    static func start(
        executable: String, arguments: [String], environment: [String: String], workingDirectory: String,
        outputLimit: Int
    ) throws -> WarmProcess {
        ProcessSupervisor.prepare()
        ProcessSupervisor.reapEnded()
        var made: [ProcessPipe] = []
        do {
            for _ in 0..<4 { made.append(try ProcessPipe.make().raised()) }
        } catch {
            for pipe in made { close(pipe.read); close(pipe.write) }
            throw error
        }
        let (stdout, stderr, request, response) = (made[0], made[1], made[2], made[3])
        let childEnds = [(stdout.write, Int32(1)), (stderr.write, 2), (request.read, 3), (response.write, 4)]
        let pid: pid_t
        do {
            let nothing = open("/dev/null", O_RDONLY | O_CLOEXEC)
            defer { if nothing >= 0 { close(nothing) } }
            pid = try ProcessRunner.spawn(
                executable: executable, arguments: arguments, environment: environment,
                workingDirectory: workingDirectory, standardInput: nothing, standardOutput: stdout.write,
                standardError: stderr.write, more: [(request.read, 3), (response.write, 4)])
        } catch {
            for pipe in made { close(pipe.read); close(pipe.write) }
            throw error
        }
        for (descriptor, _) in childEnds { close(descriptor) }
        return WarmProcess(
            pid: pid, requests: request.write, responses: response.read, output: stdout.read, errors: stderr.read,
            outputLimit: outputLimit)
    }

    /// The harness's greeting, waiting for it up to `seconds`; nil when it ended or took longer.
    func ready(within seconds: Double = 60) -> Hello? {
        state.withLock { state -> Hello? in
            if let hello = state.hello { return hello }
            guard case .line(let text) = readLine(deadline: Date().addingTimeInterval(seconds)),
                case .object(let object)? = try? Value(parsingJSON: text), case .bool(true)? = object["ready"]
            else { return nil }
            func field(_ key: String) -> String? { if case .string(let value)? = object[key] { value } else { nil } }
            state.hello = Hello(version: field("version") ?? "unknown", executable: field("executable") ?? "")
            return state.hello
        }
    }

    /// Sends one request line (ending in a newline); false when the harness no longer reads.
    func send(_ line: String) -> Bool {
        var bytes = Array(line.utf8)
        bytes.append(UInt8(ascii: "\n"))
        return bytes.withUnsafeBytes { writeToPipe(requests, $0) }
    }

    /// Whether the harness has closed its end of the outcomes: it exited, or was killed, while idle
    /// (a timer of the last step's script may end it after its outcome).
    var hasEnded: Bool {
        var descriptor = pollfd(fd: responses, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, 0) > 0 && descriptor.revents & Int16(POLLHUP) != 0
    }

    /// The next line the harness writes on descriptor 4, waiting until `deadline` (nil: no limit).
    func readLine(deadline: Date?) -> Reply {
        var searched = 0
        // A pipe holds 64 KiB: a read never brings more. Not zeroed: each read fills what it counts.
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 1)
        defer { buffer.deallocate() }
        while true {
            // Only the bytes read since the last look can hold the newline: a result of many
            // megabytes is scanned once.
            if let newline = pending[searched...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[..<newline], as: UTF8.self)
                pending.removeSubrange(...newline)
                return .line(line)
            }
            searched = pending.count
            var descriptor = pollfd(fd: responses, events: Int16(POLLIN), revents: 0)
            let milliseconds = deadline.map { Int32(max(0, min(Double(Int32.max), $0.timeIntervalSinceNow * 1000).rounded(.up))) } ?? -1
            let ready = poll(&descriptor, 1, milliseconds)
            if ready < 0 {
                if errno == EINTR { continue }
                return .ended
            }
            if ready == 0 { return .timedOut }
            let count = read(responses, buffer.baseAddress, buffer.count)
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { return .ended }
            pending.append(contentsOf: buffer[..<count])
        }
    }

    /// Names the marker the harness writes to stdout and stderr after the next step; before sending it.
    func expectOutput(through marker: String) {
        output.expect(Array(marker.utf8))
        errors.expect(Array(marker.utf8))
    }

    /// The step's stdout and stderr: everything up to its marker on each, waiting for it up to `seconds`.
    func takeOutput(within seconds: Double = 5) -> (stdout: CapturedOutput, stderr: CapturedOutput) {
        let deadline = Date().addingTimeInterval(seconds)
        return (output.take(deadline: deadline), errors.take(deadline: deadline))
    }

    /// Whether the process closed its stdout or stderr: the harness does when a step closed one of
    /// them, since the next step's output could not be told from it; it is not reused.
    var outputEnded: Bool { output.ended || errors.ended }

    /// Everything written since the last step, once the process has ended (after a crash or a kill).
    func remainingOutput() -> (stdout: CapturedOutput, stderr: CapturedOutput) {
        (output.rest(), errors.rest())
    }

    /// Kills the process group and reaps the process; its exit status (as waitpid gives it).
    @discardableResult
    func terminate() -> Int32 {
        killGroup(pid)
        return reap()
    }

    /// Waits for the process to end; its exit status (as waitpid gives it).
    func reap() -> Int32 {
        state.withLock { state in
            var status: Int32 = 0
            if state.reaped { return status }
            while waitpid(pid, &status, 0) < 0 {
                if errno != EINTR { break }
            }
            state.reaped = true
            return status
        }
    }

    /// Ends the process: it reads end of file on its requests and exits; the group is killed so
    /// nothing a script left running outlives the run.
    func stop() {
        let (done, gone) = state.withLock { state in
            defer { state.stopped = true }
            return (state.stopped, state.reaped)
        }
        if done { return }
        close(requests)
        close(responses)
        // A reaped process's id may already belong to another process.
        if gone { return }
        killGroup(pid)
        // Not waited for: a runtime's teardown takes milliseconds, which neither the next step
        // nor hops ending should wait for.
        ProcessSupervisor.reapLater(pid)
    }
}

/// SIGKILL to the process group `group`.
private func killGroup(_ group: pid_t) {
    _ = kill(-group, SIGKILL)
}

extension ProcessPipe {
    /// The same pipe on descriptors above 4 (close-on-exec), so that placing the child's ends on
    /// 1 to 4 never overwrites another of them.
    func raised() throws -> ProcessPipe {
        func raise(_ descriptor: Int32) -> Int32 {
            let moved = fcntl(descriptor, F_DUPFD_CLOEXEC, 10)
            close(descriptor)
            return moved
        }
        let pipe = ProcessPipe(read: raise(read), write: raise(write))
        guard pipe.read >= 0, pipe.write >= 0 else { throw ProcessError.spawnFailed(executable: "pipe", code: errno) }
        return pipe
    }
}

/// Reads one output stream of a warm process for its whole life, handing it out step by step:
/// each step's part ends at its marker, and is kept within the output limit as a cold step's is.
final class StreamCollector: Sendable {
    private struct State {
        /// The running step's output so far (and what came between steps, which is the next one's).
        var current: BoundedBytes
        /// The marker that ends the running step's output, once the step is asked for.
        var marker: [UInt8]?
        /// The last bytes read, which may be the start of the marker: kept aside until it is known.
        var carry: [UInt8] = []
        /// The step's output once its marker came.
        var finished: CapturedOutput?
        var ended = false
    }
    private let state: Mutex<State>
    /// Signalled for each chunk read and at the end of the stream.
    private let progress = DispatchSemaphore(value: 0)

    init(descriptor: Int32, limit: Int) {
        state = Mutex(State(current: BoundedBytes(limit: limit)))
        detachThread { [self] in
            PipeReader.read(descriptor) { chunk in
                state.withLock { collect(chunk, into: &$0) }
                progress.signal()
            }
            state.withLock { $0.ended = true }
            progress.signal()
        }
    }

    private func collect(_ chunk: ArraySlice<UInt8>, into state: inout State) {
        guard let marker = state.marker else {
            state.current.append(chunk)
            return
        }
        let data = state.carry + chunk
        if let range = Self.find(marker, in: data) {
            state.current.append(data[..<range.lowerBound])
            state.finished = state.current.take()
            state.marker = nil
            state.carry = []
            // Written after the marker: a timer of the script, say; it belongs to the next step.
            state.current.append(data[range.upperBound...])
            return
        }
        let kept = min(marker.count - 1, data.count)
        state.current.append(data[..<(data.count - kept)])
        state.carry = Array(data.suffix(kept))
    }

    /// Whether the stream reached its end: every process holding its writing end closed it.
    var ended: Bool { state.withLock { $0.ended } }

    /// Names the marker that will end the next step's output; called before the step is sent.
    func expect(_ marker: [UInt8]) {
        state.withLock { state in
            state.marker = marker
            state.finished = nil
        }
    }

    /// The step's output up to its marker; everything so far when the marker does not come by `deadline`.
    func take(deadline: Date) -> CapturedOutput {
        while true {
            let taken = state.withLock { state -> CapturedOutput? in
                if let finished = state.finished {
                    state.finished = nil
                    return finished
                }
                return state.ended ? drain(&state) : nil
            }
            if let taken { return taken }
            if progress.wait(timeout: .now() + max(0, deadline.timeIntervalSinceNow)) == .timedOut {
                return state.withLock { drain(&$0) }
            }
        }
    }

    /// Everything left, waiting up to a second for the end of the stream.
    func rest() -> CapturedOutput {
        take(deadline: Date().addingTimeInterval(1))
    }

    /// What was read and not yet handed out, with nothing expected any more.
    private func drain(_ state: inout State) -> CapturedOutput {
        if let finished = state.finished {
            state.finished = nil
            return finished
        }
        state.current.append(state.carry)
        state.carry = []
        state.marker = nil
        return state.current.take()
    }

    /// Where `marker` first occurs in `data` (memchr for its first byte, then memcmp).
    private static func find(_ marker: [UInt8], in data: [UInt8]) -> Range<Int>? {
        guard let first = marker.first, data.count >= marker.count else { return nil }
        return data.withUnsafeBufferPointer { bytes -> Range<Int>? in
            marker.withUnsafeBufferPointer { wanted -> Range<Int>? in
                guard let base = bytes.baseAddress, let wantedBase = wanted.baseAddress else { return nil }
                let last = bytes.count - wanted.count
                var index = 0
                while index <= last {
                    guard let hit = memchr(base + index, Int32(first), last - index + 1) else { return nil }
                    let at = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                    if memcmp(base + at, wantedBase, wanted.count) == 0 { return at..<at + wanted.count }
                    index = at + 1
                }
                return nil
            }
        }
    }
}
