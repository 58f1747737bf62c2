import Foundation

extension ShellCommand {
    /// Commands left out of a saved notebook: they manage the session rather than do its work.
    static let unsavedCommands: Set<String> = ["save", "open", "help", "quit", "vars", "time", "mode"]

    /// `:save PATH`: writes the statements that succeeded so far as a notebook, one cell each.
    public static let save = ShellCommand(
        name: "save", usage: ":save PATH", summary: "Save the session's statements as a notebook (.hops)",
        action: { shell, arguments in
            guard !arguments.isEmpty else { throw CommandError("usage: :save PATH") }
            let path = arguments.hasSuffix(".hops") ? arguments : arguments + ".hops"
            let skipped = shell.transcriptEntriesNotSaved.indices
            let entries = shell.transcript.enumerated().filter { !skipped.contains($0.offset) }.map(\.element).filter { entry in
                guard let invocation = CommandInvocation(entry) else { return true }
                let name = shell.commands.command(named: invocation.name)?.name ?? invocation.name
                return !unsavedCommands.contains(name)
            }
            // A blank line separates the cells; the last one ends the file.
            let notebook = Notebook(
                cells: entries.enumerated().map { offset, code in
                    NotebookCell(title: nil, code: offset == entries.count - 1 ? code : code + "\n")
                })
            do {
                try notebook.serialized().write(toFile: path, atomically: true, encoding: .utf8)
            } catch {
                throw CommandError("cannot write \(path): \(error.localizedDescription)")
            }
            let word = entries.count == 1 ? "cell" : "cells"
            shell.print("saved \(entries.count) \(word) to \(path); run it with: hops run \(path)")
            return .continue
        })

    /// `:open PATH`: opens a notebook to run it cell by cell with `:next`.
    public static let open = ShellCommand(
        name: "open", usage: ":open PATH", summary: "Open a notebook to step through it with :next",
        action: { shell, arguments in
            guard !arguments.isEmpty else { throw CommandError("usage: :open PATH") }
            let text = try FileContents.text(atPath: arguments)
            let stepper = NotebookStepper(path: arguments, notebook: Notebook(parsing: text))
            shell.stepper = stepper
            guard let first = stepper.notebook.runnableCells.first?.cell else {
                shell.print("opened \(arguments): no cells to run")
                return .continue
            }
            let word = stepper.cellCount == 1 ? "cell" : "cells"
            shell.print(
                "opened \(arguments): \(stepper.cellCount) \(word); :next runs cell 1 (\(first.title ?? "cell 1"))")
            return .continue
        })
}
