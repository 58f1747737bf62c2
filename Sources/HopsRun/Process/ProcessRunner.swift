import CProcess
import Foundation
import HopsLang
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs a child process as the root of its own tree, so that a timeout, a cancel or the end of
/// hops ends everything it started (see `ProcessSupervisor` for the design).
///
/// Output is read by one thread per pipe while another feeds stdin: a child writing megabytes
/// to both streams never blocks on a full pipe. What is kept of each stream is bounded.
public enum ProcessRunner {
    /// Runs `request` to its end; throws on a timeout, a cancel, or when it cannot start.
    public static func run(_ request: ProcessRequest, cancellation: Cancellation? = nil) throws -> ProcessResult {
        let started = Date()
        ProcessSupervisor.prepare()
        let environment = request.environment ?? ProcessInfo.processInfo.environment
        guard let executable = resolve(request.executable, path: environment["PATH"]) else {
            throw ProcessError.executableNotFound(request.executable)
        }
        // Close-on-exec from creation: a child spawned by another thread meanwhile inherits none.
        let input = try ProcessPipe.make()
        let output: ProcessPipe
        let errors: ProcessPipe
        do {
            output = try ProcessPipe.make()
            do {
                errors = try ProcessPipe.make()
            } catch {
                output.closeBoth()
                throw error
            }
        } catch {
            input.closeBoth()
            throw error
        }

        let leader = ProcessSupervisor.leaderPath
        var program = executable
        var arguments = request.arguments
        if let leader {
            program = leader
            let graceMilliseconds = Int((ProcessSupervisor.gracePeriod * 1000).rounded())
            arguments =
                [String(getpid()), String(graceMilliseconds), request.workFolder ?? "-", executable] + arguments
        }
        let pid: pid_t
        do {
            pid = try spawn(
                executable: program, arguments: arguments, environment: environment,
                workingDirectory: request.workingDirectory,
                standardInput: input.read, standardOutput: output.write, standardError: errors.write)
        } catch {
            for pipe in [input, output, errors] { pipe.closeBoth() }
            if case .spawnFailed(_, let code) = error as? ProcessError {
                throw ProcessError.spawnFailed(executable: executable, code: code)
            }
            throw error
        }
        // The child holds its own copies; the parent keeps only its ends.
        close(input.read)
        close(output.write)
        close(errors.write)

        let outputReader = PipeReader(descriptor: output.read, limit: request.outputLimit)
        let errorReader = PipeReader(descriptor: errors.read, limit: request.outputLimit)
        let stdinData = request.standardInput
        let writeDescriptor = input.write
        detachThread {
            // False for a child that does not read its input, which is fine.
            _ = stdinData.withUnsafeBytes { writeToPipe(writeDescriptor, $0) }
            close(writeDescriptor)
        }

        let process = RunningProcess(pid: pid, hasLeader: leader != nil)
        ProcessSupervisor.register(process)
        let registered = cancellation?.register(process) ?? true
        let watchdog = Watchdog(process: process)
        if let timeout = request.timeout {
            watchdog.arm(after: timeout)
        }
        let status = waitForExit(pid)
        if leader == nil {
            // Without a leader, the group may outlive its first process (a background child still
            // holding the pipes): give it until the deadline, then kill it so the readers reach the end.
            let grace = request.timeout.map { max(0.05, $0 - Date().timeIntervalSince(started)) } ?? 2
            if !outputReader.wait(seconds: grace) || !errorReader.wait(seconds: 0.05) {
                kill(-pid, SIGKILL)
            }
        }
        watchdog.disarm()
        cancellation?.unregister(process)
        ProcessSupervisor.unregister(process)
        // A leader exits only when its whole tree has: the pipes are at their end.
        let stdout = outputReader.finish()
        let stderr = errorReader.finish()

        let partial = ProcessError.PartialOutput(stdout: stdout.text, stderr: stderr.text)
        if watchdog.fired, let timeout = request.timeout {
            throw ProcessError.timedOut(seconds: timeout, partial: partial)
        }
        if !registered || (cancellation?.isCancelled ?? false) {
            throw ProcessError.cancelled(partial: partial)
        }
        var result = ProcessResult(
            exitCode: nil, signal: nil, standardOutput: stdout.bytes, standardError: stderr.bytes,
            duration: Date().timeIntervalSince(started))
        result.standardOutputCut = stdout.cut
        result.standardErrorCut = stderr.cut
        if status & 0x7f == 0 {
            result.exitCode = (status >> 8) & 0xff
        } else {
            result.signal = status & 0x7f
        }
        return result
    }

    /// The full path of `name`: itself when it holds a slash, else the first match on `path`.
    public static func resolve(_ name: String, path: String?) -> String? {
        if name.contains("/") {
            return access(name, X_OK) == 0 ? name : nil
        }
        let directories = (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":")
        for directory in directories {
            let candidate = "\(directory)/\(name)"
            var info = stat()
            if access(candidate, X_OK) == 0, stat(candidate, &info) == 0, info.st_mode & S_IFMT != S_IFDIR {
                return candidate
            }
        }
        return nil
    }

    private static func waitForExit(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return 0x7f & SIGKILL }
        }
        return status
    }
}

/// Both ends of a pipe, close-on-exec from creation (pipe2) so no concurrently spawned child
/// inherits them.
public struct ProcessPipe: Sendable {
    public var read: Int32
    public var write: Int32

    public init(read: Int32, write: Int32) {
        self.read = read
        self.write = write
    }

    public static func make() throws -> ProcessPipe {
        var descriptors: [Int32] = [-1, -1]
        guard hops_pipe_cloexec(&descriptors) == 0 else {
            throw ProcessError.spawnFailed(executable: "pipe", code: errno)
        }
        return ProcessPipe(read: descriptors[0], write: descriptors[1])
    }

    func closeBoth() {
        close(read)
        close(write)
    }
}

/// Stops a process tree when its deadline passes, unless disarmed first.
final class Watchdog: Sendable {
    private struct State {
        var armed = false
        var fired = false
    }
    private let state = Mutex(State())
    private let process: RunningProcess

    init(process: RunningProcess) { self.process = process }

    var fired: Bool { state.withLock { $0.fired } }

    func arm(after seconds: Double) {
        state.withLock { $0.armed = true }
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { [self] in
            let fire = state.withLock { state -> Bool in
                guard state.armed else { return false }
                state.fired = true
                return true
            }
            if fire { process.stop() }
        }
    }

    func disarm() {
        state.withLock { $0.armed = false }
    }
}
