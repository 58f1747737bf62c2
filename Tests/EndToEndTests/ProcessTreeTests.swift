import CProcess
import Foundation
import Testing

/// A flow run ended by a signal, a `kill -9` or a timeout leaves no process of its steps running,
/// not even a grandchild that left the step's session with setsid.
@Suite struct ProcessTreeTests {
    /// A flow whose bash step starts a setsid grandchild and a plain child, writes the pids of
    /// itself and both to the fifo, then waits for them.
    static func spreadingFlow(fifo: String, timeout: Int? = nil, ignoringTerm: Bool = false) -> String {
        """
        summary: a step whose grandchild leaves its session
        value:
          modules:
            - id: spread
              value:
                type: rawscript
                language: bash
                content: |
                  \(ignoringTerm ? "trap '' TERM" : "# SIGTERM ends it")
                  fifo="$1"
                  setsid sleep 300 &
                  grandchild=$!
                  sleep 300 &
                  printf '%s %s %s %s %s\\n' "$$" "$grandchild" "$!" "$PPID" "$(dirname "$0")" > "$fifo"
                  wait
                input_transforms:
                  fifo:
                    type: static
                    value: \(fifo)
        \(timeout.map { "      timeout: \($0)" } ?? "")
        """
    }

    /// hops running `flow run` on the spreading flow, with the pids its step reported once started.
    struct RunningFlow {
        var process: Process
        /// The step's shell, its setsid grandchild, its child, and their leader (hops-step).
        var stepPids: [pid_t]
        /// The step's private folder (its script, arguments and context).
        var workFolder: String
        var folder: URL
        var stderr: Pipe

        init(timeout: Int? = nil, ignoringTerm: Bool = false, environment: [String: String] = [:]) throws {
            folder = try HopsProcess.temporaryDirectory()
            let fifo = folder.appendingPathComponent("ready").path
            #expect(mkfifo(fifo, 0o600) == 0)
            let flow = folder.appendingPathComponent("flow.yaml")
            try Self.write(ProcessTreeTests.spreadingFlow(fifo: fifo, timeout: timeout, ignoringTerm: ignoringTerm), to: flow)
            process = Process()
            process.executableURL = URL(fileURLWithPath: try HopsProcess.binary())
            if !environment.isEmpty {
                process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
            }
            process.arguments = ["flow", "run", flow.path, "--store", folder.appendingPathComponent("store.db").path]
            stderr = Pipe()
            process.standardOutput = FileHandle.nullDevice
            process.standardError = stderr
            try process.run()
            (stepPids, workFolder) = try Self.readPids(fifo: fifo)
        }

        /// Reads hops's standard error until it holds `text`; throws when hops closes it first.
        func waitForError(containing text: String) throws -> String {
            var seen = Data()
            let descriptor = stderr.fileHandleForReading.fileDescriptor
            var buffer = [UInt8](repeating: 0, count: 4096)
            while !String(decoding: seen, as: UTF8.self).contains(text) {
                let count = read(descriptor, &buffer, buffer.count)
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { throw HarnessError("hops closed its stderr before saying '\(text)'") }
                seen.append(contentsOf: buffer[0..<count])
            }
            return String(decoding: seen, as: UTF8.self)
        }

        static func write(_ text: String, to url: URL) throws {
            try text.write(to: url, atomically: true, encoding: .utf8)
        }

        /// The line the step writes to the fifo, waited for (30 s at most) with poll.
        static func readPids(fifo: String) throws -> ([pid_t], String) {
            // Read-write: the open does not wait for the writer, and poll says when it has written.
            let descriptor = open(fifo, O_RDWR)
            defer { close(descriptor) }
            var request = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&request, 1, 30_000) == 1 else { throw HarnessError("the step never reported its pids") }
            var buffer = [UInt8](repeating: 0, count: 256)
            let count = read(descriptor, &buffer, buffer.count)
            let line = String(decoding: buffer[0..<max(0, count)], as: UTF8.self)
            let words = line.split(whereSeparator: \.isWhitespace)
            let pids = words.compactMap { pid_t($0) }
            guard pids.count == 4, words.count == 5 else { throw HarnessError("unexpected report from the step: \(line)") }
            return (pids, String(words[4]))
        }

        /// The pids of the step that still run 10 s after the end of hops.
        func survivors() -> [pid_t] {
            stepPids.filter { hops_wait_for_process_end($0, 10_000) != 1 }
        }

        func status(in store: String = "store.db") throws -> String {
            let query = Process()
            query.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            query.arguments = ["sqlite3", folder.appendingPathComponent(store).path, "SELECT status FROM runs"]
            let output = Pipe()
            query.standardOutput = output
            try query.run()
            let data = output.fileHandleForReading.readDataToEndOfFile()
            query.waitUntilExit()
            return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }

        func cleanUp() {
            for pid in stepPids { kill(pid, SIGKILL) }
            try? FileManager.default.removeItem(at: folder)
        }
    }

    @Test(arguments: [SIGINT, SIGTERM, SIGHUP])
    func aSignalEndsEveryProcessOfTheRunAndIsRecordedAsInterrupted(signal: Int32) throws {
        let run = try RunningFlow()
        defer { run.cleanUp() }
        kill(run.process.processIdentifier, signal)
        let errors = run.stderr.fileHandleForReading.readDataToEndOfFile()
        run.process.waitUntilExit()
        #expect(run.process.terminationStatus == 128 + signal)
        #expect(run.survivors() == [], "every process of the step ended, the setsid grandchild too")
        #expect(!FileManager.default.fileExists(atPath: run.workFolder))
        #expect(try run.status() == "interrupted")
        #expect(String(decoding: errors, as: UTF8.self).contains("flow interrupted"))
    }

    @Test func aSecondSignalKillsWhatIgnoresTheFirst() throws {
        // The step ignores SIGTERM, and the grace before SIGKILL is an hour: only the second
        // Ctrl-C can end it.
        let run = try RunningFlow(ignoringTerm: true, environment: ["HOPS_GRACE_SECONDS": "3600"])
        defer { run.cleanUp() }
        kill(run.process.processIdentifier, SIGINT)
        _ = try run.waitForError(containing: "again to force")
        kill(run.process.processIdentifier, SIGINT)
        // A guard against a hang, not a measure: without the second signal the step would run an hour.
        let ended = hops_wait_for_process_end(run.process.processIdentifier, 60_000)
        #expect(ended == 1, "hops still runs after the second Ctrl-C")
        if ended != 1 { kill(run.process.processIdentifier, SIGKILL) }
        run.process.waitUntilExit()
        #expect(run.process.terminationStatus == 128 + SIGINT)
        #expect(run.survivors() == [], "the step and its children were killed at once")
        #expect(try run.status() == "interrupted")
    }

    @Test func aKilledHopsLeavesNoStepProcessRunning() throws {
        let run = try RunningFlow()
        defer { run.cleanUp() }
        kill(run.process.processIdentifier, SIGKILL)
        run.process.waitUntilExit()
        #expect(run.process.terminationReason == .uncaughtSignal)
        #expect(run.survivors() == [], "the step, its child and its setsid grandchild ended with hops")
        #expect(run.workFolder.contains("hops-step-"))
        #expect(!FileManager.default.fileExists(atPath: run.workFolder), "the leader removed the work folder")
    }

    @Test func aTimeoutEndsTheGrandchildThatLeftTheSession() throws {
        let run = try RunningFlow(timeout: 1)
        defer { run.cleanUp() }
        let errors = run.stderr.fileHandleForReading.readDataToEndOfFile()
        run.process.waitUntilExit()
        #expect(run.process.terminationStatus == 1)
        #expect(String(decoding: errors, as: UTF8.self).contains("timed out after 1s"))
        #expect(run.survivors() == [])
        #expect(try run.status() == "failed")
    }
}
