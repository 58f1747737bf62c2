import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs a child process in its own process group, so a timeout or a cancel kills its whole tree.
///
/// Output is read by one thread per pipe while another feeds stdin: a child writing megabytes
/// to both streams never blocks on a full pipe.
public enum ProcessRunner {
    /// Runs `request` to its end; throws on a timeout, a cancel, or when it cannot start.
    public static func run(_ request: ProcessRequest, cancellation: Cancellation? = nil) throws -> ProcessResult {
        let started = Date()
        let environment = request.environment ?? ProcessInfo.processInfo.environment
        guard let executable = resolve(request.executable, path: environment["PATH"]) else {
            throw ProcessError.executableNotFound(request.executable)
        }
        ProcessPipe.spawnLock.lock()
        let pipes: (input: ProcessPipe, output: ProcessPipe, errors: ProcessPipe)
        do {
            pipes = (try ProcessPipe.make(), try ProcessPipe.make(), try ProcessPipe.make())
        } catch {
            ProcessPipe.spawnLock.unlock()
            throw error
        }
        let (input, output, errors) = pipes

        let pid: pid_t
        do {
            pid = try spawn(
                executable: executable, arguments: request.arguments, environment: environment,
                workingDirectory: request.workingDirectory,
                standardInput: input.read, standardOutput: output.write, standardError: errors.write)
        } catch {
            ProcessPipe.spawnLock.unlock()
            for descriptor in [input.read, input.write, output.read, output.write, errors.read, errors.write] {
                close(descriptor)
            }
            throw error
        }
        // The child holds its own copies; the parent keeps only its ends.
        close(input.read)
        close(output.write)
        close(errors.write)
        ProcessPipe.spawnLock.unlock()

        let outputReader = PipeReader(descriptor: output.read)
        let errorReader = PipeReader(descriptor: errors.read)
        let stdinData = request.standardInput
        let writeDescriptor = input.write
        Thread.detachNewThread {
            stdinData.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count, let base = buffer.baseAddress {
                    let written = write(writeDescriptor, base + offset, buffer.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        break  // EPIPE: the child does not read its input, which is fine
                    }
                    offset += written
                }
            }
            close(writeDescriptor)
        }

        let registered = cancellation?.register(group: pid) ?? true
        let watchdog = Watchdog(group: pid)
        if let timeout = request.timeout {
            watchdog.arm(after: timeout)
        }
        let status = waitForExit(pid)
        // The group may outlive its leader (a background child still holding the pipes):
        // give it until the deadline, then kill it so the readers reach end of file.
        let grace = request.timeout.map { max(0.05, $0 - Date().timeIntervalSince(started)) } ?? 2
        if !outputReader.wait(seconds: grace) || !errorReader.wait(seconds: 0.05) {
            kill(-pid, SIGKILL)
        }
        watchdog.disarm()
        cancellation?.unregister(group: pid)
        let stdout = outputReader.finish()
        let stderr = errorReader.finish()

        let partial = ProcessError.PartialOutput(
            stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
        if watchdog.fired, let timeout = request.timeout {
            throw ProcessError.timedOut(seconds: timeout, partial: partial)
        }
        if !registered || (cancellation?.isCancelled ?? false) {
            throw ProcessError.cancelled(partial: partial)
        }
        var result = ProcessResult(
            exitCode: nil, signal: nil, standardOutput: stdout, standardError: stderr,
            duration: Date().timeIntervalSince(started))
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

/// Both ends of a pipe, close-on-exec so children spawned concurrently do not inherit them.
struct ProcessPipe {
    var read: Int32
    var write: Int32

    /// Creating pipes and spawning happen under this lock: between `pipe` and `fcntl` a
    /// concurrent spawn would otherwise inherit the new descriptors and hold the pipe open.
    static let spawnLock = NSLock()

    static func make() throws -> ProcessPipe {
        var descriptors: [Int32] = [0, 0]
        guard pipe(&descriptors) == 0 else {
            throw ProcessError.spawnFailed(executable: "pipe", code: errno)
        }
        for descriptor in descriptors { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        return ProcessPipe(read: descriptors[0], write: descriptors[1])
    }
}

/// Kills a process group when its deadline passes, unless disarmed first.
final class Watchdog: @unchecked Sendable {
    // Guarded by `lock`: the timer thread and the waiting thread both touch the state.
    private let lock = NSLock()
    private let group: pid_t
    private var armed = false
    private var didFire = false

    init(group: pid_t) { self.group = group }

    var fired: Bool {
        lock.lock()
        defer { lock.unlock() }
        return didFire
    }

    func arm(after seconds: Double) {
        lock.lock()
        armed = true
        lock.unlock()
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { [self] in
            lock.lock()
            defer { lock.unlock() }
            guard armed else { return }
            didFire = true
            kill(-group, SIGKILL)
        }
    }

    func disarm() {
        lock.lock()
        armed = false
        lock.unlock()
    }
}
