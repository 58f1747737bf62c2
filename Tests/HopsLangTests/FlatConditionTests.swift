@testable import HopsLang
import Testing

/// A condition of comparisons with constants is answered from its arguments directly (`FlatCondition`):
/// the answer must be the one the general evaluation gives, which binding by name still takes.
@Suite struct FlatConditionTests {
    static let parameters = ["a", "b", "c"]
    static let conditions = [
        #"a === "x""#, #"a !== "x""#, "a === 1", "a !== 1", "a < 1", "a <= 1", "a > 1", "a >= 1",
        #"(a === "MOW" || b === "RU") && (c >= 100 || a === 1)"#, #"!(a === "x") || !(b > 2 && c !== 0)"#,
        #"a === "x" && b === "y" && c === "z""#, "!!(a >= 0)",
    ]
    static let values: [Value] = [
        .string("x"), .string("MOW"), .string("RU"), .string("2"), .string(""), .number(1), .number(0), .number(-0.0),
        .number(.nan), .number(100), .number(2.5), .bool(true), .null, .undefined, .array([.number(1)]),
        .object(ObjectValue([("k", .number(1))])),
    ]

    @Test func everyConditionIsFlat() throws {
        for text in Self.conditions {
            #expect(try Expression(text, parameters: Self.parameters).isFlatCondition, "\(text)")
        }
    }

    @Test func theFlatAnswerIsTheGeneralOne() throws {
        var compared = 0
        for text in Self.conditions {
            let expression = try Expression(text, parameters: Self.parameters)
            for a in Self.values {
                for b in Self.values.prefix(8) {
                    for c in Self.values.suffix(8) {
                        let flat = Self.truth(try expression.evaluate([a, b, c]))
                        let general = Self.truth(try expression.evaluate(bindings: ["a": a, "b": b, "c": c]))
                        #expect(flat != nil && flat == general, "\(text) with a=\(a), b=\(b), c=\(c)")
                        compared += 1
                    }
                }
            }
        }
        #expect(compared == Self.conditions.count * Self.values.count * 64)
    }

    @Test func missingArgumentsAreUndefined() throws {
        let expression = try Expression(#"a === "x" || b !== 1"#, parameters: Self.parameters)
        #expect(Self.truth(try expression.evaluate([.string("y")])) == true)
        #expect(Self.truth(try expression.evaluate([])) == true)
        #expect(Self.truth(try expression.evaluate([.string("y"), .number(1)])) == false)
    }

    /// The boolean a condition gave; nil for any other value.
    static func truth(_ value: Value) -> Bool? {
        if case .bool(let flag) = value { return flag }
        return nil
    }

    @Test func otherShapesAreNotFlat() throws {
        for text in [
            "a", "a && b === 1", "1 === a", "a.b === 1", "a === b", "a === -1", "a == 1", "a === true",
            "d === 1", "a > 1 ? 1 : 0", "a + 1 > 2",
        ] {
            #expect(try !Expression(text, parameters: Self.parameters).isFlatCondition, "\(text)")
        }
    }
}
