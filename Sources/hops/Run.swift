import ArgumentParser
import Foundation
import HopsFlow
import HopsLang
import HopsShell
import HopsStore

/// `hops run FILE`: runs a `.hops` notebook cell by cell, or a plain file of statements, and stops
/// with a located error at the first failure.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        _superCommandName: "hops",
        abstract: "Run a notebook (.hops) cell by cell, or a file of statements.",
        discussion: """
            A .hops notebook runs its cells in order in one session: one progress line per cell on \
            standard error, each cell's value on standard output. -p overrides the parameters cell; \
            each cell is recorded as a step of a notebook run in the store, and --resume reuses the \
            cells that have not changed since the last run. Any other file is a file of statements.
            """)

    @Argument(help: "The notebook (.hops) or file of statements.")
    var file: String

    @Option(
        name: .long, help: "A JSON file (- for standard input) bound to `input` and, for an object, its keys.")
    var input: String?

    @Option(
        name: [.customShort("p"), .customLong("parameter")],
        help: "A notebook parameter as key=value; the value is JSON when it parses as JSON, else a string.")
    var parameters: [String] = []

    @Flag(name: .long, help: "Reuse the cells unchanged since the last run of the notebook; run from the first changed one.")
    var resume = false

    @Flag(name: .long, help: "Write the outputs back into the notebook under each cell.")
    var update = false

    @Option(name: [.customShort("o"), .customLong("output")], help: "Write the notebook with its outputs to this file.")
    var output: String?

    @Flag(name: .long, help: "Print a JSON report of the notebook run instead of the cells' values.")
    var json = false

    @Option(name: .long, help: "The run store (default: HOPS_STORE, else .hops/hops.db in the repository).")
    var store: String?

    func validate() throws {
        guard file.hasSuffix(".hops") else {
            if !parameters.isEmpty || resume || update || output != nil || json || store != nil {
                throw ValidationError("-p, --resume, --update, -o, --json and --store apply to .hops notebooks only")
            }
            return
        }
        if update && output != nil { throw ValidationError("use either --update or -o, not both") }
        for parameter in parameters where !parameter.contains("=") {
            throw ValidationError("a parameter is key=value, got '\(parameter)'")
        }
    }

    func run() throws {
        let text: String
        do {
            text = try FileContents.text(atPath: file)
        } catch {
            Terminal.writeError("error: \(error)\n")
            throw ExitCode(66)
        }
        let shell = Shell(
            renderer: ValueRenderer(colored: !json && Terminal.useColor(on: STDOUT_FILENO)),
            colorErrors: Terminal.useColor(on: STDERR_FILENO), sourceName: file)
        // A file of statements has the prompt's actions: sh(...), http.get(...).
        shell.defineBuiltinActions(workingDirectory: FlowFiles.repositoryRoot())
        if let input = input {
            do {
                try InputBinding.bind(path: input, into: shell.interpreter)
            } catch {
                Terminal.writeError(Prompt.describe(error, colored: shell.colorErrors) + "\n")
                throw ExitCode(65)
            }
        }
        if file.hasSuffix(".hops") {
            try runNotebook(text, in: shell)
            return
        }
        let status = shell.runStatements(text)
        if status != 0 { throw ExitCode(status) }
    }

    private func runNotebook(_ text: String, in shell: Shell) throws {
        let notebook = NotebookRun(path: file, text: text, shell: shell)
        notebook.parameters = parameters.map { parameter in
            let name = String(parameter.prefix { $0 != "=" })
            let text = String(parameter.dropFirst(name.count + 1))
            return (name, (try? Value(parsingJSON: text)) ?? .string(text))
        }
        notebook.resume = resume
        if json { notebook.cellFinished = { _, _ in } }
        let root = StoreLocation.repositoryRoot(near: file)
        notebook.sourceName = Self.relativePath(of: file, from: root)
        do {
            let opened = try StoreLocation.open(option: store, near: file)
            notebook.store = opened
            // Flows the notebook runs (`:load`, `:run`) record into the same store.
            shell.attachments[Shell.runStoreKey] = opened
        } catch {
            // A resume needs the record; a plain run goes on without one.
            if resume {
                Terminal.writeError("error: \(error)\n")
                throw ExitCode(StoreCommand.storeFailure)
            }
            Terminal.writeError("warning: not recording this run: \(error)\n")
        }
        let report = notebook.run()
        if json { Terminal.writeOutput((report.json.jsonString(indent: 2) ?? "{}") + "\n") }
        if update {
            // The notebook is written back only inside its repository: a link that leads out is refused.
            let writer = TreeWriter(root: root)
            do {
                guard let relative = writer.relative(file) else { throw TreeWriteError.unsafeName(name: file, folder: root) }
                try writer.write([(relative, notebook.updatedText(for: report))])
            } catch {
                Terminal.writeError("error: \(error)\n")
                throw ExitCode(1)
            }
        } else if let output {
            do {
                try notebook.updatedText(for: report).write(toFile: output, atomically: true, encoding: .utf8)
            } catch {
                Terminal.writeError("error: cannot write \(output): \(error.localizedDescription)\n")
                throw ExitCode(1)
            }
        }
        if !report.succeeded { throw ExitCode(1) }
        if report.storeFailure != nil { throw ExitCode(StoreCommand.storeFailure) }
    }

    /// The path from `root`, or the absolute path when the file is not under it.
    static func relativePath(of path: String, from root: String) -> String {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        let prefix = root.hasSuffix("/") ? root : root + "/"
        return absolute.hasPrefix(prefix) ? String(absolute.dropFirst(prefix.count)) : absolute
    }
}
