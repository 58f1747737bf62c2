import ArgumentParser
import Foundation
import HopsShell
import HopsStore

/// `hops show RUN [STEP] [--json]`: a recorded run with its steps, or one step attempt in full.
struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        _superCommandName: "hops",
        abstract: "Show a recorded run, or one of its steps.",
        discussion: """
            RUN is an id, a unique prefix of one, `last`, or -1, -2, …. Without STEP: the run's \
            flow, inputs, status and each step attempt (status, attempt, duration, ran or reused, \
            error). With STEP (a step id, ID@PLACE inside loops, or #N for the N-th attempt): its \
            resolved arguments, result, error, stdout and stderr; with --stdout or --stderr, only \
            that stream, byte for byte as the step wrote it (secrets masked), for a pipe or a \
            file. With --html FILE: one \
            self-contained page of the run (a timeline of its steps, loops and branches nested, the \
            failed step's error and output, each step's arguments and result a click away), \
            secrets masked.

            Example: hops show last --html run.html
            """)

    @Argument(
        parsing: .allUnrecognized,
        help: ArgumentHelp("The run (an id, a unique prefix, last, or -N), then optionally a step id, ID@PLACE or #N.", valueName: "run [step]"))
    var words: [String] = []

    var reference: String { words[0] }
    var step: String? { words.count > 1 ? words[1] : nil }

    func validate() throws {
        guard (1...2).contains(words.count) else { throw ValidationError("give a run and optionally one step") }
        if stdout || stderr {
            guard step != nil else { throw ValidationError("--stdout and --stderr write one step's output: name the step") }
            guard !(stdout && stderr), !json, html == nil else {
                throw ValidationError("--stdout and --stderr go alone (not together, nor with --json or --html)")
            }
        }
    }

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    @Flag(name: .long, help: "Write the step's stdout as the step wrote it.")
    var stdout = false

    @Flag(name: .long, help: "Write the step's stderr as the step wrote it.")
    var stderr = false

    @Option(name: .long, help: ArgumentHelp("Write the run as one HTML page to FILE.", valueName: "file"))
    var html: String?

    @Option(name: .long, help: "The run store (default: HOPS_STORE, else .hops/hops.db in the repository).")
    var store: String?

    func run() throws {
        let runStore = try StoreCommand.open(store, forReading: true)
        let record = try StoreCommand.answer { try RunDetail.resolve(reference, in: runStore) }
        if let html {
            guard step == nil else { throw ValidationError("--html writes a whole run; leave out the step") }
            let report = RunReport(run: record, mask: RunReport.mask(forRepositoryAt: FlowFiles.repositoryRoot()))
            do {
                try report.html().write(toFile: html, atomically: true, encoding: .utf8)
            } catch {
                Terminal.writeError("error: cannot write \(html): \(error.localizedDescription)\n")
                throw ExitCode(1)
            }
            Terminal.writeError("wrote \(html)\n")
            return
        }
        let colored = !json && Terminal.useColor(on: STDOUT_FILENO)
        if let step {
            let attempt = try StoreCommand.answer { try RunDetail.step(step, in: record) }
            if stdout || stderr {
                try writeStream(of: attempt)
                return
            }
            let text = json ? RunDetail.json(attempt).jsonString(indent: 2) ?? "{}" : RunDetail.text(attempt, of: record, colored: colored)
            Terminal.writeOutput(text + "\n")
            return
        }
        let text = json ? RunDetail.json(record).jsonString(indent: 2) ?? "{}" : RunDetail.text(record, colored: colored)
        Terminal.writeOutput(text + "\n")
    }

    /// The step's stdout or stderr byte for byte; to a terminal only when it is plain text (as curl
    /// does with binary output), since its escape sequences would reach the terminal.
    private func writeStream(of attempt: StepRecord) throws {
        let (name, text, bytes) = stdout ? ("stdout", attempt.stdout, attempt.stdoutBytes) : ("stderr", attempt.stderr, attempt.stderrBytes)
        guard let bytes else {
            Terminal.writeOutput(text ?? "")
            return
        }
        if Terminal.isTerminal(STDOUT_FILENO) {
            Terminal.writeError(
                "error: the step's \(name) is not plain text (binary or control characters): send it to a file or a "
                    + "pipe, or leave out --\(name) to see it escaped\n")
            throw ExitCode(1)
        }
        Terminal.writeOutput(bytes)
    }
}
