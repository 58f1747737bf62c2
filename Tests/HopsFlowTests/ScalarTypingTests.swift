import HopsLang
import Testing

@testable import HopsFlow

/// Plain scalars are typed as Yams's default resolver types them (YAML 1.1: `yes`, `0o17`, `1:30`,
/// `.inf`, …), matched by hand instead of by its regular expressions; quoted and tagged ones keep their text.
@Suite("Typing of plain YAML scalars")
struct ScalarTypingTests {
    static let cases: [(written: String, read: Value)] = [
        ("true", .bool(true)), ("Yes", .bool(true)), ("on", .bool(true)), ("OFF", .bool(false)), ("no", .bool(false)),
        ("tRue", .string("tRue")), ("y", .string("y")),
        ("0", .number(0)), ("-12", .number(-12)), ("+12", .number(12)), ("1_000", .number(1000)), ("007", .number(7)),
        ("0o17", .number(15)), ("0b101", .number(5)), ("0x1F", .number(31)), ("0x1f_ff", .number(8191)),
        ("0xg", .string("0xg")), ("0b", .string("0b")), ("_1", .string("_1")),
        ("1:30", .number(90)), ("1:05:30", .number(3930)), ("1:60", .string("1:60")), ("0:30", .string("0:30")),
        ("08", .number(8)), ("1.5", .number(1.5)), ("1.", .number(1)), ("-1.5e3", .number(-1500)), ("1e5", .number(100_000)),
        ("1E+5", .number(100_000)), ("1e-5", .number(0.000_01)), ("1:30.5", .number(90.5)), (".5", .number(0.5)),
        (".5e+3", .number(500)), (".inf", .number(.infinity)), ("-.inf", .number(-.infinity)),
        ("1e", .string("1e")), (".5e3", .string(".5e3")), ("-.5", .string("-.5")), ("1.2.3", .string("1.2.3")),
        ("-.nan", .string("-.nan")), ("nan", .string("nan")),
        ("~", .null), ("null", .null), ("NULL", .null), ("", .null), ("nUll", .string("nUll")),
        ("2001-12-14", .string("2001-12-14")), ("2001-12-14 21:59:43.10 -5", .string("2001-12-14 21:59:43.10 -5")),
        ("<<", .string("<<")), ("=", .string("=")), ("echo.sh", .string("echo.sh")), ("12 monkeys", .string("12 monkeys")),
        ("'true'", .string("true")), ("\"1:30\"", .string("1:30")), ("!!str 12", .string("12")), ("|-\n      5", .string("5")),
    ]

    static func defaultValue(_ written: String) throws -> Value? {
        let text = "summary: typing\ninputs:\n  x:\n    default: \(written)\nsteps: []\n"
        let result = FlowLoader.read(text: text, file: "/nonexistent/windmill/flows/typing.yaml")
        #expect(result.errors.isEmpty, "\(result.diagnostics)")
        return try #require(result.flow).inputs.first?.defaultValue
    }

    @Test(arguments: cases)
    func aPlainScalarReadsAsYAMLTypesIt(_ written: String, _ read: Value) throws {
        let value = try Self.defaultValue(written)
        #expect(value.map { Value.sameJSON($0, read) } == true, "\(written) read as \(String(describing: value))")
    }

    @Test func notANumberIsANumber() throws {
        for written in [".nan", ".NaN", ".NAN"] {
            guard case .number(let number)? = try Self.defaultValue(written) else {
                Issue.record("\(written) is not a number")
                continue
            }
            #expect(number.isNaN)
        }
    }

    @Test func keysAreTextSoAQuotedAndAPlainOneAreTheSameKey() {
        let text = "summary: keys\ninputs:\n  1: {default: a}\n  '1': {default: b}\nsteps: []\n"
        let result = FlowLoader.read(text: text, file: "/nonexistent/windmill/flows/keys.yaml")
        #expect(result.errors.map(\.message) == ["invalid YAML: duplicated keys 1"])
    }
}
