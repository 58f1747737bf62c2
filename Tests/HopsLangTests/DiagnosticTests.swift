import HopsLang
import Testing

@Suite struct DiagnosticTests {
    @Test func locatesOffsetsByCharacter() {
        let file = SourceFile(name: "f.hops", text: "let a = 1\nlet é = \"日本\" + x")
        #expect(file.location(of: 0) == (1, 1))
        #expect(file.location(of: 10) == (2, 1))
        #expect(file.location(of: 18) == (2, 9))
    }

    @Test func colorsOnlyWhenAsked() throws {
        do {
            _ = try Expression("1 +")
            Issue.record("expected an error")
        } catch let diagnostic as Diagnostic {
            #expect(diagnostic.isIncomplete)
            #expect(!diagnostic.rendered(colored: false).contains("\u{1B}["))
            #expect(diagnostic.rendered(colored: true).contains("\u{1B}[1;31merror:"))
            #expect(diagnostic.rendered(colored: false).hasPrefix("<expr>:1:4: error: unexpected end of input"))
        }
    }

    @Test func stopsWhenCancelled() throws {
        let interpreter = Interpreter()
        interpreter.isCancelled = { true }
        do {
            _ = try interpreter.execute("let f = n => n > 0 ? f(n - 1) + f(n - 1) : 0\nf(20)")
            Issue.record("expected an error")
        } catch let diagnostic as Diagnostic {
            #expect(diagnostic.message == "interrupted")
        }
    }

    @Test func stopsAtTheBudget() throws {
        let expression = try Expression(
            SourceFile(name: "<expr>", text: "[...Array(10)].map(x => [1, 2, 3].map(y => y * x))"),
            limits: Limits(maxSteps: 5))
        #expect(throws: Diagnostic.self) { try expression.evaluate(bindings: [:]) }
    }
}
