import ArgumentParser
import HopsLang
import HopsRun
import HopsShell

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The `hops` command: the prompt, one expression with `-e`, and the subcommands.
///
/// A subcommand lives in its own file as a `ParsableCommand` and is listed in `subcommands`.
@main
struct Hops: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hops",
        abstract: "The operator's shell for flows kept in Git: expressions, steps, runs and replays.",
        discussion: """
            Without arguments, hops opens a prompt on a terminal, or reads statements from \
            standard input when it is not a terminal.
            """,
        version: BuildInfo.versionLine,
        subcommands: [
            Prompt.self, Run.self, Check.self, DryRun.self, Export.self, FlowCommand.self, Runs.self, Show.self, Resume.self,
            Replay.self, GC.self, RemoteCommandGroup.self, PushCommand.self,
            ImportCommand.self, PullCommand.self,
        ],
        defaultSubcommand: Prompt.self)

    /// `hops -e …` is the path whose start-up people time: a plain `-e EXPR` with its own flags
    /// skips the argument parser, which costs more than evaluating the expression.
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if let oneExpression = OneExpression(arguments: arguments) {
            Glibc.exit(oneExpression.runReportingErrors())
        }
        // From here on a signal ends every process hops started before hops itself exits
        // (the prompt takes Ctrl-C over for itself; `flow run` records the run as interrupted).
        ProcessSupervisor.handleSignals([SIGINT, SIGTERM, SIGHUP])
        FlowRun.startEarly(arguments)
        Resume.startEarly(arguments)
        do {
            var command = try parseSubcommand(arguments) ?? parseAsRoot(arguments)
            try command.run()
        } catch {
            // A usage error exits 2, as shell tools do, rather than the parser's own 64.
            guard exitCode(for: error) == .validationFailure else { exit(withError: error) }
            Terminal.writeError(fullMessage(for: error) + "\n")
            Glibc.exit(2)
        }
    }
}

extension Hops {
    /// The subcommand named first, parsed by a parser of its own: the parser of the whole `hops`
    /// command costs more to build than most commands take to run. Nil when that is not the case,
    /// or for anything the subcommand's parser does not take as a command (a usage error, `--help`):
    /// the whole parser then parses it, with messages that name `hops`.
    ///
    /// Each subcommand names `hops` as its super-command (`_superCommandName`), which only a root
    /// command's parser reads: a root that has one does not look for `--generate-completion-script`
    /// first, which builds two more parsers and was half of a subcommand's parse. The whole parser,
    /// whose root is `hops`, still looks for it, and still names the commands in usage and help.
    static func parseSubcommand(_ arguments: [String]) -> ParsableCommand? {
        guard let name = arguments.first,
            let subcommand = configuration.subcommands.first(where: { $0.configuration.commandName == name })
        else { return nil }
        return try? subcommand.parseAsRoot(Array(arguments.dropFirst()))
    }
}

/// The prompt, or one expression with `-e`: what `hops` does without a subcommand.
///
/// A subcommand of its own (the default one) so that `--json` and `--input` of other subcommands
/// stay theirs.
struct Prompt: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prompt",
        _superCommandName: "hops",
        abstract: "The prompt (the default), or one expression with -e.",
        shouldDisplay: false)

    @Option(name: [.customShort("e"), .customLong("eval")], help: "Evaluate one expression and print its value.")
    var expression: String?

    @Flag(name: .long, help: "Print the result as one JSON document (undefined as null).")
    var json = false

    @Flag(name: [.customShort("r"), .customLong("raw")], help: "Print a string result without quotes.")
    var raw = false

    @Option(
        name: .long, help: "A JSON file (- for standard input) bound to `input` and, for an object, its keys.")
    var input: String?

    func run() throws {
        if let expression {
            let status = OneExpression(text: expression, json: json, raw: raw, input: input).runReportingErrors()
            if status != 0 { throw ExitCode(status) }
            return
        }
        let interpreter = Interpreter()
        if let input { try InputBinding.bind(path: input, into: interpreter) }
        let status = startShell(interpreter)
        if status != 0 { throw ExitCode(status) }
    }

    /// The prompt on a terminal, else statements from standard input.
    private func startShell(_ interpreter: Interpreter) -> Int32 {
        let interactive = Terminal.isTerminal(STDIN_FILENO)
        let shell = Shell(
            interpreter: interpreter,
            renderer: ValueRenderer(colored: interactive && Terminal.useColor(on: STDOUT_FILENO)),
            colorErrors: interactive && Terminal.useColor(on: STDERR_FILENO),
            sourceName: interactive ? "<prompt>" : "<stdin>")
        shell.actionRecorder = PromptRunRecorder()
        shell.defineBuiltinActions(workingDirectory: FlowFiles.repositoryRoot())
        defer { shell.actionRecorder?.finish() }
        guard interactive else { return shell.runPiped() }
        return shell.runInteractive(historyPath: HopsHome.historyPath())
    }

    /// An error as the user reads it: a diagnostic rendered with its location, else its description.
    static func describe(_ error: Error, colored: Bool) -> String {
        if let diagnostic = error as? Diagnostic { return diagnostic.rendered(colored: colored) }
        return "error: \(error)"
    }
}
