import Foundation
import HopsRun

/// Shows a flow run as it happens, on standard error: a line per step that ends, and on a terminal
/// a status line of the steps still running with their elapsed time, redrawn in place.
///
/// Events arrive from several threads at once (parallel loops and branches); `ProgressLine`
/// orders the writes.
public final class FlowProgress: Sendable {
    private let line: ProgressLine
    private let colored: Bool

    /// `live`: redraw a status line in place (a terminal); else plain lines only.
    public init(live: Bool = Terminal.isTerminal(STDERR_FILENO), colored: Bool = Terminal.useColor(on: STDERR_FILENO)) {
        self.line = ProgressLine(live: live)
        self.colored = colored
    }

    /// The handler to give `ExecutionOptions.onEvent`.
    public var handler: @Sendable (ExecutionEvent) -> Void { { [weak self] event in self?.handle(event) } }

    /// Erases the status line; call it when the run ends.
    public func stop() { line.finish() }

    /// Handles one event of the run.
    public func handle(_ event: ExecutionEvent) {
        switch event {
        case .stepStarted(let id, let place, let attempt):
            let label = Self.label(id: id, place: place)
            if attempt > 1 { line.note("\(label) … attempt \(attempt)") }
            line.begin(label)
        case .stepFinished(let id, let place, let state, let elapsed, let error):
            // Ended by Ctrl-C or a signal: recorded as interrupted, and shown so.
            if error?.kind == .cancelled {
                let word = TextStyle.error.apply("interrupted", colored: colored)
                line.end(Self.label(id: id, place: place), word, duration: elapsed, detail: nil)
                return
            }
            let first = error?.message.split(separator: "\n").first.map(String.init)
            line.end(Self.label(id: id, place: place), style(state), duration: elapsed, detail: first)
        case .stepSkipped(let id, let place, let reason):
            let label = Self.label(id: id, place: place)
            line.end(label, "\(style(.skipped)) (\(reason))", duration: nil, detail: nil, timed: false)
        case .stepRetrying(let id, let place, let attempt, let delay, let error):
            let first = error.message.split(separator: "\n").first.map(String.init) ?? error.kind.rawValue
            line.note("\(Self.label(id: id, place: place)) … failed, attempt \(attempt) in \(Self.duration(delay)): \(first)")
        }
    }

    /// `loop[2]/check` inside loops and branches, the id at the top level.
    public static func label(id: String, place: String) -> String { place.isEmpty ? id : "\(place)/\(id)" }

    /// `120 ms` under ten seconds, else `12.3 s`.
    public static func duration(_ seconds: Double) -> String { ProgressLine.duration(seconds) }

    /// The word for a state, `ok` for a success, coloured on a terminal.
    func style(_ state: StepState) -> String {
        switch state {
        case .succeeded: TextStyle.string.apply("ok", colored: colored)
        case .failed: TextStyle.error.apply("failed", colored: colored)
        case .cached: TextStyle.key.apply("cached", colored: colored)
        case .skipped: TextStyle.undefined.apply("skipped", colored: colored)
        case .pending, .running: state.rawValue
        }
    }
}
