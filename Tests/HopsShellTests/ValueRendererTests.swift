import HopsLang
import Testing

@testable import HopsShell

@Suite struct ValueRendererTests {
    let hosts: Value = .array([
        .object(ObjectValue([("name", .string("alpha")), ("cpu", .number(5))])),
        .object(ObjectValue([("name", .string("b")), ("cpu", .number(75.5)), ("tags", .array([.string("x")]))])),
    ])

    @Test func arrayOfObjectsIsABoxTable() {
        let text = ValueRenderer().render(hosts)
        #expect(
            text == """
                ┌───────┬──────┬───────┐
                │ name  │  cpu │ tags  │
                ├───────┼──────┼───────┤
                │ alpha │    5 │       │
                │ b     │ 75.5 │ ["x"] │
                └───────┴──────┴───────┘
                """)
    }

    @Test func colourAddsOnlyEscapes() {
        let plain = ValueRenderer(colored: false).render(hosts)
        let colored = ValueRenderer(colored: true).render(hosts)
        #expect(!plain.contains("\u{1B}"))
        #expect(colored.contains("\u{1B}["))
        #expect(colored.strippingANSI == plain)
    }

    @Test func longCellsAreCutWithAnEllipsis() {
        let row: Value = .array([.object(ObjectValue([("text", .string(String(repeating: "x", count: 50)))]))])
        let text = ValueRenderer(maximumCellWidth: 10).render(row)
        #expect(text.contains("│ xxxxxxxxx… │"))
    }

    @Test(arguments: [
        (Value.string("a\"b\n"), #""a\"b\n""#),
        (Value.null, "null"),
        (Value.undefined, "undefined"),
        (Value.bool(true), "true"),
        (Value.number(42), "42"),
        (Value.number(0.5), "0.5"),
        (Value.array([]), "[]"),
        (Value.object(ObjectValue()), "{}"),
        (Value.array([.number(1), .string("a")]), #"[1, "a"]"#),
        (Value.object(ObjectValue([("a", .number(1)), ("b", .null)])), #"{"a": 1, "b": null}"#),
    ])
    func scalarsAndSmallContainers(value: Value, expected: String) {
        #expect(ValueRenderer().render(value) == expected)
    }

    @Test func largeObjectsAreIndentedByTwo() {
        let long = String(repeating: "y", count: 70)
        let value: Value = .object(ObjectValue([("a", .string(long)), ("b", .array([.number(1)]))]))
        #expect(
            ValueRenderer().render(value) == """
                {
                  "a": "\(long)",
                  "b": [1]
                }
                """)
    }

    @Test func jsonModePrintsJSON() {
        let value: Value = .object(ObjectValue([("a", .array([.number(1), .number(2)]))]))
        #expect(ValueRenderer(mode: .json).render(value) == "{\n  \"a\": [\n    1,\n    2\n  ]\n}")
        #expect(ValueRenderer(mode: .json).render(.undefined) == "null")
    }

    @Test func lineModePrintsKeyEqualsValue() {
        let text = ValueRenderer(mode: .line).render(hosts)
        #expect(
            text == """
                name = alpha
                 cpu = 5

                name = b
                 cpu = 75.5
                tags = ["x"]
                """)
    }

    @Test func stripsEscapeSequences() {
        #expect("\u{1B}[1;31merror:\u{1B}[0m x\u{1B}]0;title\u{07}".strippingANSI == "error: x")
    }

    /// `[[…[[0, 1]]…]]`, `depth` arrays deep, each level with a wide string beside the inner array.
    private func nested(_ depth: Int) -> Value {
        var value: Value = .array([.number(0), .number(1)])
        for level in 1..<depth { value = .array([.string(String(repeating: "w", count: 30) + "\(level)"), value]) }
        return value
    }

    @Test(arguments: [20, 56])
    func deepValuesPrintWholeOneLevelPerIndent(depth: Int) {
        let text = ValueRenderer().render(nested(depth))
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        // Every level opens on its own line until the rest fits on one line.
        #expect(lines.first == "[")
        #expect(lines.last == "]")
        #expect(text.contains("\"" + String(repeating: "w", count: 30) + "\(depth - 1)\""))
        #expect(text.filter { $0 == "[" }.count == depth)
        #expect(text.filter { $0 == "]" }.count == depth)
        #expect(!text.contains("[Array]"))
        let deepest = lines.map { $0.prefix { $0 == " " }.count }.max() ?? 0
        #expect(deepest >= 2 * (depth - 3))
    }

    @Test func deepJSONObjectsPrintWithinTheDepthLimit() throws {
        let depth = 20
        let json = String(repeating: #"{"key": "value", "child": "#, count: depth) + "1" + String(repeating: "}", count: depth)
        let text = ValueRenderer().render(try Value(parsingJSON: json))
        #expect(text.components(separatedBy: #""key": "value""#).count == depth + 1)
        #expect(text.hasSuffix("}"))
    }

    @Test func valuesDeeperThanTheLimitAreCut() {
        let text = ValueRenderer(maximumDepth: 5).render(nested(200))
        #expect(text.contains("[Array]"))
        #expect(!text.contains("[0, 1]"))
        #expect(text.split(separator: "\n").count == 2 * 5 + 2 + 1)
        let object = Value.object(ObjectValue([("a", .object(ObjectValue([("b", .number(1))])))]))
        #expect(ValueRenderer(maximumDepth: 1).render(object) == #"{"a": [Object]}"#)
    }

    @Test func datesAndRegularExpressionsPrintAsDenoShowsThem() throws {
        let value = try Expression("[new Date(86400000), /a+b/gi, {}]").evaluate([])
        #expect(ValueRenderer().render(value) == "[1970-01-02T00:00:00.000Z, /a+b/gi, {}]")
    }
}
