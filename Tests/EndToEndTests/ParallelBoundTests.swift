import Foundation
import Testing

/// A parallel loop without `parallelism` runs a bounded number of items at once (8 by default).
@Suite struct ParallelBoundTests {
    @Test func aParallelLoopWithoutParallelismRunsAtMostEightItemsAtOnce() throws {
        let folder = try HopsProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let fifo = folder.appendingPathComponent("arrived").path
        let gate = folder.appendingPathComponent("gate").path
        #expect(mkfifo(fifo, 0o600) == 0)
        #expect(FileManager.default.createFile(atPath: gate, contents: Data()))
        // The test holds the gate: every item says it arrived, then waits for the gate to open.
        let gateDescriptor = open(gate, O_RDONLY)
        #expect(flock(gateDescriptor, LOCK_EX) == 0)
        let flow = folder.appendingPathComponent("wide.yaml").path
        try """
            summary: twenty items in parallel
            value:
              modules:
                - id: each
                  value:
                    type: forloopflow
                    iterator:
                      type: javascript
                      expr: "Array.from({length: 20}, (_, i) => i)"
                    parallel: true
                    modules:
                      - id: item
                        value:
                          type: rawscript
                          language: bash
                          content: |
                            echo "$1" > \(fifo)
                            flock -s \(gate) true
                            echo "$1"
                          input_transforms:
                            n:
                              type: javascript
                              expr: flow_input.iter.value
            """.write(toFile: flow, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try HopsProcess.binary())
        process.arguments = ["flow", "run", flow, "--store", folder.appendingPathComponent("store.db").path, "--json"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let results = ReadInBackground(output.fileHandleForReading)

        let arrivals = open(fifo, O_RDWR)
        defer { close(arrivals) }
        var arrived = 0
        var pending = ""
        while arrived < 8 {
            var request = pollfd(fd: arrivals, events: Int16(POLLIN), revents: 0)
            guard poll(&request, 1, 60_000) == 1 else { break }
            var buffer = [UInt8](repeating: 0, count: 256)
            let count = read(arrivals, &buffer, buffer.count)
            pending += String(decoding: buffer[0..<max(0, count)], as: UTF8.self)
            arrived = pending.split(separator: "\n").count
        }
        #expect(arrived == 8, "eight items started")
        // Each running item is a hops-step child of hops; the others wait for a free place.
        let running = Self.children(of: process.processIdentifier).count
        #expect(running == 8, "items running at once: \(running)")
        #expect(flock(gateDescriptor, LOCK_UN) == 0)
        close(gateDescriptor)
        let data = results.wait()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        #expect((object?["result"] as? [Any])?.count == 20)
    }

    /// The pids whose parent is `parent`, from /proc.
    static func children(of parent: pid_t) -> [pid_t] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry -> pid_t? in
            guard let pid = pid_t(entry), let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { return nil }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 1 && pid_t(fields[1]) == parent ? pid : nil
        }
    }
}
