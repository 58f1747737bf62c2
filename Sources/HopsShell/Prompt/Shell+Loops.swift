#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension Shell {
    /// The prompt on a terminal: line editing, history in `historyPath`, Ctrl-C and Ctrl-D.
    /// Returns the exit status.
    public func runInteractive(historyPath: String?) -> Int32 {
        Interrupts.install()
        guard let editor = LineEditor(historyPath: historyPath, completer: { [unowned self] text in
            self.completions(for: text)
        }) else {
            reportError("error: cannot start line editing; reading lines without it")
            return runPiped()
        }
        print("hops — expressions, let, and :help for the commands. Ctrl-D leaves.")
        while true {
            switch editor.readLine(prompt: isContinuing ? Shell.continuationPrompt : Shell.prompt) {
            case .endOfInput:
                Terminal.writeOutput("\n")
                return 0
            case .interrupted:
                abandonPendingLines()
            case .line(let line):
                editor.addToHistory(line)
                if feed(line) == .quit { return 0 }
            }
        }
    }

    /// Statements from standard input without prompt or colour; the status is 1 after any error.
    public func runPiped() -> Int32 {
        var failed = false
        while let line = readLine(strippingNewline: true) {
            switch feed(line) {
            case .quit: return failed ? 1 : 0
            case .done(let lineFailed): failed = failed || lineFailed
            case .needsMore: break
            }
        }
        if case .done(failed: true) = finish() { failed = true }
        return failed ? 1 : 0
    }

    /// Runs the statements of a text (a file), stopping at the first error; the status is 0 or 1.
    public func runStatements(_ text: String) -> Int32 {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        for line in lines {
            switch feed(line) {
            case .quit: return 0
            case .done(failed: true): return 1
            case .done, .needsMore: break
            }
        }
        if case .done(failed: true) = finish() { return 1 }
        return 0
    }
}
