import Foundation
import HopsFlow
import HopsLang
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The warm runtime processes of one run, like Windmill's dedicated workers: one deno or python3
/// harness per script, started ahead of need and reused step after step.
///
/// Each step imports its script afresh (Deno: a new module specifier for the file; Python: a new
/// module object), so top-level state does not carry over. A process that crashes, times out or is
/// cancelled fails only the step it was running and is replaced by a new one for the next step.
/// The processes end with the run (when the last copy of its `ScriptRunner` goes).
///
/// Steps of parallel loops ask from several threads, and each takes a process of its own.
public final class WarmRuntimes: Sendable {
    /// How a script's warm process is started.
    struct Plan {
        /// One process per key: the runtime, the script file and its import map.
        var key: String
        var language: ScriptLanguage
        var executable: String
        var arguments: [String]
        var environment: [String: String]
        /// The file the harness imports (an inline script is written to one).
        var scriptFile: String
    }

    let context: WorkspaceContext
    let runtimes: Runtimes
    private struct State {
        var idle: [String: [WarmProcess]] = [:]
        /// The keys of the flow's scripts in the order its steps name them, for starting the next one early.
        var order: [String] = []
        var plans: [String: Plan] = [:]
        /// The key of the plan made for a Deno script (its file and text): its permissions, import
        /// map and environment are read from its text once per run, not per step. (A python3 plan
        /// changes once a harness has said which interpreter a shim starts.)
        var planKeys: [String: String] = [:]
        var folderPath: String?
    }
    private let state = Mutex(State())

    init(context: WorkspaceContext, runtimes: Runtimes) {
        self.context = context
        self.runtimes = runtimes
    }

    deinit {
        let (idle, folderPath) = state.withLock { ($0.idle, $0.folderPath) }
        for process in idle.values.joined() { process.stop() }
        if let folderPath { ProcessSupervisor.removeWorkFolder(folderPath) }
    }

    /// Starts the processes of the first scripts `flow` runs, and notes the order of the others
    /// so each is started while the one before it runs.
    public func prewarm(_ flow: Flow) {
        if flow.isolatesSteps { return }
        var keys: [String] = []
        for module in flow.allModules {
            guard let script = Self.script(of: module, in: flow, repositoryRoot: context.repositoryRoot),
                let plan = try? plan(for: script), !keys.contains(plan.key)
            else { continue }
            keys.append(plan.key)
        }
        state.withLock { $0.order = keys }
        for key in keys.prefix(2) { ensureStarted(key) }
    }

    /// The version of the runtime that runs `script`, as its warm process reports it; nil for
    /// bash or when no warm process starts.
    func version(for script: Script) -> String? {
        // Not asked for a bash script's plan, which would only make the error that says it has none.
        guard script.language != .bash, let plan = try? plan(for: script), let process = ensureStarted(plan.key)
        else { return nil }
        return ready(process, plan: plan)?.version
    }

    /// The greeting of `process`, once it is up; a python3 harness says which interpreter a shim started.
    func ready(_ process: WarmProcess, plan: Plan) -> WarmProcess.Hello? {
        guard let hello = process.ready() else { return nil }
        if plan.language == .python3 {
            Interpreters.learn(runtimes: runtimes, executable: hello.executable, version: hello.version)
        }
        return hello
    }

    // MARK: - The processes

    /// An idle process for `plan`, or a new one. One that ended while idle is let go: the step
    /// gets a new one, as after a crash.
    func checkOut(_ plan: Plan) throws -> WarmProcess {
        while let process = state.withLock({ $0.idle[plan.key]?.popLast() }) {
            if !process.hasEnded { return process }
            process.stop()
        }
        return try start(plan)
    }

    func checkIn(_ process: WarmProcess, key: String) {
        state.withLock { $0.idle[key, default: []].append(process) }
    }

    /// The idle process of `key`, started now when there is none.
    @discardableResult
    private func ensureStarted(_ key: String) -> WarmProcess? {
        // Under the lock, so that two steps asking at once start one process, not two.
        state.withLock { state in
            if let process = state.idle[key]?.last { return process }
            guard let plan = state.plans[key], let process = try? start(plan) else { return nil }
            state.idle[key, default: []].append(process)
            return process
        }
    }

    /// Starts the process of the script after `key` in the flow's order, when it has none yet.
    func startNext(after key: String) {
        let next = state.withLock { state in
            state.order.firstIndex(of: key).map { state.order.index(after: $0) }.flatMap {
                $0 < state.order.count ? state.order[$0] : nil
            }
        }
        if let next { ensureStarted(next) }
    }

    private func start(_ plan: Plan) throws -> WarmProcess {
        try WarmProcess.start(
            executable: plan.executable, arguments: plan.arguments, environment: plan.environment,
            workingDirectory: context.repositoryRoot, outputLimit: ProcessRequest.outputLimit(environment: context.environment))
    }

    // MARK: - Plans

    /// How `script`'s warm process starts; throws for bash and when the harness is missing.
    func plan(for script: Script) throws -> Plan {
        guard script.language != .bash else { throw RunError.invalidArgument("bash scripts do not run warm") }
        let identity = script.language == .deno ? (script.file ?? "") + "\u{0}" + script.content : nil
        if let identity, let plan = state.withLock({ state in state.planKeys[identity].flatMap { state.plans[$0] } }) {
            return plan
        }
        let plan = try newPlan(for: script)
        state.withLock {
            $0.plans[plan.key] = plan
            if let identity { $0.planKeys[identity] = plan.key }
        }
        return plan
    }

    private func newPlan(for script: Script) throws -> Plan {
        // A Python step with packages runs in its own virtual environment, in a process of its own.
        if script.language == .python3, !PythonDependencies.requirements(source: script.content, lock: script.lock).isEmpty {
            throw RunError.invalidArgument("a Python step with requirements runs in its own environment")
        }
        guard let stdlib = runtimes.stdlibDirectory() else {
            throw RunError.invalidArgument("hops's stdlib/ (the script harnesses) not found: set HOPS_STDLIB")
        }
        let folder = try folder()
        let scriptFile: String
        if let file = script.file {
            scriptFile = file.hasPrefix("/") ? file : FileManager.default.currentDirectoryPath + "/" + file
        } else {
            scriptFile = folder + "/inline-\(CacheKeyHash.short(script.content)).\(script.language.fileExtension)"
            if !FileManager.default.fileExists(atPath: scriptFile) { try writePrivateFile(script.content, to: scriptFile) }
        }
        // Only the WM_VAR_* variables, `.env` variables and resources the script names, as for a cold step.
        var environment = context.scriptEnvironment(source: script.content)
        environment["HOPS_REPO_ROOT"] = context.repositoryRoot
        environment["WM_WORKSPACE"] = environment["WM_WORKSPACE"] ?? "hops"
        environment["HOPS_CONTEXT_FILE"] = try contextFile(in: folder, source: script.content)
        environment["HOPS_VARIABLES_FILE"] = context.variablesFile
        let plan: Plan
        switch script.language {
        case .deno:
            let executable = try runtimes.deno()
            let importMap = ScriptRunner.importMap(for: script.content, client: stdlib + "/deno/windmill-client.ts")
            let mapFile = folder + "/import-map-\(CacheKeyHash.short(importMap)).json"
            if !FileManager.default.fileExists(atPath: mapFile) { try writePrivateFile(importMap, to: mapFile) }
            let denoDirectory = environment["DENO_DIR"] ?? context.repositoryRoot + "/.hops/deno"
            environment["DENO_DIR"] = denoDirectory
            environment["NO_COLOR"] = "1"
            let permissions = DenoPermissions.flags(
                source: script.content, scriptFile: scriptFile, workFolder: folder, stdlib: stdlib, context: context,
                denoDirectory: denoDirectory, serving: true)
            plan = Plan(
                key: (["deno", scriptFile, mapFile] + permissions).joined(separator: "\u{0}"), language: .deno,
                executable: executable,
                arguments:
                    ["run"] + permissions + [
                        "--no-prompt", "--quiet", "--no-config", "--no-lock", "--import-map", mapFile,
                        stdlib + "/deno/harness.ts", "--serve",
                    ],
                environment: environment, scriptFile: scriptFile)
        case .python3, .bash:
            // Through the shim until a harness has said which interpreter it starts.
            let interpreter = Interpreters.known(runtimes: runtimes)
            let executable = try interpreter?.executable ?? runtimes.executable(for: .python3)
            if let interpreter { environment["PATH"] = interpreter.path }
            environment["PYTHONPATH"] = [stdlib + "/python3", environment["PYTHONPATH"]].compactMap { $0 }.joined(separator: ":")
            environment["PYTHONDONTWRITEBYTECODE"] = "1"
            environment["PYTHONUNBUFFERED"] = "1"
            plan = Plan(
                key: ["python3", scriptFile].joined(separator: "\u{0}"), language: .python3, executable: executable, arguments: [stdlib + "/python3/harness.py", "--serve"],
                environment: environment, scriptFile: scriptFile)
        }
        return plan
    }

    /// The run's private folder (mode 0700): the context file, import maps, inline scripts.
    private func folder() throws -> String {
        try state.withLock { state in
            if let folderPath = state.folderPath { return folderPath }
            // A work folder as a step's: private, and removed even when a signal ends hops.
            let path = try ProcessSupervisor.makeWorkFolder()
            state.folderPath = path
            return path
        }
    }

    /// The variables and resources a script names, written once for its warm process (mode 0600).
    private func contextFile(in folder: String, source: String) throws -> String {
        let path = folder + "/context-\(CacheKeyHash.short(source)).json"
        try state.withLock { _ in
            if !FileManager.default.fileExists(atPath: path) { try writePrivateFile(context.harnessContextJSON(source: source), to: path) }
        }
        return path
    }

    /// The script a module runs, when it is a deno or python3 script hops can find.
    static func script(of module: FlowModule, in flow: Flow, repositoryRoot: String) -> Script? {
        switch module.value {
        case .rawScript(let raw):
            return try? Script.inline(raw.content, language: raw.language, name: raw.path ?? module.id)
        case .script(let path) where !path.path.hasPrefix("hops:"):
            guard let file = path.locate(in: flow, repositoryRoot: repositoryRoot), var script = try? Script.file(file)
            else { return nil }
            script.name = path.path
            return script
        default:
            return nil
        }
    }
}

/// Interpreters found once per hops process: a shim (pyenv and the like) is resolved to the
/// interpreter it starts, so steps do not pay for the shim.
enum Interpreters {
    struct Resolved: Sendable {
        var executable: String
        /// PATH with the interpreter's folder first, as the shim sets it.
        var path: String
        /// `Python X.Y.Z`, once a harness or a probe has said it.
        var version: String?
    }

    private static let resolved = Mutex<[String: Resolved]>([:])

    private static func key(_ runtimes: Runtimes) -> String {
        [runtimes.environment["PATH"] ?? "", runtimes.environment["PYENV_VERSION"] ?? "", runtimes.repositoryRoot]
            .joined(separator: "\u{0}")
    }

    /// The python3 already resolved for `runtimes`, else the one a pyenv shim would start; nil
    /// when only running it would tell.
    static func known(runtimes: Runtimes) -> Resolved? {
        if let found = resolved.withLock({ $0[key(runtimes)] }) { return found }
        guard let shim = try? runtimes.executable(for: .python3),
            let executable = pyenvInterpreter(shim: shim, environment: runtimes.environment, folder: runtimes.repositoryRoot)
        else { return nil }
        let found = Resolved(executable: executable, path: path(for: executable, runtimes: runtimes), version: nil)
        resolved.withLock { $0[key(runtimes)] = found }
        return found
    }

    /// Notes the interpreter a harness reported (`sys.executable`) and its version.
    static func learn(runtimes: Runtimes, executable: String, version: String) {
        guard executable.hasPrefix("/"), access(executable, X_OK) == 0 else { return }
        let found = Resolved(executable: executable, path: path(for: executable, runtimes: runtimes), version: version)
        resolved.withLock { $0[key(runtimes)] = found }
    }

    private static func path(for executable: String, runtimes: Runtimes) -> String {
        [(executable as NSString).deletingLastPathComponent, runtimes.environment["PATH"]].compactMap { $0 }
            .joined(separator: ":")
    }

    /// The real python3 of `runtimes`' PATH and its version, asked once when no harness has said it yet.
    static func python(runtimes: Runtimes) throws -> (executable: String, version: String) {
        let known = known(runtimes: runtimes)
        if let known, let version = known.version { return (known.executable, version) }
        let name = try known?.executable ?? runtimes.executable(for: .python3)
        let probe = "import sys; print(sys.executable); print('Python ' + sys.version.split()[0])"
        let result = try ProcessRunner.run(
            ProcessRequest(
                executable: name, arguments: ["-c", probe], environment: runtimes.environment,
                workingDirectory: runtimes.repositoryRoot, timeout: 30))
        let lines = result.stdout.split(separator: "\n").map(String.init)
        guard result.succeeded, lines.count >= 2 else {
            throw RunError.invalidArgument("\(name) did not say which interpreter it is: \(StepError.tail(result.stderr))")
        }
        learn(runtimes: runtimes, executable: lines[0], version: lines[1])
        return (access(lines[0], X_OK) == 0 ? lines[0] : name, lines[1])
    }

    /// The interpreter a pyenv shim at `shim` starts in `folder`, found as pyenv finds it:
    /// `PYENV_VERSION`, else the nearest `.python-version` from `folder` up, else `<root>/version`;
    /// the first named version holding `bin/python3`. nil for anything else (not a pyenv shim,
    /// `system`, a version pyenv would have to match by prefix), which then runs through the shim.
    static func pyenvInterpreter(shim: String, environment: [String: String], folder: String) -> String? {
        let suffix = "/shims/python3"
        guard shim.hasSuffix(suffix) else { return nil }
        let root = String(shim.dropLast(suffix.count))
        var names: [String] = []
        if let configured = environment["PYENV_VERSION"], !configured.isEmpty {
            names = configured.split(separator: ":").map(String.init)
        } else {
            var directory = folder
            var file = root + "/version"
            while !directory.isEmpty {
                if FileManager.default.fileExists(atPath: directory + "/.python-version") {
                    file = directory + "/.python-version"
                    break
                }
                if directory == "/" { break }
                directory = (directory as NSString).deletingLastPathComponent
            }
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { return nil }
            for line in text.split(separator: "\n") where !line.hasPrefix("#") {
                names += line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(String.init)
            }
        }
        for name in names where name != "system" && !name.contains("/") {
            let candidate = root + "/versions/" + name + "/bin/python3"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }
}

/// Short content hashes for file names.
enum CacheKeyHash {
    static func short(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return String(hash, radix: 16)
    }
}

extension ScriptRunner {
    /// Runs `script` in its warm process; nil when it cannot run warm (bash, no harness found),
    /// so the caller runs it in a process of its own.
    func runWarm(
        _ script: Script, in warm: WarmRuntimes, resolved: ResolvedArguments, timeout: Double?, cancellation: Cancellation?
    ) -> StepOutcome? {
        guard let plan = try? warm.plan(for: script) else { return nil }
        let process: WarmProcess
        do {
            process = try warm.checkOut(plan)
        } catch {
            return .failure(StepError(kind: .setup, message: "cannot start \(plan.executable): \(error)"))
        }
        warm.startNext(after: plan.key)
        // The warm process leads its own process group: a cancel kills the group.
        let running = RunningProcess(pid: process.pid, hasLeader: false)
        if let cancellation, !cancellation.register(running) {
            process.stop()
            return .failure(StepError(kind: .cancelled, message: "cancelled"))
        }
        defer { cancellation?.unregister(running) }
        guard warm.ready(process, plan: plan) != nil else {
            process.terminate()
            let output = process.remainingOutput()
            let cancelled = cancellation?.isCancelled == true
            return .failure(
                StepError(
                    kind: cancelled ? .cancelled : .setup,
                    message: cancelled ? "cancelled" : "the \(plan.language.rawValue) harness did not start",
                    stderrTail: StepError.tail(output.stderr.text)),
                output: output)
        }
        let started = Date()
        let marker = "\u{1}hops-step-end-\(UUID().uuidString)\u{1}"
        let request = ObjectValue([
            ("script", .string(plan.scriptFile)), ("args", .object(resolved.values)), ("marker", .string(marker)),
            ("env", .object(ObjectValue([("HOPS_STATE_FILE", .string(context.stateFile(for: script.name)))]))),
        ])
        process.expectOutput(through: marker)
        let sent = process.send(Value.object(request).jsonString() ?? "{}")
        // The timeout counts from the request: the process's own start-up is not the step's.
        let deadline = timeout.map { started.addingTimeInterval($0) }
        let reply = sent ? process.readLine(deadline: deadline) : .ended
        switch reply {
        case .line(let text):
            let output = process.takeOutput()
            if process.outputEnded { process.stop() } else { warm.checkIn(process, key: plan.key) }
            var outcome = StepOutcome(duration: Date().timeIntervalSince(started))
            outcome.keep(output)
            outcome = reported(text, in: outcome, script: script, tail: StepError.tail(output.stderr.text))
            return outcome
        case .timedOut:
            process.terminate()
            let output = process.remainingOutput()
            let message = ProcessError.timedOut(seconds: timeout ?? 0, partial: .init(stdout: "", stderr: "")).description
            return .failure(
                StepError(kind: .timeout, message: message, stderrTail: StepError.tail(output.stderr.text)),
                output: output)
        case .ended:
            let status = process.terminate()
            let output = process.remainingOutput()
            if cancellation?.isCancelled == true {
                return .failure(
                    StepError(kind: .cancelled, message: "cancelled", stderrTail: StepError.tail(output.stderr.text)),
                    output: output)
            }
            let how = status & 0x7f == 0 ? "exited with status \((status >> 8) & 0xff)" : "was killed by signal \(status & 0x7f)"
            return .failure(
                StepError(
                    kind: .exitStatus, message: "the \(plan.language.rawValue) process running the script \(how)",
                    stderrTail: StepError.tail(output.stderr.text)),
                output: output)
        }
    }
}

extension ScriptRunner {
    /// The runner's name and version for `script`: as its warm process reports them when it runs
    /// warm (the process is started now when it is not yet), else as `runnerIdentity(for:)` finds.
    public func runnerIdentity(for script: Script) -> (runner: String, version: String) {
        if let warm, let version = warm.version(for: script) { return (script.language.rawValue, version) }
        return runnerIdentity(for: script.language)
    }
}
