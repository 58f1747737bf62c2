import Foundation
import HopsLang
import Testing

/// Each file in Golden/ holds an input and what hops prints for it, compared exactly.
/// Format: optional `# key: value` header lines (`mode: expression` for `<expr>`, `maxSteps`,
/// `maxDepth`), the input, a line `---`, and the expected output. `RECORD_SNAPSHOTS=1` rewrites them.
@Suite struct GoldenTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Golden")

    static var cases: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".txt") }.sorted()
    }

    @Test func hasCases() {
        #expect(GoldenTests.cases.count >= 8)
    }

    @Test(arguments: GoldenTests.cases)
    func matches(_ name: String) throws {
        let url = GoldenTests.directory.appendingPathComponent(name)
        let contents = try String(contentsOf: url, encoding: .utf8)
        let parts = contents.components(separatedBy: "\n---\n")
        try #require(parts.count == 2, "\(name) has no '---' line")
        var header: [String: String] = [:]
        var inputLines: [String] = []
        for line in parts[0].components(separatedBy: "\n") {
            if inputLines.isEmpty, line.hasPrefix("# "), let colon = line.firstIndex(of: ":") {
                let key = line[line.index(line.startIndex, offsetBy: 2)..<colon]
                header[String(key)] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            } else {
                inputLines.append(line)
            }
        }
        let input = inputLines.joined(separator: "\n")
        var limits = Limits()
        if let steps = header["maxSteps"].flatMap(Int.init) { limits.maxSteps = steps }
        if let depth = header["maxDepth"].flatMap(Int.init) { limits.maxDepth = depth }
        let actual = GoldenTests.run(input, expression: header["mode"] == "expression", limits: limits)

        if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" {
            try (parts[0] + "\n---\n" + actual + "\n").write(to: url, atomically: true, encoding: .utf8)
            return
        }
        let expected = parts[1].hasSuffix("\n") ? String(parts[1].dropLast()) : parts[1]
        #expect(actual == expected, "\(name)")
    }

    static func run(_ input: String, expression: Bool, limits: Limits) -> String {
        do {
            if expression {
                let compiled = try Expression(SourceFile(name: "<expr>", text: input), limits: limits)
                return "value: " + describe(try compiled.evaluate(bindings: [:]))
            }
            let interpreter = Interpreter(limits: limits)
            return "value: " + (try interpreter.execute(SourceFile(name: "<prompt>", text: input)).map(describe) ?? "none")
        } catch let diagnostic as Diagnostic {
            return diagnostic.rendered(colored: false)
        } catch {
            return "unexpected error: \(error)"
        }
    }
}
