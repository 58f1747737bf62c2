import HopsLang
import Testing

@Suite struct InterpreterTests {
    @Test func keepsVariablesBetweenRuns() throws {
        let interpreter = Interpreter()
        #expect(try interpreter.execute("let x = 2") == nil)
        let result = try #require(try interpreter.execute("x * 21"))
        #expect(describe(result) == "42")
        #expect(interpreter.variableNames == ["x"])
    }

    @Test func runsSeveralStatements() throws {
        let interpreter = Interpreter()
        let result = try #require(try interpreter.execute("let a = {b: [1, 2]}; a.b[1] = 5\na.c = 'x'\na"))
        #expect(describe(result) == "{b:[1,5],c:\"x\"}")
    }

    @Test func assignmentKeepsOtherValuesUnchanged() throws {
        let interpreter = Interpreter()
        _ = try interpreter.execute("let a = {n: 1}\nlet b = a\nb.n = 2")
        #expect(describe(try #require(interpreter.variable("a"))) == "{n:1}")
        #expect(describe(try #require(interpreter.variable("b"))) == "{n:2}")
    }

    @Test func closuresSeeLaterDefinitions() throws {
        let interpreter = Interpreter()
        _ = try interpreter.execute("let f = n => n <= 0 ? 0 : 1 + g(n - 1)\nlet g = n => f(n)")
        #expect(describe(try #require(try interpreter.execute("f(10)"))) == "10")
    }

    @Test func constantsCannotBeAssigned() {
        let interpreter = Interpreter()
        #expect(throws: Diagnostic.self) { try interpreter.execute("const k = 1\nk = 2") }
    }

    @Test func actionsOnlyAtStatementLevel() throws {
        let interpreter = Interpreter()
        interpreter.defineAction("sh", FunctionValue(name: "sh") { arguments, _ in .string("ran") })
        #expect(describe(try #require(try interpreter.execute("sh('ls')"))) == "\"ran\"")
        _ = try interpreter.execute("let r = sh('ls')")
        #expect(describe(try #require(interpreter.variable("r"))) == "\"ran\"")
        do {
            _ = try interpreter.execute("[1].length + sh('ls')")
            Issue.record("expected an error")
        } catch let diagnostic as Diagnostic {
            #expect(diagnostic.message == "sh(...) is an action: call it as a statement")
        }
    }

    @Test(arguments: [
        ("(1 +", true), ("[1, 2", true), ("{a: ", true), ("`abc ${", true), ("'abc", true),
        ("let x =", true), ("f(", true), ("1 +\n", true), ("/* c", true), ("x => ", true),
        ("1 + 1", false), ("1 )", false), ("let x = 1", false), ("", false),
    ])
    func detectsIncompleteInput(_ text: String, _ incomplete: Bool) {
        #expect(Interpreter.isIncomplete(text) == incomplete, "\(text)")
    }

    @Test func deepRecursionStops() {
        let interpreter = Interpreter()
        do {
            _ = try interpreter.execute("let f = n => f(n + 1)\nf(0)")
            Issue.record("expected an error")
        } catch let diagnostic as Diagnostic {
            #expect(diagnostic.message == "nesting too deep")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
