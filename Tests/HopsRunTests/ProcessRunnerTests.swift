import Foundation
import Synchronization
import Testing

@testable import HopsRun

@Suite struct ProcessRunnerTests {
    /// A write to a pipe whose reader is gone fails (EPIPE) and leaves hops running: SIGPIPE would end it.
    @Test func aWriteToAPipeNobodyReadsFailsInsteadOfEndingHops() {
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        close(ends[0])
        defer { close(ends[1]) }
        let bytes = [UInt8](repeating: 0x2A, count: 100)
        #expect(bytes.withUnsafeBytes { writeToPipe(ends[1], $0) } == false)
        // Another one, once the first SIGPIPE was taken: nothing is left pending to end hops later.
        #expect(bytes.withUnsafeBytes { writeToPipe(ends[1], $0) } == false)
    }

    @Test func capturesOutputStatusAndInput() throws {
        let result = try ProcessRunner.run(
            ProcessRequest(
                executable: "bash", arguments: ["-c", "read line; echo \"got $line in $PWD\"; echo oops >&2; exit 3"],
                environment: ["PATH": "/usr/bin:/bin"], workingDirectory: "/tmp",
                standardInput: Data("hello\n".utf8)))
        #expect(result.stdout == "got hello in /tmp\n")
        #expect(result.stderr == "oops\n")
        #expect(result.exitCode == 3)
        #expect(result.signal == nil)
    }

    @Test func passesEnvironment() throws {
        let result = try ProcessRunner.run(
            ProcessRequest(executable: "/bin/sh", arguments: ["-c", "echo $HOPS_X"], environment: ["HOPS_X": "y z"]))
        #expect(result.stdout == "y z\n")
    }

    @Test func readsLargeOutputOnBothStreamsWithoutBlocking() throws {
        let script = "for i in $(seq 1 20000); do echo line-$i-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx; echo err-$i >&2; done"
        let result = try ProcessRunner.run(ProcessRequest(executable: "bash", arguments: ["-c", script], timeout: 60))
        #expect(result.exitCode == 0)
        #expect(result.stdout.split(separator: "\n").count == 20000)
        #expect(result.stderr.split(separator: "\n").last == "err-20000")
    }

    @Test func reportsTheSignalThatEndedTheProcess() throws {
        let result = try ProcessRunner.run(ProcessRequest(executable: "bash", arguments: ["-c", "kill -TERM $$"]))
        #expect(result.exitCode == nil)
        #expect(result.signal == SIGTERM)
    }

    @Test func timeoutKillsTheWholeProcessGroup() throws {
        let marker = FileManager.default.temporaryDirectory.appendingPathComponent("hops-child-\(UUID().uuidString)")
        // The child sleeps in the background and records its pid; the timeout must kill it too.
        let script = "sleep 30 & echo $! > \(marker.path); echo started; wait"
        let started = Date()
        #expect {
            _ = try ProcessRunner.run(ProcessRequest(executable: "bash", arguments: ["-c", script], timeout: 1))
        } throws: { error in
            guard case ProcessError.timedOut(let seconds, let partial) = error else { return false }
            return seconds == 1 && partial.stdout == "started\n" && "\(error)" == "timed out after 1s"
        }
        #expect(Date().timeIntervalSince(started) < 5)
        let childPid = try #require(pid_t(String(contentsOf: marker, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(!processStaysAlive(childPid), "the child of the timed-out process is gone")
        try? FileManager.default.removeItem(at: marker)
    }

    @Test func cancellationKillsTheRunningProcess() throws {
        let cancellation = Cancellation()
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) { cancellation.cancel() }
        let started = Date()
        #expect(throws: ProcessError.self) {
            _ = try ProcessRunner.run(
                ProcessRequest(executable: "bash", arguments: ["-c", "sleep 20"]), cancellation: cancellation)
        }
        #expect(Date().timeIntervalSince(started) < 5)
    }

    @Test func aCancelWakesAWaitAtOnce() {
        let cancellation = Cancellation()
        #expect(cancellation.wait(seconds: 0.01), "an uncancelled wait sleeps its time and answers true")
        let done = DispatchSemaphore(value: 0)
        let answer = Mutex<Bool?>(nil)
        Thread.detachNewThread {
            let woken = cancellation.wait(seconds: 3600)
            answer.withLock { $0 = woken }
            done.signal()
        }
        cancellation.cancel()
        #expect(done.wait(timeout: .now() + 60) == .success, "the wait outlived the cancel")
        #expect(answer.withLock { $0 } == false)
        #expect(!cancellation.wait(seconds: 3600))
    }

    @Test func missingExecutableIsAClearError() {
        #expect(throws: ProcessError.executableNotFound("no-such-program-hops")) {
            _ = try ProcessRunner.run(ProcessRequest(executable: "no-such-program-hops"))
        }
    }
}
