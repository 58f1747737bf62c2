import Foundation
import HopsLang
import Testing

/// Evaluates every expression of `Conformance/cases.jsonl` in hops and in Deno (one run over the
/// whole table) and requires the same result, or that the case is listed in `differences.md`.
@Suite struct ConformanceTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Conformance")
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    struct Case {
        var expression: String
        var context: [String: Value]
    }

    @Test func agreesWithDeno() throws {
        let cases = try Self.loadCases()
        #expect(cases.count >= 1200)
        let deno = try #require(Self.findDeno(), """
            deno was not found: set HOPS_DENO, put deno on PATH, or run `make deps` to install it \
            into tools/deno; the conformance table cannot be checked without it
            """)
        let expected = try Self.runDeno(deno)
        try #require(
            expected.count == cases.count,
            "deno printed \(expected.count) results for \(cases.count) cases")
        let differences = try Self.loadDifferences()
        var unexplained: [String] = []
        var stillListed = Set(differences.keys)
        for (testCase, javascript) in zip(cases, expected) {
            let hops = Self.encodedResult(testCase)
            let javascriptText = try Value(parsingJSON: javascript).jsonString() ?? javascript
            if hops == javascriptText {
                continue
            }
            if differences[testCase.expression] != nil {
                stillListed.remove(testCase.expression)
                continue
            }
            unexplained.append("\(testCase.expression)\n    hops: \(hops)\n    deno: \(javascriptText)")
        }
        // Entries for cases that now agree (or no longer exist) make the table lie; drop them.
        for expression in differences.keys where stillListed.contains(expression) {
            unexplained.append("listed in differences.md but agrees or is not a case: \(expression)")
        }
        #expect(
            unexplained.isEmpty,
            "\(unexplained.count) results differ from JavaScript:\n\(unexplained.joined(separator: "\n"))")
    }

    /// The result of a case in the form evaluate.js prints it: JSON with undefined, NaN, the
    /// infinities, -0, functions and thrown errors tagged.
    static func encodedResult(_ testCase: Case) -> String {
        let result: Value
        do {
            result = encode(try Expression(testCase.expression).evaluate(bindings: testCase.context))
        } catch {
            result = tag("throws")
        }
        return result.jsonString() ?? "?"
    }

    static func tag(_ name: String) -> Value { .object(ObjectValue([("$hops", .string(name))])) }

    static func encode(_ value: Value) -> Value {
        switch value {
        case .undefined: return tag("undefined")
        case .function: return tag("function")
        case .number(let number):
            if number.isNaN { return tag("NaN") }
            if number == .infinity { return tag("Infinity") }
            if number == -.infinity { return tag("-Infinity") }
            if number == 0 && number.sign == .minus { return tag("-0") }
            return value
        case .array(let elements): return .array(elements.map(encode))
        case .object(let object):
            return .object(ObjectValue(object.orderedEntries.map { ($0.key, encode($0.value)) }))
        default: return value
        }
    }

    static func loadCases() throws -> [Case] {
        let text = try String(contentsOf: folder.appendingPathComponent("cases.jsonl"), encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            guard case .object(let entry) = try Value(parsingJSON: String(line)),
                case .string(let expression)? = entry["expr"]
            else { throw LangError("bad case line: \(line)") }
            var context: [String: Value] = [:]
            if case .object(let bindings)? = entry["context"] {
                for (name, value) in bindings.entries { context[name] = value }
            }
            return Case(expression: expression, context: context)
        }
    }

    /// The expressions listed in differences.md, from table rows whose first cell is ``` `` expr `` ```.
    static func loadDifferences() throws -> [String: String] {
        let text = try String(contentsOf: folder.appendingPathComponent("differences.md"), encoding: .utf8)
        var result: [String: String] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("| `` ") {
            let rest = line.dropFirst(5)
            guard let end = rest.range(of: " `` |") else { continue }
            result[String(rest[..<end.lowerBound])] = String(line)
        }
        return result
    }

    static func findDeno() -> URL? {
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["HOPS_DENO"], !path.isEmpty { return URL(fileURLWithPath: path) }
        for directory in (environment["PATH"] ?? "").split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent("deno")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        let bundled = repository.appendingPathComponent("tools/deno/bin/deno")
        return FileManager.default.isExecutableFile(atPath: bundled.path) ? bundled : nil
    }

    static func runDeno(_ deno: URL) throws -> [String] {
        let process = Process()
        process.executableURL = deno
        process.arguments = [
            "run", "--quiet", "--allow-read=\(folder.path)",
            folder.appendingPathComponent("evaluate.js").path,
            folder.appendingPathComponent("cases.jsonl").path,
        ]
        // hops takes local time to be UTC; Deno is told so, for the Date cases.
        process.environment = ProcessInfo.processInfo.environment.merging(["TZ": "UTC"]) { $1 }
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw LangError("deno failed: " + String(decoding: errorData, as: UTF8.self))
        }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }
}
