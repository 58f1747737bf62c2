import Foundation
import Testing

/// Ctrl-C (SIGINT to hops) while a loop runs its steps in a warm python3 process.
@Suite struct WarmLoopInterruptTests {
    @Test func sigintDuringAWarmLoopEndsTheRunningStepAndItsProcess() throws {
        let workspace = try StoreWorkspace()
        defer { workspace.cleanUp() }
        // Iteration 3 says which process runs it, then waits far longer than the test.
        try workspace.write(
            "windmill/scripts/step.py",
            """
            import os, time
            def main(i, dir):
                if i == 3:
                    with open(dir + "/running.tmp", "w") as f:
                        f.write(str(os.getpid()))
                    os.rename(dir + "/running.tmp", dir + "/running")
                    time.sleep(600)
                return {"i": i, "pid": os.getpid()}

            """)
        try workspace.write(
            "windmill/flows/loop.yaml",
            """
            summary: a loop of python3 steps
            inputs:
              dir:
                type: string
                required: true
            steps:
              - id: loop
                script: step.py
                for_each: ${{ [0, 1, 2, 3, 4, 5] }}
                args:
                  i: ${{ item }}
                  dir: ${{ inputs.dir }}

            """)
        let arguments = [
            try HopsProcess.binary(), "flow", "run", workspace.directory.appendingPathComponent("windmill/flows/loop.yaml").path,
            "-i", "dir=\(workspace.directory.path)", "--store", workspace.store,
        ]
        var pid: pid_t = 0
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        try #require(posix_spawn(&pid, arguments[0], &actions, nil, &argv, environ) == 0)

        // The event: iteration 3 is running and has named its process.
        let running = workspace.directory.appendingPathComponent("running").path
        let deadline = Date().addingTimeInterval(120)
        while !FileManager.default.fileExists(atPath: running) && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
        }
        let warm = try #require(pid_t(try String(contentsOfFile: running, encoding: .utf8)), "iteration 3 never ran")
        kill(pid, SIGINT)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        #expect(status & 0x7f == 0 && (status >> 8) & 0xff == 130, "hops ended with wait status \(status)")
        #expect(!Self.isAlive(warm), "the warm python3 process outlived Ctrl-C")

        // The iterations before 3 ran in that same process, and the store says the run was cancelled there.
        let pids = try workspace.sqlite("SELECT DISTINCT json_extract(result, '$.pid') FROM steps WHERE status = 'succeeded' AND place != ''")
        #expect(pids == String(warm), "iterations ran in \(pids), not only in \(warm)")
        let states = try workspace.sqlite("SELECT status FROM runs")
        #expect(states != "running" && states != "succeeded", "the run reads \(states)")
    }

    /// Whether `pid` still exists as a live process (a zombie is not), asked until it is gone or 5 s pass.
    static func isAlive(_ pid: pid_t) -> Bool {
        let deadline = Date().addingTimeInterval(5)
        repeat {
            guard kill(pid, 0) == 0 else { return false }
            let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
            if let close = stat.lastIndex(of: ")"), stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z") {
                return false
            }
            Thread.sleep(forTimeInterval: 0.05)
        } while Date() < deadline
        return true
    }
}
