import CEditLine

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Interactive line input on a terminal through libedit: prompts, history kept in a file, Ctrl-R
/// search and Tab completion.
public final class LineEditor {
    /// What one call of `readLine` gave.
    public enum Input: Equatable, Sendable {
        /// A line, without its newline.
        case line(String)
        /// Ctrl-C: the line was abandoned.
        case interrupted
        /// Ctrl-D on an empty line, or the end of the input.
        case endOfInput
    }

    /// Candidates for the word before the cursor: `wordLength` characters are replaced by a candidate.
    public struct Completion: Equatable, Sendable {
        public var wordLength: Int
        public var candidates: [String]

        public init(wordLength: Int, candidates: [String]) {
            self.wordLength = wordLength
            self.candidates = candidates
        }
    }

    /// Computes completions from the text before the cursor.
    public typealias Completer = (_ textBeforeCursor: String) -> Completion

    private let editLine: OpaquePointer
    private let history: OpaquePointer
    private let historyPath: String?
    private var promptText: UnsafeMutablePointer<CChar>?
    private let completer: Completer
    private let output: UnsafeMutablePointer<FILE>

    /// Opens the editor on the process's terminal; `historyPath` nil keeps history in memory only.
    public init?(historyPath: String?, completer: @escaping Completer) {
        LineEditor.useUTF8Characters()
        guard let editLine = el_init("hops", hops_stdin(), hops_stdout(), hops_stderr()),
            let history = history_init()
        else { return nil }
        self.editLine = editLine
        self.history = history
        self.historyPath = historyPath
        self.completer = completer
        self.output = hops_stdout()

        var event = HistEvent()
        _ = hops_history_set_size(history, &event, 1000)
        _ = hops_history_set_unique(history, &event, 1)
        if let historyPath {
            _ = hops_history_load(history, &event, historyPath)
        }

        _ = hops_el_set_editor(editLine, "emacs")
        _ = hops_el_set_signal(editLine, 0)
        Interrupts.useInterruptibleReader(editLine)
        _ = hops_el_set_history(editLine, history)
        _ = hops_el_set_client_data(editLine, Unmanaged.passUnretained(self).toOpaque())
        _ = hops_el_set_prompt(editLine, LineEditor.promptCallback)
        _ = hops_el_add_function(
            editLine, "hops-complete", "Complete the word before the cursor",
            LineEditor.completeCallback)
        _ = hops_el_bind(editLine, "^I", "hops-complete")
        _ = hops_el_bind(editLine, "^R", "em-inc-search-prev")
    }

    /// libedit decodes and displays characters by the C locale; hops input is UTF-8 whatever it says.
    private static func useUTF8Characters() {
        if let name = setlocale(LC_CTYPE, ""), String(cString: name).uppercased().contains("UTF") { return }
        _ = setlocale(LC_CTYPE, "C.UTF-8")
    }

    deinit {
        el_end(editLine)
        history_end(history)
        free(promptText)
    }

    /// Shows `prompt` and reads one line; blocks until Enter, Ctrl-C or Ctrl-D.
    public func readLine(prompt: String) -> Input {
        free(promptText)
        promptText = strdup(prompt)
        Interrupts.clear()
        var count: Int32 = 0
        let text = el_gets(editLine, &count)
        if Interrupts.isSet {
            Interrupts.clear()
            // The abandoned line stays on screen; the next prompt starts below it.
            fputs("^C\n", output)
            fflush(output)
            return .interrupted
        }
        guard let text, count > 0 else {
            if count < 0, Interrupts.lastErrno == EINTR { return .interrupted }
            return .endOfInput
        }
        var line = String(cString: text)
        if line.hasSuffix("\n") { line.removeLast() }
        return .line(line)
    }

    /// Adds a line to the history and writes the history file, so a crash loses nothing.
    public func addToHistory(_ line: String) {
        guard !line.allSatisfy(\.isWhitespace) else { return }
        var event = HistEvent()
        _ = hops_history_enter(history, &event, line)
        if let historyPath {
            _ = hops_history_save(history, &event, historyPath)
        }
    }

    // MARK: - Callbacks from libedit

    private static func editor(of editLine: OpaquePointer?) -> LineEditor? {
        guard let editLine, let data = hops_el_get_client_data(editLine) else { return nil }
        return Unmanaged<LineEditor>.fromOpaque(data).takeUnretainedValue()
    }

    private static let promptCallback: hops_prompt_function = { editLine in
        guard let editor = LineEditor.editor(of: editLine), let prompt = editor.promptText else {
            return nil
        }
        return prompt
    }

    private static let completeCallback: hops_editor_function = { editLine, _ in
        guard let editLine, let editor = LineEditor.editor(of: editLine) else {
            return UInt8(CC_ERROR)
        }
        return editor.complete(editLine)
    }

    private func complete(_ editLine: OpaquePointer) -> UInt8 {
        guard let info = el_line(editLine)?.pointee, let buffer = info.buffer else {
            return UInt8(CC_ERROR)
        }
        let byteCount = info.cursor.map { $0 - buffer } ?? 0
        let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(buffer)
            .assumingMemoryBound(to: UInt8.self), count: max(0, byteCount))
        let before = String(decoding: bytes, as: UTF8.self)
        let completion = completer(before)
        let word = String(before.suffix(completion.wordLength))
        let candidates = Array(Set(completion.candidates.filter { $0.hasPrefix(word) })).sorted()
        guard !candidates.isEmpty else { return UInt8(CC_REFRESH_BEEP) }

        let common = LineEditor.commonPrefix(candidates)
        if common.count > word.count {
            el_deletestr(editLine, Int32(word.utf8.count))
            _ = el_insertstr(editLine, common)
            return UInt8(CC_REFRESH)
        }
        if candidates.count == 1 { return UInt8(CC_REFRESH) }
        fputs("\n" + LineEditor.columns(candidates, width: terminalWidth()) + "\n", output)
        fflush(output)
        return UInt8(CC_REDISPLAY)
    }

    private func terminalWidth() -> Int {
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 {
            return Int(size.ws_col)
        }
        return 80
    }

    /// The longest prefix that all candidates share.
    static func commonPrefix(_ candidates: [String]) -> String {
        guard var prefix = candidates.first else { return "" }
        for candidate in candidates.dropFirst() {
            while !candidate.hasPrefix(prefix) { prefix.removeLast() }
        }
        return prefix
    }

    /// Candidates laid out in columns across the terminal, as shells list completions.
    static func columns(_ candidates: [String], width: Int) -> String {
        let cell = (candidates.map(\.count).max() ?? 0) + 2
        let perRow = max(1, width / cell)
        var lines: [String] = []
        var index = 0
        while index < candidates.count {
            let row = candidates[index..<min(index + perRow, candidates.count)]
            lines.append(
                row.map { $0 + String(repeating: " ", count: cell - $0.count) }.joined()
                    .trimmingTrailingSpaces())
            index += perRow
        }
        return lines.joined(separator: "\n")
    }
}

@available(*, unavailable)
extension LineEditor: Sendable {}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var result = self
        while result.last == " " { result.removeLast() }
        return result
    }
}
