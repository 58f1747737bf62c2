import HopsLang
import Testing

@Suite struct EvaluationTests {
    @Test(arguments: [
        ("1 + 2 * 3", "7"),
        ("(1 + 2) * 3", "9"),
        ("2 ** 3 ** 2", "512"),
        ("7 % 3", "1"),
        ("-7 % 3", "-1"),
        ("0x1F + 1e2 + .5", "131.5"),
        ("1_000 + 1", "1001"),
        ("'a' + \"b\"", "\"ab\""),
        ("'\\u{1F600}' === '😀'", "true"),
        ("`x${1 + 1}y${`n${'e'}st`}z`", "\"x2ynestz\""),
        ("true && 'yes'", "\"yes\""),
        ("0 || null || 'last'", "\"last\""),
        ("null ?? 0 ?? 1", "0"),
        ("undefined ?? 'd'", "\"d\""),
        ("1 < 2 ? 'a' : 'b'", "\"a\""),
        ("'a' < 'b'", "true"),
        ("'B' < 'a'", "true"),
        ("!0", "true"),
        ("typeof 1", "\"number\""),
        ("typeof nothing", "\"undefined\""),
        ("typeof (x => x)", "\"function\""),
        ("'a' in {a: 1}", "true"),
        ("1 in [5, 6]", "true"),
        ("2 in [5, 6]", "false"),
        ("[1, ...[2, 3], 4]", "[1,2,3,4]"),
        ("({a: 1, ...{b: 2}, ['c' + 1]: 3})", "{a:1,b:2,c1:3}"),
        ("[1, 2][1]", "2"),
        ("[1, 2][5]", "undefined"),
        ("({a: {b: 2}}).a.b", "2"),
        ("({a: null})?.a?.b.c.d", "undefined"),
        ("({a: 1}).b?.()", "undefined"),
        ("(x => x * 2)(21)", "42"),
        ("((a, b) => a + b)(1, 2)", "3"),
        ("(() => ({k: 1}))()", "{k:1}"),
        ("(a => b => a + b)(1)(2)", "3"),
        ("({f: x => x + 1}).f(1)", "2"),
        ("'x' === 'x' && 1 === 1 && 1 !== 2", "true"),
    ])
    func evaluates(_ text: String, _ expected: String) {
        #expect(evaluate(text) == expected, "\(text)")
    }

    /// Conditions made only of comparisons, `!`, `&&` and `||` are evaluated as truth values; mixed
    /// with other values, `&&` and `||` still give an operand, and the right side runs only when needed.
    @Test(arguments: [
        ("n > 1 && s === 'a' || !(n < 0)", "true"),
        ("n > 5 && s === 'a'", "false"),
        ("!(n >= 2) || s !== 'a'", "false"),
        ("n > 1 && s", "\"a\""),
        ("n > 5 || s", "\"a\""),
        ("s && n > 1", "true"),
        ("n > 5 && missing > 1", "false"),
        ("n > 1 || missing === 1", "true"),
        ("n > 1 && missing === 1", "error: unknown name 'missing'"),
        ("n > 1 ? 'big' : 'small'", "\"big\""),
        ("!(n > 1) ? 'big' : s === 'b' ? 'b' : 'neither'", "\"neither\""),
        ("'2' > 1 && null < 1 && !undefined", "true"),
    ])
    func conditions(_ text: String, _ expected: String) {
        #expect(evaluate(text, ["n": .number(2), "s": .string("a")]) == expected, "\(text)")
    }

    @Test func bindsByName() {
        let bindings: [String: Value] = [
            "results": .object(ObjectValue([("a", .array([.number(1), .number(2)]))])),
            "flow_input": .object(ObjectValue([("x", .null)])),
        ]
        #expect(evaluate("results.a[1]", bindings) == "2")
        #expect(evaluate("flow_input.x ?? 'default'", bindings) == "\"default\"")
        #expect(evaluate("flow_input.x", bindings) == "null")
    }

    @Test func bindsByPosition() throws {
        let expression = try Expression(
            "(origin === \"MOW\" || country === \"RU\") && (value >= 100 || adults === 1)",
            parameters: ["origin", "country", "value", "adults"])
        let yes = try expression.evaluate([.string("MOW"), .string("DE"), .number(150), .number(2)])
        let no = try expression.evaluate([.string("LED"), .string("DE"), .number(150), .number(2)])
        #expect(describe(yes) == "true")
        #expect(describe(no) == "false")
        #expect(expression.freeVariables.isEmpty)
    }

    @Test func reportsFreeVariables() throws {
        let expression = try Expression("results.a.length > 0 && flow_input.x.map(y => y + z)")
        #expect(expression.freeVariables == ["results", "flow_input", "z"])
    }

    @Test(arguments: [
        ("nothing + 1", "error: unknown name 'nothing'"),
        ("undefined.x", "error: cannot read property 'x' of undefined"),
        ("null[0]", "error: cannot read property '0' of null"),
        ("(1)()", "error: 1 is not a function"),
        ("({a: 1}).a()", "error: ({a: 1}).a is not a function"),
        ("'x' in 'xyz'", "error: cannot use 'in' to search for 'x' in a string"),
    ])
    func reportsErrors(_ text: String, _ expected: String) {
        #expect(evaluate(text) == expected, "\(text)")
    }
}
