import HopsLang
import Testing

@Suite struct ExpressionRewriterTests {
    /// Renames `steps.<id>.result` to `results.<id>` and `item` to `flow_input.iter.value`.
    static func seedToWindmill(_ reference: ExpressionRewriter.Reference) -> ExpressionRewriter.Replacement? {
        let names = reference.names
        switch reference.root {
        case "steps" where names.count >= 2 && names[1] == "result":
            return .init(accessCount: 2, text: "results" + reference.path[0].text)
        case "item":
            return .init(accessCount: 0, text: "flow_input.iter.value")
        default:
            return nil
        }
    }

    @Test(arguments: [
        ("steps.fetch.result", "results.fetch"),
        ("steps.fetch.result.items[0].name", "results.fetch.items[0].name"),
        ("steps['a-b'].result?.x", "results['a-b']?.x"),
        ("steps . fetch . result + 1", "results. fetch + 1"),
        ("`${steps.a.result} and steps.a.result and ${ item }`", "`${results.a} and steps.a.result and ${ flow_input.iter.value }`"),
        ("'steps.a.result' + \"item\"", "'steps.a.result' + \"item\""),
        ("({item, steps: steps.a.result, other: x.item})", "({item: flow_input.iter.value, steps: results.a, other: x.item})"),
        ("steps.list.result.map(item => item.id)", "results.list.map(item => item.id)"),
        ("steps.list.result.map(x => x.id + item)", "results.list.map(x => x.id + flow_input.iter.value)"),
        ("steps.list.result.map(({item}) => item)", "results.list.map(({item}) => item)"),
        ("steps.list.result.map(([a, b = item]) => a + b)", "results.list.map(([a, b = flow_input.iter.value]) => a + b)"),
        ("((a, item = item) => item)(1)", "((a, item = flow_input.iter.value) => item)(1)"),
        ("Object.entries(steps.a.result).filter(([k, v]) => v > steps.b.result)", "Object.entries(results.a).filter(([k, v]) => v > results.b)"),
        ("(steps.a).result", "(steps.a).result"),
        ("steps.a.result[steps.b.result.key]", "results.a[results.b.key]"),
        ("typeof item === 'undefined' ? 0 : item", "typeof flow_input.iter.value === 'undefined' ? 0 : flow_input.iter.value"),
        ("/* item */ item // item", "/* item */ flow_input.iter.value // item"),
        ("'é' + item + '😀' + steps.x.result", "'é' + flow_input.iter.value + '😀' + results.x"),
    ])
    func rewritesOnlyRealReads(_ text: String, _ expected: String) throws {
        let rewriter = try ExpressionRewriter(text)
        #expect(rewriter.rewritten(Self.seedToWindmill) == expected)
    }

    @Test func describesReferencesWithTheirAccesses() throws {
        let rewriter = try ExpressionRewriter("a.b?.['c'](x, y)[i] + (d.e).f + {g}.g")
        let roots = rewriter.references.map(\.root)
        #expect(roots == ["a", "x", "y", "i", "d", "g"])
        let first = rewriter.references[0]
        #expect(first.path.map(\.kind) == [.member, .index, .call, .index])
        #expect(first.path.map(\.text) == [".b", "?.['c']", "(x, y)", "[i]"])
        #expect(first.path[1].isOptional && first.path[1].name == "c")
        #expect(first.names == ["b", "c"])
        #expect(first.text(through: 3) == "a.b?.['c'](x, y)")
        #expect(rewriter.references[4].path.map(\.text) == [".e"])
        #expect(rewriter.references[5].isShorthandProperty)
    }

    @Test func aReplacedCallHidesTheReferencesInside() throws {
        let rewriter = try ExpressionRewriter("results.x.flatMap(r => r.error ? [flow_input.a] : []).length")
        let text = rewriter.rewritten { reference in
            reference.root == "results" ? .init(accessCount: 3, text: "steps.x.failures") : .init(accessCount: 0, text: "inputs")
        }
        #expect(text == "steps.x.failures.length")
    }

    @Test func aPropertyWhoseValueBecomesItsKeyIsWrittenShort() throws {
        let rewriter = try ExpressionRewriter("({item: flow_input.iter.value, other: flow_input.iter.value, 'item': flow_input.iter.value})")
        let text = rewriter.rewritten { reference in
            reference.root == "flow_input" && reference.names == ["iter", "value"] ? .init(accessCount: 2, text: "item") : nil
        }
        #expect(text == "({item, other: item, 'item': item})")
    }

    @Test func refusesWhatDoesNotParse() {
        #expect(throws: Diagnostic.self) { try ExpressionRewriter("steps.a.result +") }
        #expect(ExpressionRewriter.rewrite("a ?? b || c") { _ in .init(accessCount: 0, text: "z") } == "a ?? b || c")
    }
}
