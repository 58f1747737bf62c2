import Foundation
import HopsLang
import Testing

@testable import HopsFlow

@Suite("Expression syntax errors, located in the YAML")
struct ExpressionDiagnosticTests {
    static let folder = (TestPaths.fixtures as NSString).appendingPathComponent("broken-expressions")

    func places(_ result: FlowLoadResult) -> [String] {
        result.errors.map { "\($0.location.map { "\($0.line):\($0.column)" } ?? "?") \($0.message)" }
    }

    @Test func seedExpressions() throws {
        let file = (Self.folder as NSString).appendingPathComponent("seed.yaml")
        let result = FlowLoader.read(path: file)
        let places = places(result)
        #expect(result.errors.count == 5, "\(places)")
        #expect(places.contains { $0.hasPrefix("6:29 invalid expression in argument 'value' of step 'first': ") }, "\(places)")
        #expect(places.contains { $0.hasPrefix("9:38 invalid expression in the if of step 'second': ") }, "\(places)")
        #expect(places.contains { $0.hasPrefix("13:48 invalid expression in argument 'checks' of step 'second': ") }, "\(places)")
        #expect(places.contains { $0.hasPrefix("14:32 invalid expression in argument 'label' of step 'second': ") }, "\(places)")
        // Escapes of a double-quoted scalar take more room in the file than in the value.
        #expect(places.contains { $0.hasPrefix("18:32 invalid expression in argument 'quoted' of step 'third': ") }, "\(places)")
        #expect(throws: FlowLoadError.self) { try FlowLoader.load(path: file) }
    }

    @Test func openFlowExpressionsInBlockAndQuotedScalars() throws {
        let file = (Self.folder as NSString).appendingPathComponent("broken.flow")
        let result = FlowLoader.read(path: file)
        let places = places(result)
        #expect(result.errors.count == 3, "\(places)")
        #expect(places.contains { $0.hasPrefix("14:31 invalid expression in argument 'x' of step 'a': ") }, "\(places)")
        #expect(places.contains { $0.hasPrefix("16:47 invalid expression in skip_if of step 'a': ") }, "\(places)")
        #expect(places.contains { $0.hasPrefix("23:32 invalid expression in the condition of branch 1 of step 'b': ") }, "\(places)")
        let literal = try #require(result.errors.first { $0.location?.line == 14 })
        #expect(literal.rendered().hasSuffix("\n                .map(n => n * )\n                              ^"), "\(literal.rendered())")
        #expect(literal.rendered().hasPrefix("\(file)/flow.yaml:14:31: error: invalid expression"))
    }

    @Test func oneRendererForEveryDiagnostic() throws {
        let location = SourceLocation(file: "f.yaml", line: 3, column: 5)
        let fromLine = FlowDiagnostic(.warning, "odd", at: location, sourceLine: "key: value")
        #expect(fromLine.rendered() == "f.yaml:3:5: warning: odd\nkey: value\n    ^")
        #expect(fromLine.sourceLine == "key: value")
        let whole = FlowDiagnostic(.error, "bad", at: location, in: SourceFile(name: "f.yaml", text: "a\nb\nkey: value\n"), length: 5)
        #expect(whole.rendered() == "f.yaml:3:5: error: bad\nkey: value\n    ^~~~~")
        #expect(whole.rendered(colored: true).contains("\u{1B}[1;31merror:"))
        #expect(FlowDiagnostic(.error, "no place").rendered() == "error: no place")
    }

    @Test func windmillImportsInAnExpressionAreAccepted() {
        let text = "import { flow_input, results } from 'windmill@1-1'\n\nresults.a + 1"
        let blanked = ExpressionSyntaxCheck.blankingImports(text)
        #expect(blanked.unicodeScalars.count == text.unicodeScalars.count)
        #expect(blanked.hasSuffix("\n\nresults.a + 1") && blanked.hasPrefix("   "))
        #expect((try? Expression(blanked)) != nil)
    }
}
