extension Diagnostic {
    /// `file:line:col: error: message`, the source line and a caret line under the span.
    public func rendered(colored: Bool) -> String {
        let (line, lineStart) = file.lineAndStart(of: span.start)
        let lineEnd = file.lineEnd(from: lineStart)
        let start = min(max(span.start, lineStart), lineEnd)
        let column = file.characterCount(from: lineStart, to: start) + 1
        let end = min(max(span.end, start), lineEnd)
        let underlined = max(file.characterCount(from: start, to: end), 1)

        // Keep tabs in the padding so the caret lines up under a tab-indented line.
        var padding = ""
        for character in file.slice(lineStart, start) {
            padding.append(character == "\t" ? "\t" : " ")
        }
        let carets = "^" + String(repeating: "~", count: underlined - 1)
        let sourceLine = file.slice(lineStart, lineEnd)

        let style = Style(enabled: colored)
        let label = severity == .error ? style.red("error:") : style.magenta("warning:")
        var text = style.bold("\(file.name):\(line):\(column):") + " " + label + " " + style.bold(message)
        text += "\n" + sourceLine + "\n" + padding + style.green(carets)
        return text
    }
}

/// ANSI styling that is a no-op when colour is off.
private struct Style {
    let enabled: Bool

    func bold(_ text: String) -> String { wrap(text, "1") }
    func red(_ text: String) -> String { wrap(text, "1;31") }
    func magenta(_ text: String) -> String { wrap(text, "1;35") }
    func green(_ text: String) -> String { wrap(text, "1;32") }

    private func wrap(_ text: String, _ code: String) -> String {
        enabled ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}
