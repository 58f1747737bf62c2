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

    /// A flow of one step in `language` running `content`, written into `folder`.
    static func flow(
        _ id: String, language: String, content: String, inputs: String = "{}", in folder: URL
    ) throws -> String {
        let flow = folder.appendingPathComponent("\(id).yaml").path
        let indented = content.split(separator: "\n", omittingEmptySubsequences: false).map { "          " + $0 }
            .joined(separator: "\n")
        try """
            summary: one \(language) step
            value:
              modules:
                - id: \(id)
                  value:
                    type: rawscript
                    language: \(language)
                    content: |
            \(indented)
                    input_transforms: \(inputs)

            """.write(toFile: flow, atomically: true, encoding: .utf8)
        return flow
    }

    /// 200 000 000 bytes and a last line, from a bash step (a process of its own) and from a
    /// python3 step (in a warm process, whose output is split step by step).
    static let loud = [
        ("bash", "yes 'all work and no play makes jack a dull boy' | head -c 200000000\necho\necho '{\"lines\": \"many\"}'"),
        ("python3", """
            import sys
            def main():
                line = "all work and no play makes jack a dull boy\\n"
                for _ in range(200000000 // len(line)):
                    sys.stdout.write(line)
                sys.stdout.write("x" * (200000000 % len(line)))
                print()
                print('{"lines": "many"}')
                return {"lines": "many"}
            """),
    ]

    @Test(arguments: loud) func twoHundredMegabytesOfOutputStayWithinBoundedMemory(language: String, content: String) throws {
        let folder = try HopsProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let flow = try Self.flow("loud", language: language, content: content, in: folder)
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

    /// Colour codes, bytes that are not UTF-8 and a planted secret, written by a bash step and by
    /// warm python3 and Deno steps.
    static let binary = [
        ("bash", "token=\"$1\"\nprintf 'red \\033[31mtext\\033[0m \\377\\376 caf\\303\\251 %s\\n' \"$token\"\necho 1"),
        ("python3", """
            import sys
            def main(token: str):
                sys.stdout.buffer.write(b"red \\033[31mtext\\033[0m \\377\\376 caf\\303\\251 " + token.encode() + b"\\n")
                sys.stdout.flush()
                return 1
            """),
        ("deno", """
            export function main(token: string) {
              const text = new TextEncoder().encode("red \\x1b[31mtext\\x1b[0m ");
              const tail = new TextEncoder().encode(` café ${token}\\n`);
              Deno.stdout.writeSync(new Uint8Array([...text, 0xff, 0xfe, ...tail]));
              return 1;
            }
            """),
    ]

    @Test(arguments: binary) func binaryOutputIsStoredAsBytesAndShownEscaped(language: String, content: String) throws {
        let folder = try HopsProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let flow = try Self.flow(
            "binary", language: language, content: content,
            inputs: "\n            token:\n              type: static\n              value: $var:f/p/token", in: folder)
        let store = folder.appendingPathComponent("store.db").path
        let secret = ["WM_VAR_F_P_TOKEN": "s3cr3t-Ü-token"]
        let run = try HopsProcess.run(["flow", "run", flow, "--store", store], environment: secret)
        #expect(run.status == 0, "\(run.error)")

        let shown = try HopsProcess.run(["show", "last", "binary", "--store", store])
        #expect(shown.output.contains(#"red \x1b[31mtext\x1b[0m \xff\xfe café ***"#), "\(shown.output)")
        #expect(!shown.output.contains("\u{1b}"), "no raw escape sequence reaches the terminal")

        // The bytes themselves, for a pipe or a file; the secret masked in them too.
        let raw = try HopsProcess.run(["show", "last", "binary", "--stdout", "--store", store])
        #expect(raw.status == 0, "\(raw.error)")
        // bash's result is its last line, which it prints.
        let expected = Data("red \u{1b}[31mtext\u{1b}[0m ".utf8) + Data([0xff, 0xfe]) + Data(" café ***\n".utf8)
            + Data((language == "bash" ? "1\n" : "").utf8)
        #expect(raw.outputData == expected, "\(Array(raw.outputData))")
        let database = try String(contentsOfFile: store, encoding: .isoLatin1)
        #expect(!database.contains("s3cr3t"))

        // To a terminal, as curl does, the bytes go only when asked for by a redirection.
        let terminal = try TerminalSession.run(
            [.expect("is not plain text (binary or control characters)")],
            arguments: ["show", "last", "binary", "--stdout", "--store", store], hopsHome: folder)
        #expect(terminal.failure == nil, "\(terminal.transcript)")
        #expect(terminal.status == 1)
        #expect(!terminal.transcript.contains("\u{1b}[31m"))
    }
}
