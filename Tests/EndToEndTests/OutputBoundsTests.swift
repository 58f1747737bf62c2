import Foundation
import Testing

/// A step's output is kept up to a limit, whatever it prints; binary output is kept escaped.
@Suite struct OutputBoundsTests {
    /// Runs hops under python3, which reports the peak resident memory of its children (hops, the
    /// largest of them) from getrusage: the exit status, stderr and the peak in megabytes.
    static func runMeasured(_ arguments: [String]) throws -> (status: Int32, error: String, peakMegabytes: Double) {
        let measure = """
            import resource, subprocess, sys
            done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            sys.stderr.buffer.write(done.stderr)
            print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", measure, try HopsProcess.binary()] + arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let errorData = ReadInBackground(errors.fileHandleForReading)
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let words = String(decoding: data, as: UTF8.self).split(separator: " ")
        guard words.count == 2, let status = Int32(words[0]),
            let peak = Double(words[1].trimmingCharacters(in: .whitespacesAndNewlines))
        else { throw HarnessError("no measurement: \(String(decoding: data, as: UTF8.self))") }
        return (status, String(decoding: errorData.wait(), as: UTF8.self), peak)
    }

    @Test func twoHundredMegabytesOfOutputStayWithinBoundedMemory() throws {
        let folder = try HopsProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let flow = folder.appendingPathComponent("loud.yaml").path
        try """
            summary: 200 MB of output
            value:
              modules:
                - id: loud
                  value:
                    type: rawscript
                    language: bash
                    content: |
                      yes 'all work and no play makes jack a dull boy' | head -c 200000000
                      echo
                      echo '{"lines": "many"}'
                    input_transforms: {}
            """.write(toFile: flow, atomically: true, encoding: .utf8)
        let store = folder.appendingPathComponent("store.db").path
        let run = try Self.runMeasured(["flow", "run", flow, "--store", store])
        #expect(run.status == 0, "\(run.error)")
        #expect(run.peakMegabytes < 150, "peak resident memory of hops: \(run.peakMegabytes) MB")
        let size = try FileManager.default.attributesOfItem(atPath: store)[.size] as? Int ?? 0
        #expect(size < 30_000_000, "store size \(size)")

        let shown = try HopsProcess.run(["show", "last", "loud", "--store", store, "--json"])
        #expect(shown.status == 0)
        // 200 000 019 bytes printed, 10 000 000 kept.
        #expect(shown.output.contains("[hops: 190000019 bytes of output cut here]"))
        #expect(shown.output.contains(#""lines" : "many""#) || shown.output.contains(#""lines": "many""#))
        let shownMeasured = try Self.runMeasured(["show", "last", "loud", "--store", store])
        #expect(shownMeasured.peakMegabytes < 150, "peak resident memory of hops show: \(shownMeasured.peakMegabytes) MB")
    }

    @Test func binaryOutputIsKeptEscaped() throws {
        let folder = try HopsProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let flow = folder.appendingPathComponent("binary.yaml").path
        try """
            summary: bytes that are not text
            value:
              modules:
                - id: binary
                  value:
                    type: rawscript
                    language: bash
                    content: |
                      printf 'red \\033[31mtext\\033[0m \\377\\376 caf\\303\\251\\n'
                      echo 1
                    input_transforms: {}
            """.write(toFile: flow, atomically: true, encoding: .utf8)
        let store = folder.appendingPathComponent("store.db").path
        #expect(try HopsProcess.run(["flow", "run", flow, "--store", store]).status == 0)
        let shown = try HopsProcess.run(["show", "last", "binary", "--store", store])
        #expect(shown.output.contains(#"red \x1b[31mtext\x1b[0m \xff\xfe café"#))
        #expect(!shown.output.contains("\u{1b}"), "no raw escape sequence reaches the terminal")
    }
}
