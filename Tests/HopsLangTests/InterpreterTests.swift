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

@Suite struct DestructuringTests {
    @Test func patternsAtThePromptReadVariablesAndDefaults() throws {
        let interpreter = Interpreter()
        _ = try interpreter.execute("let limit = 50\nlet hosts = [{name: 'web', cpu: 40}, {name: 'db', cpu: 90}]")
        let busy = try #require(try interpreter.execute("hosts.filter(({cpu, max = limit}) => cpu > max).map(({name}) => name)"))
        #expect(describe(busy) == "[\"db\"]")
        let entries = try #require(try interpreter.execute("Object.entries({a: 1, b: 2}).map(([k, v]) => `${k}${v}`)"))
        #expect(describe(entries) == "[\"a1\",\"b2\"]")
    }

    @Test func boundExpressionsDestructureWithFreeVariables() throws {
        let expression = try Expression("pairs.map(([, second], index, ...rest) => second * factor + index + rest.length)")
        let value = try expression.evaluate(bindings: ["pairs": .array([.array([.number(1), .number(2)])]), "factor": .number(10)])
        #expect(describe(value) == "[21]")  // map passes the array too: rest is [pairs]
    }

    @Test(arguments: [
        ("(([a, a]) => a)", "duplicate parameter 'a'"),
        ("(({a, b: {a}}) => a)", "duplicate parameter 'a'"),
        ("((...a, b) => a)", "unexpected ',', expected ')' after the rest parameter"),
        ("(({...{a}}) => a)", "unexpected '{', expected a name after '...'"),
        ("(([...a = 1]) => a)", "unexpected '=', expected ']' after the rest element"),
        ("(({a}) => a)(undefined)", "cannot destructure property 'a' of undefined"),
        ("(([a]) => a)(null)", "null is not iterable"),
        ("((a = b, b) => a)(undefined, 1)", "unknown name 'b'"),
    ])
    func reportsMistakes(_ text: String, _ message: String) throws {
        do {
            _ = try Expression(text).evaluate(bindings: [:])
            Issue.record("\(text) evaluated without an error")
        } catch let diagnostic as Diagnostic {
            #expect(diagnostic.message == message)
        }
    }
}
