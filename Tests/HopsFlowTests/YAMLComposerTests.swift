import Foundation
import Testing
import Yams

@testable import HopsFlow

/// hops composes YAML from libyaml's events itself; the trees it builds are Yams's, node for node:
/// the same text, kind, scalar style and place (line and column) for every node.
@Suite struct YAMLComposerTests {
    static let samples = [
        "a: 1\nb: [x, 'y', \"z\"]\nc: {d: ~, e: yes}\n",
        "base: &base {host: h1, port: 22}\nuse: *base\nlist:\n  - &item x\n  - *item\n",
        "text: |\n  line one\n  line two\nfolded: >-\n  a\n  b\ntagged: !!str 12\nlocal: !custom value\n",
        "- 1\n- - 2\n  - 3\n- key: value\n  other: [4, {five: 5}]\n",
        "café: \"naïve ☃\"\n'quoted key': plain words here\n? complex\n: value\n",
        "---\nonly: document\n...\n",
        "",
        "# only a comment\n",
    ]

    @Test func treesMatchYamsNodeForNode() throws {
        var texts = Self.samples
        let corpus = try FileManager.default.subpathsOfDirectory(atPath: TestPaths.corpus)
            .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }
            .sorted()
        #expect(corpus.count > 20)
        texts += try corpus.map { try String(contentsOfFile: TestPaths.corpus + "/" + $0, encoding: .utf8) }
        for text in texts {
            let ours = try YAMLComposer.compose(text)
            let theirs = try Yams.compose(yaml: text, .basic)
            #expect((ours == nil) == (theirs == nil), "\(text.prefix(60))")
            if let ours, let theirs { Self.expectSame(ours, theirs, in: text) }
        }
    }

    static func expectSame(_ ours: Node, _ theirs: Node, in text: String) {
        let place = "\(text.prefix(40)) at \(theirs.mark.map(\.description) ?? "?")"
        #expect(ours.mark?.line == theirs.mark?.line && ours.mark?.column == theirs.mark?.column, "\(place)")
        switch (ours, theirs) {
        case (.scalar(let a), .scalar(let b)):
            #expect(a.string == b.string && a.style == b.style, "\(place)")
        case (.mapping(let a), .mapping(let b)):
            #expect(a.count == b.count, "\(place)")
            for (x, y) in zip(a, b) {
                expectSame(x.key, y.key, in: text)
                expectSame(x.value, y.value, in: text)
            }
        case (.sequence(let a), .sequence(let b)):
            #expect(a.count == b.count, "\(place)")
            for (x, y) in zip(a, b) { expectSame(x, y, in: text) }
        default:
            Issue.record("different kinds of node: \(ours) and \(theirs) (\(place))")
        }
    }

    /// What a refused text is reported as, and where.
    @Test(arguments: [
        ("a: 1\n b: 2\n", "invalid YAML: mapping values are not allowed in this context", 2, 3),
        ("a: [1, 2\n", "invalid YAML: did not find expected ',' or ']' (while parsing a flow sequence at line 1)", 2, 1),
        ("a: *nowhere\n", "invalid YAML: found undefined alias", 1, 4),
        ("a: 1\n---\nb: 2\n", "invalid YAML: but found another document (expected a single document in the stream at line 1)", 2, 1),
        ("b: 1\na: 2\nb: 3\na: 4\n", "invalid YAML: duplicated keys a, b", 2, 1),
    ])
    func refusedTexts(_ text: String, _ message: String, _ line: Int, _ column: Int) {
        do {
            _ = try YAMLComposer.compose(text)
            Issue.record("\(text) was composed")
        } catch {
            #expect(error.message == message)
            #expect(error.line == line && error.column == column, "\(error.line):\(error.column)")
        }
    }

    @Test func anAliasBombAndDeepNestingStopAtTheirLimits() {
        var bomb = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...8 {
            bomb += "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]\n"
        }
        #expect(throws: YAMLComposer.Problem.self) { _ = try YAMLComposer.compose(bomb) }
        var deep = ""
        for level in 0...(YAMLSource.maxDepth + 1) { deep += String(repeating: " ", count: level) + "k:\n" }
        do {
            _ = try YAMLComposer.compose(deep)
            Issue.record("the deep text was composed")
        } catch {
            #expect(error.message == "the YAML nests more than \(YAMLSource.maxDepth) levels deep; refused")
        }
    }

    @Test func bracketsNestedTooDeepAreFoundWhereTheyAre() {
        let brackets = String(repeating: "[", count: YAMLSource.maxDepth + 1)
        func place(_ text: String) -> [Int]? { YAMLSource.tooDeepFlowCollection(text).map { [$0.line, $0.column] } }
        // Columns count characters, not bytes; quotes and comments hide brackets; a bracket after a word is text.
        #expect(place("a: \(brackets)") == [1, 4 + YAMLSource.maxDepth])
        #expect(place("naïve ☃: x\nb: \(brackets)") == [2, 4 + YAMLSource.maxDepth])
        #expect(place("é: [\"\(brackets)\", '\(brackets)']  # \(brackets)\nc: d\(brackets)") == nil)
        #expect(place("- ☃ \(brackets)") == nil)
        #expect(place("- [☃, \(brackets)") == [1, 7 + YAMLSource.maxDepth - 1])
    }
}
