import Foundation
import Testing

@Suite struct PipeTests {
    @Test func statementsFromStandardInput() throws {
        let result = try HopsProcess.run([], input: "let x = 2\nx * 21\n")
        #expect(result.output == "42\n")
        #expect(result.error == "")
        #expect(result.status == 0)
    }

    @Test func incompleteLinesAccumulate() throws {
        let result = try HopsProcess.run([], input: "let xs = [1,\n  2,\n  3]\nxs.map(x =>\n  x * 10)\n_.length\n")
        #expect(result.output == "[10, 20, 30]\n3\n")
        #expect(result.status == 0)
    }

    @Test func anErrorGoesToStandardErrorAndReadingContinues() throws {
        let result = try HopsProcess.run([], input: "1 +* 2\n\"after\"\n")
        #expect(result.output == "\"after\"\n")
        #expect(result.error.hasPrefix("<stdin>:1:"))
        #expect(result.error.contains("error:"))
        #expect(!result.error.contains("\u{1B}"))
        #expect(result.status == 1)
    }

    @Test func evaluatesOneExpression() throws {
        let result = try HopsProcess.run(["-e", "[1, 2, 3].map(x => x * 2)"])
        #expect(result.output == "[2, 4, 6]\n")
        #expect(result.status == 0)
    }

    @Test func printsOneJSONDocument() throws {
        let result = try HopsProcess.run(["-e", "({a: [1, 'x'], b: undefined})", "--json"])
        #expect(result.output == "{\"a\":[1,\"x\"]}\n")
        let undefined = try HopsProcess.run(["-e", "undefined", "--json"])
        #expect(undefined.output == "null\n")
    }

    @Test func syntaxErrorExitsWith65AndPointsAtTheColumn() throws {
        let result = try HopsProcess.run(["-e", "1 + )"])
        #expect(result.status == 65)
        #expect(result.output == "")
        let lines = result.error.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first?.hasPrefix("<expr>:1:5: error:") == true)
        #expect(lines.count >= 3 && lines[1].contains("1 + )") && lines[2].contains("^"))
    }

    @Test func runtimeErrorExitsWith70() throws {
        let result = try HopsProcess.run(["-e", "null.x"])
        #expect(result.status == 70)
        #expect(result.error.hasPrefix("<expr>:1:"))
    }

    @Test func inputBindsTopLevelKeys() throws {
        let directory = try HopsProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("ctx.json")
        try Data(#"{"results": {"a": [1, 2]}}"#.utf8).write(to: file)
        let result = try HopsProcess.run(["-e", "results.a.length", "--input", file.path])
        #expect(result.output == "2\n")
        let whole = try HopsProcess.run(["-e", "input.results.a[1]", "--input", "-"], input: #"{"results": {"a": [1, 2]}}"#)
        #expect(whole.output == "2\n")
    }

    @Test func invalidInputIsALocatedError() throws {
        let result = try HopsProcess.run(["-e", "input", "--input", "-"], input: "{\"a\": }")
        #expect(result.status == 65)
        #expect(result.error.hasPrefix("<stdin>:1:"))
    }

    @Test func runStopsAtTheFirstErrorWithItsLocation() throws {
        let directory = try HopsProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("tour.txt")
        try Data("let a = 1\na + 1\nlet b = [\n  1]\nb.nope.x\n\"never\"\n".utf8).write(to: file)
        let result = try HopsProcess.run(["run", file.path])
        #expect(result.output == "2\n")
        #expect(result.error.hasPrefix("\(file.path):5:"))
        #expect(result.error.contains("error:"))
        #expect(result.status != 0)
    }

    @Test func runOfAMissingFileSaysSo() throws {
        let result = try HopsProcess.run(["run", "/nonexistent/file.hops"])
        #expect(result.status != 0)
        #expect(result.error.contains("cannot read /nonexistent/file.hops"))
    }
}
