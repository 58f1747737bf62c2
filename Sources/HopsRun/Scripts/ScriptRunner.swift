import Foundation
import HopsFlow
import HopsLang
import HopsStore
import Synchronization

/// Runs one script as Windmill runs it: arguments by name, `main`'s return value as the result.
///
/// Deno and python3 scripts run under the harnesses of `stdlib/`, which report the result or the
/// error through a file, keeping stdout and stderr for the script's log. bash scripts run as they
/// are, with positional arguments; their result is the last line of stdout.
public struct ScriptRunner: Sendable {
    public let context: WorkspaceContext
    public let runtimes: Runtimes
    /// The warm deno and python3 processes steps run in; nil when every step gets a fresh process.
    public let warm: WarmRuntimes?
    /// The path scripts read so far, each read again only when it changed; shared with the runner
    /// `forFlow` makes, so that a step of a subflow ends the pass of the flow that called it.
    private(set) var scriptFiles = ScriptFiles()
    /// The identity of each runner asked for so far: the same for every step this runner runs.
    private let identities = RunnerIdentities()

    /// `isolate`: a fresh process for every step instead of warm ones.
    public init(context: WorkspaceContext, runtimes: Runtimes? = nil, isolate: Bool = false) {
        self.context = context
        let runtimes = runtimes ?? Runtimes(repositoryRoot: context.repositoryRoot, environment: context.environment)
        self.runtimes = runtimes
        warm = isolate ? nil : WarmRuntimes(context: context, runtimes: runtimes)
    }

    /// This runner, or one giving every step a fresh process when `flow` asks for that.
    public func forFlow(_ flow: Flow) -> ScriptRunner {
        guard flow.isolatesSteps, warm != nil else { return self }
        var isolated = ScriptRunner(context: context, runtimes: runtimes, isolate: true)
        isolated.scriptFiles = scriptFiles
        return isolated
    }

    /// A runner for the repository at `repositoryRoot`, reading its `.env` and resources.
    public init(repositoryRoot: String, isolate: Bool = false) {
        self.init(context: WorkspaceContext(repositoryRoot: repositoryRoot), isolate: isolate)
    }

    /// The runner's name and version, as the cache key takes them.
    public func runnerIdentity(for language: ScriptLanguage) -> (runner: String, version: String) {
        identities.identity(of: language) { lookUpIdentity(for: language) }
    }

    /// The executable of `language` found on PATH (or named by HOPS_DENO) and its version, asked
    /// once in the process for each PATH.
    private func lookUpIdentity(for language: ScriptLanguage) -> (runner: String, version: String) {
        let environment = context.environment
        let key = [language.rawValue, environment["HOPS_DENO"] ?? "", environment["PATH"] ?? "", context.repositoryRoot]
            .joined(separator: "\u{0}")
        if let known = VersionCache.shared.value(for: key) { return (language.rawValue, known) }
        let version: String
        switch language {
        case .python3:
            guard let interpreter = try? Interpreters.python(runtimes: runtimes) else { return (language.rawValue, "missing") }
            version = interpreter.version
        case .deno, .bash:
            guard let executable = try? runtimes.executable(for: language) else { return (language.rawValue, "missing") }
            // `deno 2.1.4 (stable, release, …)`: the words a warm harness also reports.
            let full = runtimes.version(of: executable)
            version = language == .deno ? full.split(separator: " ").prefix(2).joined(separator: " ") : full
        }
        VersionCache.shared.set(version, for: key)
        return (language.rawValue, version)
    }

    /// Runs `script` with `arguments` (secrets as `$var:`/`$res:` references, resolved here).
    public func run(
        _ script: Script, arguments: ObjectValue, timeout: Double? = nil, cancellation: Cancellation? = nil
    ) -> StepOutcome {
        let started = Date()
        let resolved: ResolvedArguments
        do {
            resolved = try context.resolveArguments(arguments)
        } catch {
            return .failure(StepError(kind: .setup, message: "\(error)"))
        }
        var outcome = execute(script, resolved: resolved, timeout: timeout, cancellation: cancellation)
        outcome.duration = Date().timeIntervalSince(started)
        // Mask what the step read before its output leaves this function.
        outcome.secretValues = Array(Set(outcome.secretValues + resolved.secretValues))
        let redactor = SecretRedactor(secrets: outcome.secretValues)
        outcome.stdout = redactor.redact(outcome.stdout)
        outcome.stderr = redactor.redact(outcome.stderr)
        outcome.stdoutBytes = outcome.stdoutBytes.map(redactor.redact)
        outcome.stderrBytes = outcome.stderrBytes.map(redactor.redact)
        if var error = outcome.error {
            error.message = redactor.redact(error.message)
            error.stack = redactor.redact(error.stack)
            error.stderrTail = redactor.redact(error.stderrTail)
            outcome.error = error
        }
        return outcome
    }

    private func execute(
        _ script: Script, resolved: ResolvedArguments, timeout: Double?, cancellation: Cancellation?
    ) -> StepOutcome {
        if let file = script.file, !FileManager.default.fileExists(atPath: file) {
            return .failure(StepError(kind: .scriptNotFound, message: "script not found: \(file)"))
        }
        if let warm, let outcome = runWarm(script, in: warm, resolved: resolved, timeout: timeout, cancellation: cancellation) {
            return explainingImportFailure(outcome, script: script)
        }
        let executable: String
        do {
            // python3 as its shim (pyenv) resolved it once, not through the shim every step.
            executable = try script.language == .python3
                ? Interpreters.python(runtimes: runtimes).executable : runtimes.executable(for: script.language)
        } catch {
            return .failure(StepError(kind: .setup, message: "\(error)"))
        }
        let workDirectory: String
        do {
            workDirectory = try ProcessSupervisor.makeWorkFolder()
        } catch {
            return .failure(StepError(kind: .setup, message: "\(error)"))
        }
        defer { ProcessSupervisor.removeWorkFolder(workDirectory) }
        do {
            let prepared = try prepare(script, executable: executable, resolved: resolved, in: workDirectory)
            var request = prepared.request
            request.workFolder = workDirectory
            request.timeout = timeout
            request.outputLimit = ProcessRequest.outputLimit(environment: context.environment)
            let process = try ProcessRunner.run(request, cancellation: cancellation)
            return explainingImportFailure(interpret(process, script: script, resultFile: prepared.resultFile), script: script)
        } catch let error as ProcessError {
            return processFailure(error)
        } catch {
            return .failure(StepError(kind: .setup, message: "\(error)"))
        }
    }

    /// Items a parallel loop without `parallelism` runs at once: `HOPS_PARALLELISM`, else 8.
    public var maximumParallelism: Int {
        context.environment["HOPS_PARALLELISM"].flatMap { Int($0) }.map { max($0, 1) } ?? 8
    }

    private func processFailure(_ error: ProcessError) -> StepOutcome {
        switch error {
        case .timedOut(_, let partial):
            return .failure(
                StepError(kind: .timeout, message: error.description, stderrTail: StepError.tail(partial.stderr)),
                stdout: partial.stdout, stderr: partial.stderr)
        case .cancelled(let partial):
            return .failure(
                StepError(kind: .cancelled, message: "cancelled", stderrTail: StepError.tail(partial.stderr)),
                stdout: partial.stdout, stderr: partial.stderr)
        default:
            return .failure(StepError(kind: .setup, message: error.description))
        }
    }
}

/// What `runnerIdentity` answered for each language.
private final class RunnerIdentities: Sendable {
    // Steps in parallel ask at the same time.
    private let known = Mutex<[ScriptLanguage: (runner: String, version: String)]>([:])

    func identity(
        of language: ScriptLanguage, _ lookUp: () -> (runner: String, version: String)
    ) -> (runner: String, version: String) {
        if let identity = known.withLock({ $0[language] }) { return identity }
        let identity = lookUp()
        known.withLock { $0[language] = identity }
        return identity
    }
}
