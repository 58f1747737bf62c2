import Foundation
import Synchronization
import Testing

@testable import HopsShell

/// The progress reporter runs, pushes, imports and installs share.
@Suite struct ProgressLineTests {
    /// Everything a progress line wrote.
    final class Capture: Sendable {
        let text = Mutex("")
        var write: @Sendable (String) -> Void { { [self] piece in text.withLock { $0 += piece } } }
        var value: String { text.withLock { $0 } }
    }

    @Test func withoutATerminalOnlyFinishedLinesAreWritten() {
        let capture = Capture()
        let progress = ProgressLine(live: false, write: capture.write)
        progress.begin("push f/ops/backup")
        progress.begin("push f/ops/health")
        progress.end("push f/ops/backup", "created", duration: 0.12)
        progress.end("push f/ops/health", "unchanged", duration: 12.34, detail: "nothing to send")
        progress.note("2 flows pushed")
        progress.finish()
        #expect(
            capture.value == """
                push f/ops/backup … created 120 ms
                push f/ops/health … unchanged 12.3 s: nothing to send
                2 flows pushed

                """)
    }

    @Test func onATerminalTheStatusLineIsRedrawnAndErased() {
        let capture = Capture()
        let progress = ProgressLine(live: true, write: capture.write)
        progress.begin("install deno")
        progress.begin("install python deps")
        progress.end("install deno", "ok", duration: 1.5)
        progress.finish()
        let text = capture.value
        // The status line names what runs with its time, is erased before the finished line and
        // drawn again after it (the spinner may have turned in between).
        let spin = "[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]"
        let erase = "\\r\\x{1B}\\[2K"
        let pattern = "^\(spin) install deno \\d+ ms(\(erase)\(spin) install deno \\d+ ms)*"
            + "\(erase)\(spin) install deno \\d+ ms, install python deps \\d+ ms(\(erase)\(spin) [^\\r]*)*"
            + "\(erase)install deno … ok 1500 ms\n\(spin) install python deps \\d+ ms(\(erase)\(spin) [^\\r]*)*\(erase)$"
        #expect(text.wholeMatch(of: try! Regex(pattern)) != nil, "\(text.debugDescription)")
    }
}
