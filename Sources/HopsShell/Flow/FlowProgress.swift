import Foundation
import HopsRun
import HopsStore

/// Shows a flow run as it happens, on standard error: a line per step that ends, and on a terminal
/// a status line of the steps still running with their elapsed time, redrawn in place.
///
/// Events arrive from several threads at once (parallel loops and branches), so one lock orders
/// every write; the status line is erased before a finished line is printed and drawn again after.
public final class FlowProgress: @unchecked Sendable {
    // @unchecked: every stored property below is read and written only while holding `lock`.
    private let lock = NSLock()
    private let live: Bool
    private let colored: Bool
    private var redactor = SecretRedactor()
    /// The running steps by label, in the order they started.
    private var running: [(label: String, started: Date)] = []
    private var statusShown = false
    private var tick = 0
    private var ticker: Thread?
    private var finished = false

    private static let spinner = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]

    /// `live`: redraw a status line in place (a terminal); else plain lines only.
    public init(live: Bool = Terminal.isTerminal(STDERR_FILENO), colored: Bool = Terminal.useColor(on: STDERR_FILENO)) {
        self.live = live
        self.colored = colored
    }

    /// Masks these values in every line from now on.
    public func addSecrets(_ secrets: [String]) {
        lock.lock()
        redactor.add(secrets)
        lock.unlock()
    }

    /// The handler to give `ExecutionOptions.onEvent`.
    public var handler: @Sendable (ExecutionEvent) -> Void { { [weak self] event in self?.handle(event) } }

    /// Starts the redraw timer on a terminal; call `stop()` when the run ends.
    public func start() {
        guard live else { return }
        lock.lock()
        finished = false
        lock.unlock()
        let thread = Thread { [weak self] in
            while let self, self.redrawUnlessFinished() {
                Thread.sleep(forTimeInterval: 0.1)
            }
        }
        lock.lock()
        ticker = thread
        lock.unlock()
        thread.start()
    }

    /// Stops redrawing and erases the status line.
    public func stop() {
        lock.lock()
        finished = true
        ticker = nil
        running = []
        eraseStatus()
        lock.unlock()
    }

    /// Handles one event of the run.
    public func handle(_ event: ExecutionEvent) {
        lock.lock()
        defer { lock.unlock() }
        switch event {
        case .stepStarted(let id, let place, let attempt):
            let label = Self.label(id: id, place: place)
            running.removeAll { $0.label == label }
            running.append((label, Date()))
            if attempt > 1 { printLine("\(label) … attempt \(attempt)") }
        case .stepFinished(let id, let place, let state, let elapsed, let error):
            let label = Self.label(id: id, place: place)
            running.removeAll { $0.label == label }
            var line = "\(label) … \(style(state)) \(Self.duration(elapsed))"
            if let error, let first = error.message.split(separator: "\n").first {
                line += ": " + first
            }
            printLine(line)
        case .stepSkipped(let id, let place, let reason):
            let label = Self.label(id: id, place: place)
            running.removeAll { $0.label == label }
            printLine("\(label) … \(style(.skipped)) (\(reason))")
        case .stepRetrying(let id, let place, let attempt, let delay, let error):
            let label = Self.label(id: id, place: place)
            let first = error.message.split(separator: "\n").first.map(String.init) ?? error.kind.rawValue
            printLine("\(label) … failed, attempt \(attempt) in \(Self.duration(delay)): \(first)")
        }
        if live && !finished { drawStatus() }
    }

    /// `loop[2]/check` inside loops and branches, the id at the top level.
    public static func label(id: String, place: String) -> String { place.isEmpty ? id : "\(place)/\(id)" }

    /// `120 ms` under ten seconds, else `12.3 s`.
    public static func duration(_ seconds: Double) -> String {
        seconds < 10 ? "\(Int((seconds * 1000).rounded())) ms" : String(format: "%.1f s", seconds)
    }

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

    // MARK: - Writing (the caller holds `lock`)

    private func printLine(_ text: String) {
        eraseStatus()
        Terminal.writeError(redactor.redact(text) + "\n")
    }

    private func eraseStatus() {
        guard statusShown else { return }
        Terminal.writeError("\r\u{1B}[2K")
        statusShown = false
    }

    private func drawStatus() {
        eraseStatus()
        guard !running.isEmpty else { return }
        let now = Date()
        let shown = running.prefix(3).map { "\($0.label) \(Self.duration(now.timeIntervalSince($0.started)))" }
        var text = Self.spinner[tick % Self.spinner.count] + " " + shown.joined(separator: ", ")
        if running.count > 3 { text += " +\(running.count - 3) more" }
        // One line only: a wrapped status line could not be erased with one escape.
        let width = Int(ProcessInfo.processInfo.environment["COLUMNS"] ?? "") ?? 80
        if text.count > width - 1 { text = String(text.prefix(max(10, width - 2))) + "…" }
        Terminal.writeError(redactor.redact(text))
        statusShown = true
    }

    /// Redraws the status line; false once the run has ended.
    private func redrawUnlessFinished() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if finished { return false }
        tick += 1
        drawStatus()
        return true
    }
}
