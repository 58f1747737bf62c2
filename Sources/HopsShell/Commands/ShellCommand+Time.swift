import HopsLang

extension ShellCommand {
    /// `:time EXPR`: compiles once, evaluates repeatedly and reports the time per evaluation.
    public static let time = ShellCommand(
        name: "time", aliases: ["timeit"], usage: ":time EXPR",
        summary: "Time an expression: mean and spread per evaluation",
        completer: ShellCommand.expressionCompletion,
        action: { shell, arguments in
            guard !arguments.isEmpty else { throw CommandError("usage: :time EXPR") }
            let compiled = try shell.compile(arguments)
            Interrupts.clear()
            let timing = try Timing.measure(isCancelled: Interrupts.check) { _ = try compiled.evaluate() }
            shell.print(timing.summary)
            return .continue
        })
}
