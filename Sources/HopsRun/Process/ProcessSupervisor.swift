import CProcess
import Foundation
import HopsLang
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One started process tree: a step's `hops-step` leader (or, without it, the step's own process
/// as the leader of its process group).
final class RunningProcess: Sendable {
    let pid: pid_t
    /// Whether `pid` is a `hops-step`, which ends the tree itself when asked.
    let hasLeader: Bool

    init(pid: pid_t, hasLeader: Bool) {
        self.pid = pid
        self.hasLeader = hasLeader
    }

    /// Asks the tree to end: SIGTERM to its leader, which sends SIGTERM to every descendant and
    /// SIGKILL after the grace period (at once when asked a second time).
    func stop() {
        if hasLeader {
            kill(pid, SIGTERM)
        } else {
            kill(-pid, SIGKILL)
        }
    }

    /// Ends the tree at once: SIGUSR1 makes the leader send SIGKILL to every descendant. Its own
    /// signal, since a second SIGTERM sent before the leader took the first would merge with it.
    func forceStop() {
        if hasLeader {
            kill(pid, SIGUSR1)
        } else {
            kill(-pid, SIGKILL)
        }
    }
}

/// What this hops process does for every child it starts: it stays the reaper of their orphans,
/// keeps the list of running trees, and ends them all when a signal ends hops.
///
/// Design: hops is a child subreaper (PR_SET_CHILD_SUBREAPER), so nothing below it can be
/// re-parented to init while hops lives. Each step runs under `hops-step`, a small C program that
/// is itself a subreaper of the step's tree and gets SIGTERM when hops dies (PR_SET_PDEATHSIG):
/// even a SIGKILLed hops leaves no step running, setsid() grandchildren included. SIGINT,
/// SIGTERM and SIGHUP reach hops through a pipe (the handler only writes the signal's number);
/// a thread reading the pipe hands them to the command's handler, or ends every tree and exits
/// 128+signal when the command has none.
public enum ProcessSupervisor {
    /// Seconds between SIGTERM and SIGKILL: `HOPS_GRACE_SECONDS`, else 2.
    public static let gracePeriod: Double =
        ProcessInfo.processInfo.environment["HOPS_GRACE_SECONDS"].flatMap { Double($0) }.map { max(0, $0) } ?? 2

    private struct State {
        var prepared = false
        /// A list, not a set: a set of Int32 would be the first made in most commands, and the
        /// Swift runtime takes half a millisecond to make that type.
        var listening: [Int32] = []
        var handler: (@Sendable (Int32) -> Void)?
        var running: [pid_t: RunningProcess] = [:]
        var workFolders: Set<String> = []
        /// Children killed and not waited for (`reapLater`).
        var unreaped: [pid_t] = []
    }
    private static let state = Mutex(State())
    /// Entered for every running tree, left when it ends: `waitForRunning` waits on it.
    private static let runningGroup = DispatchGroup()

    /// `hops-step` beside this executable; nil when it is missing (steps then run without it).
    static let leaderPath: String? = {
        var buffer = [CChar](repeating: 0, count: 4096)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard length > 0 else { return nil }
        let executable = String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let candidate = (executable as NSString).deletingLastPathComponent + "/hops-step"
        return access(candidate, X_OK) == 0 ? candidate : nil
    }()

    /// Makes hops the reaper of its orphaned descendants; once, before the first child starts.
    static func prepare() {
        let first = state.withLock { state -> Bool in
            defer { state.prepared = true }
            return !state.prepared
        }
        guard first else { return }
        _ = hops_become_child_subreaper()
        if leaderPath == nil {
            FileHandle.standardError.write(
                Data("warning: hops-step is not beside hops: a killed hops may leave step processes running\n".utf8))
        }
    }

    /// Reaps `pid`, a killed child, once it has ended, without waiting for it: now or at a later
    /// `reapEnded`. Until then it is a zombie, which holds nothing but its id; hops ending
    /// releases it.
    static func reapLater(_ pid: pid_t) {
        state.withLock { $0.unreaped.append(pid) }
        reapEnded()
    }

    /// Reaps the children given to `reapLater` that have ended since.
    static func reapEnded() {
        state.withLock { state in
            // 0: still ending; its id, or -1 when another wait took it: done with it.
            state.unreaped.removeAll { waitpid($0, nil, WNOHANG) != 0 }
        }
    }

    static func register(_ process: RunningProcess) {
        runningGroup.enter()
        state.withLock { $0.running[process.pid] = process }
    }

    static func unregister(_ process: RunningProcess) {
        let removed = state.withLock { $0.running.removeValue(forKey: process.pid) != nil }
        if removed { runningGroup.leave() }
    }

    /// From now on `signals` (SIGINT, SIGTERM, SIGHUP) go to the current handler instead of ending
    /// hops at once; without a handler, they end every tree and exit 128+signal.
    public static func handleSignals(_ signals: [Int32]) {
        let (fresh, descriptor) = state.withLock { state -> ([Int32], Int32?) in
            let fresh = signals.filter { !state.listening.contains($0) }
            state.listening += fresh
            return (fresh, fresh.isEmpty ? nil : signalPipe)
        }
        guard let descriptor else { return }
        for signal in fresh { _ = hops_forward_signal_to_pipe(signal, descriptor) }
    }

    /// The handler for the signals given to `handleSignals`; nil restores ending hops.
    public static func setSignalHandler(_ handler: (@Sendable (Int32) -> Void)?) {
        state.withLock { $0.handler = handler }
    }

    /// The write end of the pipe the signal handler writes to; a thread reads the other end.
    private static let signalPipe: Int32 = {
        var descriptors: [Int32] = [-1, -1]
        guard hops_pipe_cloexec(&descriptors) == 0 else { return -1 }
        let readEnd = descriptors[0]
        detachThread {
            var byte: UInt8 = 0
            while true {
                let count = read(readEnd, &byte, 1)
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { return }
                let signal = Int32(byte)
                if let handler = state.withLock({ $0.handler }) {
                    handler(signal)
                } else {
                    exitEndingEverything(signal: signal)
                }
            }
        }
        return descriptors[1]
    }()

    /// Creates a private folder (0700) for a process's files, removed on exit even when a signal ends hops.
    /// In TMPDIR, else /tmp, as Foundation's `temporaryDirectory` on Linux (without its URL work,
    /// which a flow's first runtime waits for): a relative TMPDIR is under the current directory,
    /// and the folder is named by its full path, since a step's runtime runs elsewhere.
    public static func makeWorkFolder() throws -> String {
        var temporary = getenv("TMPDIR").map { String(cString: $0) } ?? ""
        if !temporary.isEmpty && !temporary.hasPrefix("/") {
            temporary = FileManager.default.currentDirectoryPath + "/" + temporary
        }
        while temporary.count > 1 && temporary.hasSuffix("/") { temporary.removeLast() }
        let folder = (temporary.isEmpty ? "/tmp" : temporary) + "/hops-step-" + UUID().uuidString
        guard mkdir(folder, 0o700) == 0 else {
            throw ProcessError.workFolder(path: folder, code: errno)
        }
        state.withLock { _ = $0.workFolders.insert(folder) }
        return folder
    }

    /// Removes a folder made by `makeWorkFolder`.
    public static func removeWorkFolder(_ folder: String) {
        try? FileManager.default.removeItem(atPath: folder)
        state.withLock { _ = $0.workFolders.remove(folder) }
    }

    /// Stops every running tree; called twice, kills them.
    public static func stopAll() {
        for process in state.withLock({ Array($0.running.values) }) { process.stop() }
    }

    /// Waits until no tree runs, up to `seconds`; true when none does.
    public static func waitForRunning(seconds: Double) -> Bool {
        runningGroup.wait(timeout: .now() + seconds) == .success
    }

    /// Ends every tree (SIGTERM, then SIGKILL after the grace period), kills any other descendant,
    /// and exits 128+signal.
    public static func exitEndingEverything(signal: Int32) -> Never {
        stopAll()
        if !waitForRunning(seconds: gracePeriod + 1) {
            stopAll()
            _ = waitForRunning(seconds: 1)
        }
        killDescendants()
        for folder in state.withLock({ $0.workFolders }) { try? FileManager.default.removeItem(atPath: folder) }
        exit(128 + signal)
    }

    /// SIGKILL to every living descendant of hops (found through /proc), until none is left.
    public static func killDescendants() {
        for _ in 0..<20 {
            let found = descendants(of: getpid())
            if found.isEmpty { return }
            for pid in found { kill(pid, SIGKILL) }
            // Reap what ended among our own children so the next look does not count it again.
            while waitpid(-1, nil, WNOHANG) > 0 {}
        }
    }

    /// The living (not zombie) descendants of `root`, from /proc/PID/stat.
    static func descendants(of root: pid_t) -> [pid_t] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        var children: [pid_t: [pid_t]] = [:]
        var zombies: Set<pid_t> = []
        for entry in entries {
            guard let pid = pid_t(entry), let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 1, let parent = pid_t(fields[1]) else { continue }
            children[parent, default: []].append(pid)
            if fields[0] == "Z" { zombies.insert(pid) }
        }
        var found: [pid_t] = []
        var pending = [root]
        while let next = pending.popLast() {
            for child in children[next] ?? [] {
                if !zombies.contains(child) { found.append(child) }
                pending.append(child)
            }
        }
        return found
    }
}
