import HopsLang
import Testing

/// The messages of errors the builtins raise where JavaScript throws.
@Suite struct BuiltinsMessagesTests {
    @Test(arguments: [
        ("[1].map(5)", "error: array.map: argument 1 must be a function, got number"),
        ("[].reduce((a, b) => a)", "error: array.reduce of an empty array with no initial value"),
        ("new Math()", "error: object is not a constructor"),
        ("new Boolean(1)", "error: Boolean is not a constructor"),
        ("new (x => x)()", "error: unexpected '(', expected a constructor name"),
        ("new Date(NaN).toISOString()", "error: date.toISOString: invalid time value"),
        ("'a'.matchAll(/a/)", "error: string.matchAll: the RegExp must have the g flag"),
        ("'a'.replaceAll(/a/, 'b')", "error: string.replaceAll: the RegExp must have the g flag"),
        ("/a/q", "error: invalid regular expression flags 'q'"),
        ("/(/", "error: invalid regular expression: /(/"),
        ("/abc", "error: unterminated regular expression"),
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
