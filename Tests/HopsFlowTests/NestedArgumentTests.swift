import Foundation
import HopsLang
import Testing

@testable import HopsFlow

@Suite("Seed arguments nested in maps and lists")
struct NestedArgumentTests {
    static let flowText = """
        summary: Nested arguments
        steps:
          - id: a
            script: platform/a.ts
          - id: b
            script: platform/b.ts
            args:
              checks:
                disk: ${{ steps.a.result }}
                note: x
                count: 3
                list:
                  - ${{ inputs.y }}
                  - at ${{ inputs.z }} now
                  - 7
                odd-key: null
              plain:
                stays: static
              paths: ${{ [inputs.folder] }}
              items:
                - ${{ inputs.first }}
                - last
        """

    func load(_ text: String = flowText) throws -> (Flow, String) {
        let folder = try TestPaths.temporaryFolder()
        let file = (folder as NSString).appendingPathComponent("nested.yaml")
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let result = FlowLoader.read(path: file)
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        return (try #require(result.flow), file)
    }

    @Test func aMapWithExpressionLeavesIsOneObjectLiteral() throws {
        let (flow, _) = try load()
        let inputs = try #require(flow.module(id: "b")).value.inputTransforms
        #expect(inputs["checks"]?.expression?.text
            == "({disk: steps.a.result, note: \"x\", count: 3, list: [inputs.y, `at ${inputs.z} now`, 7], \"odd-key\": null})")
        #expect(inputs["plain"] == .static(.object(ObjectValue([("stays", .string("static"))]))))
        #expect(inputs["paths"]?.expression?.text == "[inputs.folder]")
        #expect(inputs["items"]?.expression?.text == "[inputs.first, \"last\"]")
    }

    @Test func theLiteralEvaluatesToTheNestedValue() throws {
        let (flow, _) = try load()
        let text = try #require(flow.module(id: "b")?.value.inputTransforms["checks"]?.expression?.text)
        let expression = try Expression(text)
        let steps = Value.object(ObjectValue([("a", .object(ObjectValue([("result", .number(42))])))]))
        let inputs = Value.object(ObjectValue([("y", .string("why")), ("z", .string("zed"))]))
        let value = try expression.evaluate(bindings: ["steps": steps, "inputs": inputs])
        #expect(value.jsonString() == #"{"disk":42,"note":"x","count":3,"list":["why","at zed now",7],"odd-key":null}"#)
    }

    @Test func leavesKeepTheirPositions() throws {
        let (flow, file) = try load()
        let expression = try #require(flow.module(id: "b")?.value.inputTransforms["checks"]?.expression)
        func place(of piece: String) throws -> String {
            let range = try #require(expression.text.range(of: piece))
            let offset = expression.text.unicodeScalars.distance(
                from: expression.text.unicodeScalars.startIndex, to: range.lowerBound.samePosition(in: expression.text.unicodeScalars)!)
            let location = try #require(expression.location(atOffset: offset))
            #expect(location.file == file)
            return "\(location.line):\(location.column)"
        }
        #expect(try place(of: "steps.a.result") == "9:19")
        #expect(try place(of: "inputs.y") == "13:17")
        #expect(try place(of: "inputs.z") == "14:20")
        #expect(expression.location?.line == 9)
    }

    @Test func theSeedWriterWritesTheNestedFormBack() throws {
        let (flow, _) = try load()
        let yaml = flow.seedYAML()
        #expect(yaml.contains("""
                checks:
                  disk: ${{ steps.a.result }}
                  note: x
                  count: 3
                  list:
                  - ${{ inputs.y }}
                  - at ${{ inputs.z }} now
                  - 7
                  odd-key: null
            """), "\(yaml)")
        #expect(yaml.contains("paths: ${{ [inputs.folder] }}"), "\(yaml)")
        #expect(yaml.contains("- ${{ inputs.first }}\n    - last"), "\(yaml)")
        let (again, _) = try load(yaml)
        #expect(again == flow)
        #expect(again.seedYAML() == yaml)
    }

    @Test(arguments: [
        "({a: 1})", "({a: b, c: [1, {d: e}]})", "[x, `t ${y}`]", "({\"k-1\": x, s: \"a, b\", t: `${u}, ${v}`})",
        "({a: f(1, 2), b: {}})", "({a: x ? {y: 1} : [2]})",
    ])
    func everyWrittenArgumentReadsBackTheSame(_ text: String) throws {
        var flow = Flow(format: .seed)
        flow.modules = [FlowModule(
            id: "s", value: .script(PathScript(path: "p.ts", inputTransforms: InputTransforms([("v", .javascript(FlowExpression(text)))]))))]
        let (again, _) = try load(flow.seedYAML())
        #expect(again.modules.first?.value.inputTransforms["v"]?.expression?.text == text, "\(flow.seedYAML())")
    }
}
