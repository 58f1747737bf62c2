import HopsLang

/// What running one cell gave: what it printed, its value, its error.
public struct CellResult: Sendable {
    /// One thing a cell printed: an expression's value or a command's output.
    public struct Output: Sendable {
        /// Without colour: what `# => ` lines hold.
        public var plain: String
        /// As the prompt prints it (coloured on a terminal).
        public var display: String
    }

    public var outputs: [Output] = []
    /// The value of the cell's last expression statement, if any.
    public var value: Value?
    public var error: CellError?
    public var durationMs: Int = 0

    public var succeeded: Bool { error == nil }

    /// The `# => ` lines: every output's lines, then the error.
    public var outputLines: [String] {
        var lines = outputs.flatMap { $0.plain.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }
        if let error { lines.append("error: \(error.location): \(error.message)") }
        return lines
    }
}

/// A failure inside a cell, located in the notebook file.
public struct CellError: Error, Sendable, Equatable {
    /// `NOTEBOOK.hops:LINE:COL`.
    public var location: String
    public var message: String
    /// The error as the prompt prints it: location, message, the source line and a caret.
    public var rendered: String
}

/// Runs a notebook cell's statements and colon-commands in a shell, the way the prompt would.
///
/// Statements run in chunks between commands; each chunk is given to the interpreter as a source
/// padded with newlines to its first line, so diagnostics carry the line in the notebook file.
public struct CellRunner {
    public let shell: Shell
    /// The notebook's name as errors show it.
    public let fileName: String

    public init(shell: Shell, fileName: String) {
        self.shell = shell
        self.fileName = fileName
    }

    /// Runs the cell; stops at its first error.
    public func run(_ cell: NotebookCell) -> CellResult {
        let clock = ContinuousClock()
        let start = clock.now
        var result = CellResult()
        var chunk: [NotebookLine] = []
        func flush() -> Bool {
            defer { chunk = [] }
            guard chunk.contains(where: { !$0.text.allSatisfy(\.isWhitespace) }) else { return true }
            return runStatements(chunk, into: &result)
        }
        for line in cell.body {
            let chunkIsOpen = chunk.contains { !$0.text.allSatisfy(\.isWhitespace) }
                && Interpreter.isIncomplete(chunk.map(\.text).joined(separator: "\n"))
            if !chunkIsOpen, let invocation = CommandInvocation(line.text) {
                guard flush() else { break }
                guard runCommand(invocation, line: line, into: &result) else { break }
                continue
            }
            // `#` starts a comment line in a cell, as in the marker lines around it.
            let isComment = line.text.trimmingWhitespace().hasPrefix("#")
            chunk.append(NotebookLine(text: isComment ? "" : line.text, number: line.number))
        }
        if result.error == nil { _ = flush() }
        result.durationMs = Int(((clock.now - start).seconds * 1000).rounded())
        return result
    }

    /// Runs a chunk of statements; the value of the last expression is the chunk's output.
    private func runStatements(_ lines: [NotebookLine], into result: inout CellResult) -> Bool {
        guard let first = lines.first else { return true }
        // Lines dropped from the cell (old outputs) become blank lines, so line numbers stay the file's.
        var text = String(repeating: "\n", count: max(0, first.number - 1))
        var previous = first.number - 1
        for line in lines {
            if line.number > previous + 1 { text += String(repeating: "\n", count: line.number - previous - 1) }
            text += line.text + "\n"
            previous = line.number
        }
        let source = SourceFile(name: fileName, text: text)
        Interrupts.clear()
        do {
            if let value = try shell.interpreter.execute(source) {
                shell.interpreter.setVariable("_", value)
                result.value = value
                var plainRenderer = shell.renderer
                plainRenderer.colored = false
                result.outputs.append(
                    CellResult.Output(plain: plainRenderer.render(value), display: shell.renderer.render(value)))
            }
            return true
        } catch let diagnostic as Diagnostic {
            let (line, column) = diagnostic.file.location(of: diagnostic.span.start)
            result.error = CellError(
                location: "\(diagnostic.file.name):\(line):\(column)", message: diagnostic.message,
                rendered: diagnostic.rendered(colored: shell.colorErrors))
        } catch {
            result.error = CellError(
                location: "\(fileName):\(first.number):1", message: "\(error)",
                rendered: "\(fileName):\(first.number):1: error: \(error)")
        }
        return false
    }

    /// Runs a colon-command, keeping what it prints as an output.
    private func runCommand(_ invocation: CommandInvocation, line: NotebookLine, into result: inout CellResult) -> Bool {
        let column = (line.text.firstIndex(of: ":").map { line.text.distance(from: line.text.startIndex, to: $0) } ?? 0) + 1
        let location = "\(fileName):\(line.number):\(column)"
        func fail(_ message: String) -> Bool {
            result.error = CellError(
                location: location, message: message,
                rendered: TextStyle.error.apply("\(location): error:", colored: shell.colorErrors) + " \(message)\n"
                    + line.text)
            return false
        }
        guard let command = shell.commands.command(named: invocation.name) else {
            return fail("unknown command :\(invocation.name) (:help lists the commands)")
        }
        Interrupts.clear()
        let captured: (result: Result<CommandResult, Error>, output: String) = OutputCapture.capture {
            Result { try command.action(shell, invocation.arguments) }
        }
        var output = captured.output
        if output.hasSuffix("\n") { output.removeLast() }
        if !output.isEmpty {
            result.outputs.append(CellResult.Output(plain: output.strippingANSI, display: output))
        }
        switch captured.result {
        case .success:
            return true
        case .failure(let diagnostic as Diagnostic):
            // An error in another file (a flow, a script) keeps its own location in the message.
            let (line, column) = diagnostic.file.location(of: diagnostic.span.start)
            return fail("\(diagnostic.file.name):\(line):\(column): \(diagnostic.message)")
        case .failure(let error):
            return fail("\(error)")
        }
    }
}

@available(*, unavailable)
extension CellRunner: Sendable {}
