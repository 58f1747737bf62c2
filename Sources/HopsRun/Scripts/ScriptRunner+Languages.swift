import Foundation
import HopsFlow
import HopsLang

extension ScriptRunner {
    struct PreparedRun {
        var request: ProcessRequest
        /// Where the harness writes its outcome; nil for bash, whose result is its last line.
        var resultFile: String?
    }

    /// Writes the files a run needs into `directory` and builds the command for `script`'s language.
    func prepare(
        _ script: Script, executable: String, resolved: ResolvedArguments, in directory: String
    ) throws -> PreparedRun {
        let scriptFile: String
        if let file = script.file {
            scriptFile = file.hasPrefix("/") ? file : FileManager.default.currentDirectoryPath + "/" + file
        } else {
            scriptFile = directory + "/main." + script.language.fileExtension
            try writePrivateFile(script.content, to: scriptFile)
        }
        // Only the WM_VAR_* variables the script names; the rest of the environment as it is.
        var environment = context.scriptEnvironment(source: script.content)
        environment["HOPS_REPO_ROOT"] = context.repositoryRoot
        environment["WM_WORKSPACE"] = environment["WM_WORKSPACE"] ?? "hops"

        if script.language == .bash {
            let arguments = Self.positionalArguments(resolved.values, script: script.content).map { value -> String in
                if case .string(let text) = value { return text }
                return value.jsonString() ?? ""
            }
            // Arguments travel in the environment (readable by this user only), not on the command
            // line (readable by everyone in /proc/PID/cmdline): the loader makes them $1, $2, …
            environment["HOPS_ARGUMENT_COUNT"] = String(arguments.count)
            for (index, argument) in arguments.enumerated() { environment["HOPS_ARGUMENT_\(index + 1)"] = argument }
            return PreparedRun(
                request: ProcessRequest(
                    executable: executable, arguments: ["-c", Self.bashLoader, scriptFile], environment: environment,
                    workingDirectory: context.repositoryRoot),
                resultFile: nil)
        }

        guard let stdlib = runtimes.stdlibDirectory() else {
            throw RunError.invalidArgument("hops's stdlib/ (the script harnesses) not found: set HOPS_STDLIB")
        }
        let argumentsFile = directory + "/args.json"
        let contextFile = directory + "/context.json"
        let resultFile = directory + "/result.json"
        try writePrivateFile(Value.object(resolved.values).jsonString() ?? "{}", to: argumentsFile)
        try writePrivateFile(context.harnessContextJSON(source: script.content), to: contextFile)
        environment["HOPS_ARGS_FILE"] = argumentsFile
        environment["HOPS_CONTEXT_FILE"] = contextFile
        environment["HOPS_RESULT_FILE"] = resultFile
        environment["HOPS_STATE_FILE"] = context.stateFile(for: script.name)
        environment["HOPS_VARIABLES_FILE"] = context.variablesFile

        switch script.language {
        case .deno:
            let importMap = directory + "/import_map.json"
            try writePrivateFile(Self.importMap(for: script.content, client: stdlib + "/deno/windmill-client.ts"), to: importMap)
            let denoDirectory = environment["DENO_DIR"] ?? context.repositoryRoot + "/.hops/deno"
            environment["DENO_DIR"] = denoDirectory
            environment["NO_COLOR"] = "1"
            let permissions = DenoPermissions.flags(
                source: script.content, scriptFile: scriptFile, workFolder: directory, stdlib: stdlib,
                context: context, denoDirectory: denoDirectory)
            let arguments =
                ["run"] + permissions + [
                    "--no-prompt", "--quiet", "--no-config", "--no-lock", "--import-map", importMap,
                    stdlib + "/deno/harness.ts", scriptFile,
                ]
            return PreparedRun(
                request: ProcessRequest(
                    executable: executable, arguments: arguments, environment: environment,
                    workingDirectory: context.repositoryRoot),
                resultFile: resultFile)
        case .python3:
            let path = [stdlib + "/python3", environment["PYTHONPATH"]].compactMap { $0 }.joined(separator: ":")
            environment["PYTHONPATH"] = path
            environment["PYTHONDONTWRITEBYTECODE"] = "1"
            environment["PYTHONUNBUFFERED"] = "1"
            return PreparedRun(
                request: ProcessRequest(
                    executable: try pythonExecutable(for: script, default: executable),
                    arguments: [stdlib + "/python3/harness.py", scriptFile],
                    environment: environment, workingDirectory: context.repositoryRoot),
                resultFile: resultFile)
        case .bash:
            preconditionFailure("bash is handled above")
        }
    }

    /// The `bash -c` program that runs a script (`$0`) with the arguments of the environment as
    /// its positional parameters, after removing them from the environment its commands inherit.
    static let bashLoader = """
        __hops_arguments=()
        for ((__hops_index = 1; __hops_index <= ${HOPS_ARGUMENT_COUNT:-0}; __hops_index++)); do
          __hops_name=HOPS_ARGUMENT_$__hops_index
          __hops_arguments+=("${!__hops_name}")
          unset "$__hops_name"
        done
        set -- "${__hops_arguments[@]}"
        unset HOPS_ARGUMENT_COUNT __hops_arguments __hops_index __hops_name
        . "$0"
        """

    /// An import map sending `windmill-client` and every `npm:windmill-client@…` the script names
    /// to the local stand-in.
    static func importMap(for source: String, client: String) -> String {
        var specifiers: Set<String> = ["windmill-client", "npm:windmill-client", "npm:windmill-client@1"]
        var rest = Substring(source)
        while let range = rest.range(of: "npm:windmill-client@") {
            let tail = rest[range.upperBound...]
            let version = tail.prefix { !"\"'` \n;".contains($0) }
            specifiers.insert("npm:windmill-client@" + version)
            rest = tail
        }
        let clientURL = URL(fileURLWithPath: client).absoluteString
        let imports = ObjectValue(specifiers.sorted().map { ($0, Value.string(clientURL)) })
        return Value.object(ObjectValue([("imports", .object(imports))])).jsonString(indent: 2) ?? "{}"
    }

    /// The outcome of a finished process, from the harness's result file or bash's last line.
    func interpret(_ process: ProcessResult, script: Script, resultFile: String?) -> StepOutcome {
        var outcome = StepOutcome(duration: process.duration)
        outcome.keep(process.captured)
        let stdout = outcome.stdout
        let tail = StepError.tail(outcome.stderr)

        guard let resultFile else {
            // bash: the exit status decides, the last non-empty line of stdout is the result.
            guard process.succeeded else {
                outcome.error = exitError(process, tail: tail)
                return outcome
            }
            let lastLine = stdout.split(separator: "\n").last { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            let line = lastLine.map(String.init) ?? ""
            outcome.result = (try? Value(parsingJSON: line)) ?? (line.isEmpty ? .null : .string(line))
            return outcome
        }

        guard let text = try? String(contentsOfFile: resultFile, encoding: .utf8), !text.isEmpty else {
            outcome.error =
                process.succeeded
                ? StepError(kind: .result, message: "\(script.name) ended without reporting a result", stderrTail: tail)
                : exitError(process, tail: tail)
            return outcome
        }
        return reported(text, in: outcome, script: script, tail: tail)
    }

    /// `outcome` completed with what a harness reported: `{"result": …}` or `{"error": …}`, and the
    /// secrets the script read.
    func reported(_ text: String, in outcome: StepOutcome, script: Script, tail: String) -> StepOutcome {
        var outcome = outcome
        let report: Value
        do {
            report = try Value(parsingJSON: text)
        } catch {
            outcome.error = StepError(kind: .result, message: "unreadable result of \(script.name): \(error)", stderrTail: tail)
            return outcome
        }
        guard case .object(let object) = report else {
            outcome.error = StepError(kind: .result, message: "unreadable result of \(script.name)", stderrTail: tail)
            return outcome
        }
        if case .array(let used)? = object["secrets_used"] {
            let references = used.compactMap { value -> String? in
                if case .string(let text) = value { return text }
                return nil
            }
            outcome.secretValues = context.secretValues(forReferences: references)
        }
        if case .object(let error)? = object["error"] {
            outcome.error = Self.harnessError(error, script: script, tail: tail)
        } else {
            outcome.result = object["result"] ?? .null
        }
        return outcome
    }

    func exitError(_ process: ProcessResult, tail: String) -> StepError {
        let how = process.signal.map { "was killed by signal \($0)" } ?? "exited with status \(process.exitCode ?? -1)"
        return StepError(kind: .exitStatus, message: "the script \(how)", stderrTail: tail)
    }

    private static func harnessError(_ error: ObjectValue, script: Script, tail: String) -> StepError {
        func text(_ key: String) -> String? {
            if case .string(let value)? = error[key] { return value }
            return nil
        }
        let name = text("name") ?? "Error"
        let message = text("message") ?? "unknown error"
        let kind: StepError.Kind
        switch name {
        case "MissingMain": kind = .missingMain
        case "ResultError": kind = .result
        default:
            let notFound =
                message.contains("Module not found") && message.contains(script.file.map { ($0 as NSString).lastPathComponent } ?? "\u{0}")
            kind = notFound || name == "FileNotFoundError" && script.file != nil ? .scriptNotFound : .thrown
        }
        return StepError(kind: kind, name: name, message: message, stack: text("stack"), stderrTail: tail)
    }

    /// Bash arguments in the order of the script's `name="$1"` lines, as Windmill passes them;
    /// a named parameter the step leaves out is passed empty (so `${2:-default}` applies), and
    /// arguments the script does not name follow in the step's order.
    static func positionalArguments(_ arguments: ObjectValue, script: String) -> [Value] {
        let names = (try? ScriptSignature.read(source: script, language: .bash))?.parameterNames ?? []
        let named = names.filter { arguments[$0] != nil }
        guard let last = named.last, let lastPosition = names.firstIndex(of: last) else {
            return Array(arguments.values)
        }
        var ordered = names[...lastPosition].map { arguments[$0] ?? .string("") }
        for (name, value) in arguments.entries where !names.contains(name) { ordered.append(value) }
        return ordered
    }
}

/// Writes a private file (mode 0600) of a step's work folder: its script, arguments, context or
/// import map. Not synced: it lives only as long as the step or the run, and waiting for the disk
/// cost milliseconds a step.
func writePrivateFile(_ text: String, to path: String) throws {
    guard replaceFile(path, with: Array(text.utf8), mode: 0o600) == nil else {
        throw RunError.invalidArgument("cannot write \(path)")
    }
}
