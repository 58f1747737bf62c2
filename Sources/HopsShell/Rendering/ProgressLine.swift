import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Progress of long work on standard error: lines for what finished and, on a terminal, one
/// status line of what is under way, redrawn in place with a spinner and elapsed times.
///
/// Runs, pushes, imports and dependency installs all report through it: `begin` an item when it
/// starts, `end` it with its outcome, `note` anything else worth a line. Without a terminal only
/// the finished lines are written, so logs stay plain; nothing ever goes to standard output, where
/// a `--json` consumer reads. Lines are masked where every output is, in `Terminal`'s writers.
/// Safe from any thread.
public final class ProgressLine: Sendable {
    private struct State {
        /// Items under way, in the order they began.
        var running: [(label: String, started: Date)] = []
        var statusShown = false
        var tick = 0
        var timer: DispatchSourceTimer?
    }

    private let state = Mutex(State())
    private let live: Bool
    /// Where the text goes: standard error unless a test captures it.
    private let write: @Sendable (String) -> Void

    private static let spinner = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]

    /// `live`: draw the status line in place (a terminal on standard error); else plain lines only.
    public init(
        live: Bool = Terminal.isTerminal(STDERR_FILENO), write: @escaping @Sendable (String) -> Void = Terminal.writeError
    ) {
        self.live = live
        self.write = write
    }

    /// `item` has started; it shows on the status line until `end(item…)`.
    public func begin(_ item: String) {
        state.withLock { state in
            state.running.removeAll { $0.label == item }
            state.running.append((item, Date()))
            if live { drawStatus(&state) }
        }
        startTimer()
    }

    /// `item` has finished: prints `item … outcome (duration)` and takes it off the status line.
    ///
    /// `duration` defaults to the time since `begin(item)`; pass it when it was measured elsewhere,
    /// or `timed: false` for an outcome without one (skipped).
    public func end(
        _ item: String, _ outcome: String, duration: TimeInterval? = nil, detail: String? = nil, timed: Bool = true
    ) {
        state.withLock { state in
            let started = state.running.first { $0.label == item }?.started
            state.running.removeAll { $0.label == item }
            var text = "\(item) … \(outcome)"
            if timed, let seconds = duration ?? started.map({ Date().timeIntervalSince($0) }) {
                text += " " + Self.duration(seconds)
            }
            if let detail, !detail.isEmpty { text += ": " + detail }
            printLine(text, &state)
        }
    }

    /// Prints a line above the status line.
    public func note(_ text: String) {
        state.withLock { state in printLine(text, &state) }
    }

    /// Stops redrawing and erases the status line; call it when the work is over.
    public func finish() {
        let timer = state.withLock { state in
            state.running = []
            eraseStatus(&state)
            let timer = state.timer
            state.timer = nil
            return timer
        }
        timer?.cancel()
    }

    /// `120 ms` under ten seconds, else `12.3 s`.
    public static func duration(_ seconds: Double) -> String {
        seconds < 10 ? "\(Int((seconds * 1000).rounded())) ms" : String(format: "%.1f s", seconds)
    }

    // MARK: - Drawing (with the state locked)

    /// Redraws the spinner and the elapsed times ten times a second while something runs.
    private func startTimer() {
        guard live else { return }
        let timer: DispatchSourceTimer? = state.withLock { state in
            guard state.timer == nil else { return nil }
            let timer = DispatchSource.makeTimerSource(queue: .global(qos: .utility))
            state.timer = timer
            return timer
        }
        guard let timer else { return }
        timer.schedule(deadline: .now() + 0.1, repeating: 0.1)
        timer.setEventHandler { [weak self] in
            self?.state.withLock { state in
                state.tick += 1
                self?.drawStatus(&state)
            }
        }
        timer.resume()
    }

    private func printLine(_ text: String, _ state: inout State) {
        eraseStatus(&state)
        write(text + "\n")
        if live { drawStatus(&state) }
    }

    private func eraseStatus(_ state: inout State) {
        guard state.statusShown else { return }
        write("\r\u{1B}[2K")
        state.statusShown = false
    }

    private func drawStatus(_ state: inout State) {
        eraseStatus(&state)
        guard !state.running.isEmpty else { return }
        let now = Date()
        let shown = state.running.prefix(3).map { "\($0.label) \(Self.duration(now.timeIntervalSince($0.started)))" }
        var text = Self.spinner[state.tick % Self.spinner.count] + " " + shown.joined(separator: ", ")
        if state.running.count > 3 { text += " +\(state.running.count - 3) more" }
        // One line only: a wrapped status line could not be erased with one escape.
        let width = Self.terminalWidth()
        if text.count > width - 1 { text = String(text.prefix(max(10, width - 2))) + "…" }
        write(text)
        state.statusShown = true
    }

    /// The width of the terminal on standard error, else `COLUMNS`, else 80.
    private static func terminalWidth() -> Int {
        var size = winsize()
        if ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return Int(ProcessInfo.processInfo.environment["COLUMNS"] ?? "") ?? 80
    }
}
