import ArgumentParser
import HopsLang
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
        subcommands: [Prompt.self, Run.self, Check.self, DryRun.self, Export.self, FlowCommand.self, Runs.self, Show.self, Resume.self, Replay.self, GC.self],
        defaultSubcommand: Prompt.self)
}

/// The prompt, or one expression with `-e`: what `hops` does without a subcommand.
///
/// A subcommand of its own (the default one) so that `--json` and `--input` of other subcommands
/// stay theirs.
struct Prompt: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prompt",
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
        let interpreter = Interpreter()
        if let input { try bindInput(input, into: interpreter) }
        if let expression {
            try evaluate(expression, in: interpreter)
            return
        }
        let status = startShell(interpreter)
        if status != 0 { throw ExitCode(status) }
    }

    /// `-e`: one expression; 65 for a syntax error, 70 for an error while evaluating.
    private func evaluate(_ text: String, in interpreter: Interpreter) throws {
        let colorErrors = Terminal.useColor(on: STDERR_FILENO)
        let source = SourceFile(name: "<expr>", text: text)
        let expression: Expression
        do {
            expression = try Expression(source)
        } catch {
            Terminal.writeError(Self.describe(error, colored: colorErrors) + "\n")
            throw ExitCode(65)
        }
        let value: Value
        do {
            var bindings: [String: Value] = [:]
            for name in expression.freeVariables {
                if let bound = interpreter.variable(name) { bindings[name] = bound }
            }
            value = try expression.evaluate(bindings: bindings)
        } catch {
            Terminal.writeError(Self.describe(error, colored: colorErrors) + "\n")
            throw ExitCode(70)
        }
        Terminal.writeOutput(format(value) + "\n")
    }

    private func format(_ value: Value) -> String {
        if json { return value.jsonString(indent: 0) ?? "null" }
        if raw, case .string(let text) = value { return text }
        return ValueRenderer(colored: Terminal.useColor(on: STDOUT_FILENO)).render(value)
    }

    private func bindInput(_ path: String, into interpreter: Interpreter) throws {
        do {
            try InputBinding.bind(path: path, into: interpreter)
        } catch let error as FileContents.ReadError {
            Terminal.writeError("error: \(error)\n")
            throw ExitCode(66)
        } catch {
            Terminal.writeError(Self.describe(error, colored: Terminal.useColor(on: STDERR_FILENO)) + "\n")
            throw ExitCode(65)
        }
    }

    /// The prompt on a terminal, else statements from standard input.
    private func startShell(_ interpreter: Interpreter) -> Int32 {
        let interactive = Terminal.isTerminal(STDIN_FILENO)
        let shell = Shell(
            interpreter: interpreter,
            renderer: ValueRenderer(colored: interactive && Terminal.useColor(on: STDOUT_FILENO)),
            colorErrors: interactive && Terminal.useColor(on: STDERR_FILENO),
            sourceName: interactive ? "<prompt>" : "<stdin>")
        shell.defineBuiltinActions(workingDirectory: FlowFiles.repositoryRoot())
        guard interactive else { return shell.runPiped() }
        return shell.runInteractive(historyPath: HopsHome.historyPath())
    }

    /// An error as the user reads it: a diagnostic rendered with its location, else its description.
    static func describe(_ error: Error, colored: Bool) -> String {
        if let diagnostic = error as? Diagnostic { return diagnostic.rendered(colored: colored) }
        return "error: \(error)"
    }
}
