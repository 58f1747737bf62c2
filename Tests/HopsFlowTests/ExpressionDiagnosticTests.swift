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
        #expect(result.errors.count == 4, "\(places)")
        #expect(places.contains { $0.hasPrefix("6:29 invalid expression in argument 'value' of step 'first': ") }, "\(places)")
        #expect(places.contains { $0.hasPrefix("9:38 invalid expression in the if of step 'second': ") }, "\(places)")
        #expect(places.contains { $0.hasPrefix("13:48 invalid expression in argument 'checks' of step 'second': ") }, "\(places)")
        #expect(places.contains { $0.hasPrefix("14:32 invalid expression in argument 'label' of step 'second': ") }, "\(places)")
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

    @Test func windmillImportsInAnExpressionAreAccepted() {
        let text = "import { flow_input, results } from 'windmill@1-1'\n\nresults.a + 1"
        let blanked = ExpressionSyntaxCheck.blankingImports(text)
        #expect(blanked.unicodeScalars.count == text.unicodeScalars.count)
        #expect(blanked.hasSuffix("\n\nresults.a + 1") && blanked.hasPrefix("   "))
        #expect((try? Expression(blanked)) != nil)
    }
}
