import Foundation
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

    private init(pid: pid_t, requests: Int32, responses: Int32, output: Int32, errors: Int32) {
        self.pid = pid
        self.requests = requests
        self.responses = responses
        self.output = StreamCollector(descriptor: output)
        self.errors = StreamCollector(descriptor: errors)
    }

    deinit { stop() }

    /// Starts `executable arguments` in `workingDirectory`; returns at once, before it is up.
    static func start(
        executable: String, arguments: [String], environment: [String: String], workingDirectory: String
    ) throws -> WarmProcess {
        ProcessSupervisor.prepare()
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
        return WarmProcess(pid: pid, requests: request.write, responses: response.read, output: stdout.read, errors: stderr.read)
    }

    /// The harness's greeting, waiting for it up to `seconds`; nil when it ended or took longer.
    func ready(within seconds: Double = 60) -> Hello? {
        state.withLock { state in
            if let hello = state.hello { return hello }
            guard case .line(let text) = readLine(deadline: Date().addingTimeInterval(seconds)),
                let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
                object["ready"] as? Bool == true
            else { return nil }
            state.hello = Hello(
                version: object["version"] as? String ?? "unknown", executable: object["executable"] as? String ?? "")
            return state.hello
        }
    }

    /// Sends one request line (ending in a newline); false when the harness no longer reads.
    func send(_ line: String) -> Bool {
        var bytes = Array(line.utf8)
        bytes.append(UInt8(ascii: "\n"))
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(requests, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += written
        }
        return true
    }

    /// The next line the harness writes on descriptor 4, waiting until `deadline` (nil: no limit).
    func readLine(deadline: Date?) -> Reply {
        var searched = 0
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
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
            let count = buffer.withUnsafeMutableBytes { read(responses, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { return .ended }
            pending.append(contentsOf: buffer[..<count])
        }
    }

    /// The step's stdout and stderr: everything up to `marker` on each, waiting for it up to `seconds`.
    func takeOutput(through marker: String, within seconds: Double = 5) -> (stdout: String, stderr: String) {
        let deadline = Date().addingTimeInterval(seconds)
        let bytes = Array(marker.utf8)
        return (output.take(through: bytes, deadline: deadline), errors.take(through: bytes, deadline: deadline))
    }

    /// Everything written since the last step, once the process has ended (after a crash or a kill).
    func remainingOutput() -> (stdout: String, stderr: String) {
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
        // Reaped on a thread of its own (holding only the id: this may run in deinit), so hops
        // ending does not wait for a runtime to tear down.
        let pid = pid
        Thread.detachNewThread {
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        }
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

/// Reads one output stream of a warm process for its whole life, handing it out step by step.
final class StreamCollector: @unchecked Sendable {
    // `data` and `ended` are guarded by `condition`.
    private let condition = NSCondition()
    private var data: [UInt8] = []
    private var ended = false

    init(descriptor: Int32) {
        Thread.detachNewThread { [self] in
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { break }
                condition.lock()
                data.append(contentsOf: buffer[..<count])
                condition.broadcast()
                condition.unlock()
            }
            close(descriptor)
            condition.lock()
            ended = true
            condition.broadcast()
            condition.unlock()
        }
    }

    /// What was written before `marker`, removing it and the marker; everything so far when the
    /// marker does not come by `deadline`.
    func take(through marker: [UInt8], deadline: Date) -> String {
        condition.lock()
        defer { condition.unlock() }
        var searched = 0
        while true {
            if let range = Self.find(marker, in: data, from: searched) {
                let text = String(decoding: data[..<range.lowerBound], as: UTF8.self)
                data.removeSubrange(..<range.upperBound)
                return text
            }
            // The marker may straddle what was read next: look again from just before the end.
            searched = max(0, data.count - marker.count + 1)
            if ended || !condition.wait(until: deadline) { break }
        }
        let text = String(decoding: data, as: UTF8.self)
        data.removeAll()
        return text
    }

    /// Everything left, waiting up to a second for the end of the stream.
    func rest() -> String {
        condition.lock()
        defer { condition.unlock() }
        let deadline = Date().addingTimeInterval(1)
        while !ended && condition.wait(until: deadline) {}
        let text = String(decoding: data, as: UTF8.self)
        data.removeAll()
        return text
    }

    /// Where `marker` first occurs in `data` at or after `start`.
    private static func find(_ marker: [UInt8], in data: [UInt8], from start: Int) -> Range<Int>? {
        guard let first = marker.first else { return nil }
        var index = start
        while let found = data[index...].firstIndex(of: first) {
            guard found + marker.count <= data.count else { return nil }
            if data[found..<found + marker.count].elementsEqual(marker) { return found..<found + marker.count }
            index = found + 1
        }
        return nil
    }
}
