import HopsLang

extension ShellCommand {
    /// The commands every prompt has. A feature adds its own by appending to this list in the
    /// place that creates the shell, or with `shell.commands.register(_:)`.
    public static var standard: [ShellCommand] {
        [.help, .quit, .vars, .time, .mode, .save, .open, .next] + compose + flowCommands + runs + remoteCommands
    }

    /// `:help [COMMAND]`: the commands and what they do.
    public static let help = ShellCommand(
        name: "help", aliases: ["h", "?"], usage: ":help [COMMAND]", summary: "List the commands, or explain one",
        completer: { shell, text in
            LineEditor.Completion(wordLength: text.count, candidates: shell.commands.commands.map(\.name))
        },
        action: { shell, arguments in
            let wanted = arguments.hasPrefix(":") ? String(arguments.dropFirst()) : arguments
            if !wanted.isEmpty {
                guard let command = shell.commands.command(named: wanted) else {
                    throw CommandError("unknown command :\(wanted)")
                }
                shell.print("\(command.usage)\n  \(command.summary)")
                return .continue
            }
            let width = shell.commands.commands.map(\.usage.count).max() ?? 0
            var lines = ["Statements: an expression prints its value (kept as _); let name = expr binds a name."]
            lines.append("Commands:")
            for command in shell.commands.commands {
                let padding = String(repeating: " ", count: width - command.usage.count)
                lines.append("  \(command.usage)\(padding)  \(command.summary)")
            }
            lines.append("Keys: Tab completes, Up/Down and Ctrl-R search history, Ctrl-C stops, Ctrl-D leaves.")
            shell.print(lines.joined(separator: "\n"))
            return .continue
        })

    /// `:quit`: leave the prompt.
    public static let quit = ShellCommand(
        name: "quit", aliases: ["q", "exit"], usage: ":quit", summary: "Leave the prompt",
        action: { _, _ in .quit })

    /// `:vars`: the variables in scope with their types and a preview.
    public static let vars = ShellCommand(
        name: "vars", usage: ":vars", summary: "List the variables with their types and values",
        action: { shell, _ in
            let names = shell.interpreter.variableNames.filter { !shell.actionLog.actionNames.contains($0) }.sorted()
            guard !names.isEmpty else {
                shell.print("no variables")
                return .continue
            }
            var rows: [Value] = []
            for name in names {
                guard let value = shell.interpreter.variable(name) else { continue }
                rows.append(
                    .object(ObjectValue([
                        ("name", .string(name)), ("type", .string(value.shellTypeName)),
                        ("value", .string(value.preview(limit: 60))),
                    ])))
            }
            var renderer = shell.renderer
            renderer.mode = .table
            shell.print(renderer.render(.array(rows)))
            return .continue
        })

    /// `:mode json|table|line`: how results are printed.
    public static let mode = ShellCommand(
        name: "mode", usage: ":mode [table|json|line]", summary: "Show or set how results are printed",
        completer: ShellCommand.words(ValueRenderer.Mode.allCases.map(\.rawValue)),
        action: { shell, arguments in
            if arguments.isEmpty {
                shell.print("mode: \(shell.renderer.mode.rawValue)")
                return .continue
            }
            guard let mode = ValueRenderer.Mode(rawValue: arguments) else {
                throw CommandError(
                    "unknown mode '\(arguments)'; use one of "
                        + ValueRenderer.Mode.allCases.map(\.rawValue).joined(separator: ", "))
            }
            shell.renderer.mode = mode
            return .continue
        })
}

extension Value {
    /// The type as `:vars` shows it: `typeof`, but arrays and null named as such.
    var shellTypeName: String {
        switch self {
        case .array: "array"
        case .null: "null"
        default: typeName
        }
    }

    /// A one-line preview, cut with an ellipsis after `limit` characters.
    func preview(limit: Int) -> String {
        let text: String
        switch self {
        case .string(let string): text = Value.quoted(string)
        case .array, .object: text = jsonString(indent: 0) ?? "undefined"
        case .function(let function): text = "[Function: \(function.name)]"
        default: text = ValueRenderer().scalar(self)
        }
        return text.count > limit ? String(text.prefix(limit - 1)) + "…" : text
    }
}
