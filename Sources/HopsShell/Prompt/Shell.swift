import HopsLang

/// The read-evaluate-print loop: statements and colon-commands, from a terminal or from a pipe.
public final class Shell {
    /// What feeding one line gave.
    public enum LineStatus: Equatable, Sendable {
        /// The line was handled; `failed` when it ended in an error.
        case done(failed: Bool)
        /// The statement is incomplete: the next line continues it.
        case needsMore
        /// A command asked to leave.
        case quit
    }

    public static let prompt = "hops> "
    public static let continuationPrompt = "...> "

    /// The language state: variables, `_`, actions.
    public let interpreter: Interpreter
    /// The colon-commands this shell knows.
    public var commands: CommandRegistry
    /// How results are printed; `:mode` changes `renderer.mode`.
    public var renderer: ValueRenderer
    /// Whether errors on standard error are coloured.
    public var colorErrors: Bool
    /// The name errors carry as their file: `<prompt>`, `<stdin>` or a path.
    public var sourceName: String
    /// Whether error lines count from the start of the whole input (a file or a pipe) rather than
    /// from the start of each statement (the prompt).
    public var numbersLinesAcrossInput: Bool
    /// State that commands added by other features keep between calls, by a key of their choosing.
    public var attachments: [String: AnyObject] = [:]
    /// The statements and colon-commands that succeeded, in order: what `:save` writes as a notebook.
    public internal(set) var transcript: [String] = []
    /// The actions statements of this session ran, for `:compose`.
    public let actionLog = ActionLog()
    /// Records the actions as steps of the session's run in the store; set before the actions
    /// are defined (the prompt has one, a notebook records its cells instead).
    public var actionRecorder: PromptRunRecorder?

    /// Lines of a statement not yet complete, and the line number its first line had.
    private var pendingLines: [String] = []
    private var pendingStartLine = 1
    private var lineNumber = 0

    public init(
        interpreter: Interpreter = Interpreter(), commands: [ShellCommand] = ShellCommand.standard,
        renderer: ValueRenderer = ValueRenderer(), colorErrors: Bool = false, sourceName: String = "<prompt>"
    ) {
        self.interpreter = interpreter
        self.commands = CommandRegistry(commands)
        self.renderer = renderer
        self.colorErrors = colorErrors
        self.sourceName = sourceName
        self.numbersLinesAcrossInput = sourceName != "<prompt>"
        interpreter.isCancelled = { Interrupts.check() }
    }

    /// Whether lines of an unfinished statement are waiting for more.
    public var isContinuing: Bool { !pendingLines.isEmpty }

    /// Forgets the lines of an unfinished statement (Ctrl-C).
    public func abandonPendingLines() { pendingLines = [] }

    /// Handles one line of input: a colon-command, or a line of a statement.
    public func feed(_ line: String) -> LineStatus {
        lineNumber += 1
        if pendingLines.isEmpty {
            if let invocation = CommandInvocation(line) { return runCommand(invocation) }
            if line.allSatisfy(\.isWhitespace) { return .done(failed: false) }
            pendingStartLine = lineNumber
        }
        pendingLines.append(line)
        let text = pendingLines.joined(separator: "\n")
        switch evaluate(text, startLine: pendingStartLine, allowIncomplete: true) {
        case .incomplete:
            return .needsMore
        case .succeeded:
            pendingLines = []
            transcript.append(text)
            return .done(failed: false)
        case .failed:
            pendingLines = []
            return .done(failed: true)
        }
    }

    /// Evaluates what is left at the end of the input; an unfinished statement is an error.
    public func finish() -> LineStatus {
        guard !pendingLines.isEmpty else { return .done(failed: false) }
        let text = pendingLines.joined(separator: "\n")
        pendingLines = []
        let outcome = evaluate(text, startLine: pendingStartLine, allowIncomplete: false)
        if outcome == .succeeded { transcript.append(text) }
        return .done(failed: outcome != .succeeded)
    }

    enum Outcome: Equatable {
        case succeeded, failed, incomplete
    }

    /// Runs a statement, prints its value and keeps it as `_`.
    private func evaluate(_ text: String, startLine: Int, allowIncomplete: Bool) -> Outcome {
        // Leading newlines put the statement on its real line, so errors point into the whole input.
        let padding = numbersLinesAcrossInput ? max(0, startLine - 1) : 0
        let padded = String(repeating: "\n", count: padding) + text
        let source = SourceFile(name: sourceName, text: padded)
        Interrupts.clear()
        do {
            let value = try interpreter.execute(source)
            actionLog.statementSucceeded(text)
            if let value {
                interpreter.setVariable("_", value)
                show(value)
            }
            return .succeeded
        } catch let diagnostic as Diagnostic {
            actionLog.statementFailed()
            if allowIncomplete && diagnostic.isIncomplete { return .incomplete }
            reportError(diagnostic.rendered(colored: colorErrors))
            return .failed
        } catch {
            actionLog.statementFailed()
            reportError(TextStyle.error.apply("error:", colored: colorErrors) + " \(error)")
            return .failed
        }
    }

    /// Compiles an expression against the shell's variables, for evaluating it many times.
    public func compile(_ text: String) throws -> CompiledExpression {
        let source = SourceFile(name: sourceName, text: text)
        // The variables it reads become parameters, so each evaluation binds them by position.
        let bound = try Expression(source).freeVariables.compactMap { name in
            interpreter.variable(name).map { (name, $0) }
        }
        let expression = try Expression(source, parameters: bound.map(\.0))
        return CompiledExpression(expression: expression, arguments: bound.map(\.1))
    }

    /// Prints a value as the current mode shows it.
    public func show(_ value: Value) {
        Terminal.writeOutput(renderer.render(value) + "\n")
    }

    /// Prints text on standard output, adding the final newline.
    public func print(_ text: String) {
        Terminal.writeOutput(text + "\n")
    }

    /// Prints an error on standard error, adding the final newline.
    public func reportError(_ text: String) {
        Terminal.writeError(text.hasSuffix("\n") ? text : text + "\n")
    }

    private func runCommand(_ invocation: CommandInvocation) -> LineStatus {
        guard let command = commands.command(named: invocation.name) else {
            reportError(
                TextStyle.error.apply("error:", colored: colorErrors)
                    + " unknown command :\(invocation.name) (:help lists the commands)")
            return .done(failed: true)
        }
        do {
            switch try command.action(self, invocation.arguments) {
            case .continue:
                transcript.append(":\(invocation.name)" + (invocation.arguments.isEmpty ? "" : " \(invocation.arguments)"))
                return .done(failed: false)
            case .quit: return .quit
            }
        } catch let diagnostic as Diagnostic {
            reportError(diagnostic.rendered(colored: colorErrors))
        } catch {
            reportError(TextStyle.error.apply("error:", colored: colorErrors) + " \(error)")
        }
        return .done(failed: true)
    }
}

@available(*, unavailable)
extension Shell: Sendable {}

/// An expression compiled once, with the values of the variables it reads, evaluated many times.
public struct CompiledExpression: Sendable {
    public let expression: Expression
    public let arguments: [Value]

    /// Evaluates once; Ctrl-C stops it.
    public func evaluate() throws -> Value {
        try expression.evaluate(arguments, isCancelled: { Interrupts.check() })
    }
}
