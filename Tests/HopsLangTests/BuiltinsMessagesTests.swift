import HopsLang
import Testing

/// The messages of errors the builtins raise where JavaScript throws.
@Suite struct BuiltinsMessagesTests {
    @Test(arguments: [
        ("[1].map(5)", "error: array.map: argument 1 must be a function, got number"),
        ("[].reduce((a, b) => a)", "error: array.reduce of an empty array with no initial value"),
        ("[1].push(2)", "error: array.push: arrays are values in hops and cannot be changed in place; build a new one instead, e.g. [...xs, x] or xs.slice(...)"),
        ("'ab'.repeat(-1)", "error: string.repeat: invalid count value: -1"),
        ("(1).toFixed(101)", "error: number.toFixed: digits must be between 0 and 100"),
        ("JSON.parse('[1,')", "error: JSON: unexpected end of JSON input"),
        ("Object.keys(null)", "error: Object.keys: cannot convert null to object"),
        ("'a'.nope()", "error: string.nope is not a function"),
    ])
    func reportsErrors(_ text: String, _ expected: String) {
        #expect(evaluate(text) == expected)
    }
}
