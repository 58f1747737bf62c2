import HopsLang
import Testing

/// Prints how long evaluations take; nothing timed is asserted. Most telling in a release build:
/// `swift test -c release --filter EvaluationSpeedTests`.
@Suite(.serialized) struct EvaluationSpeedTests {
    @Test func compiledExpression() throws {
        let expression = try Expression(
            "(origin === \"MOW\" || country === \"RU\") && (value >= 100 || adults === 1)",
            parameters: ["origin", "country", "value", "adults"])
        let arguments: [Value] = [.string("LED"), .string("RU"), .number(50), .number(1)]
        let iterations = 1_000_000
        var trues = 0
        // Warm up caches and the allocator before timing.
        for _ in 0..<10_000 { _ = try expression.evaluate(arguments) }
        let elapsed = try ContinuousClock().measure {
            for _ in 0..<iterations {
                if case .bool(true) = try expression.evaluate(arguments) { trues += 1 }
            }
        }
        #expect(trues == iterations)
        let nanoseconds = Double(elapsed.components.attoseconds) / 1e9 + Double(elapsed.components.seconds) * 1e9
        print("evaluation: \(Int(nanoseconds / Double(iterations))) ns per evaluation")
    }

    @Test func filterMapOverManyObjects() throws {
        let items: [Value] = (0..<200_000).map { index in
            .object(ObjectValue([
                ("name", .string("host\(index)")), ("cpu", .number(Double(index % 100))),
                ("status", .string(index % 3 == 0 ? "ok" : "degraded")),
            ]))
        }
        let expression = try Expression(
            "input.filter(x => x.cpu > 50 && x.status !== 'ok').map(x => x.name).length",
            parameters: ["input"])
        var result = Value.undefined
        let elapsed = try ContinuousClock().measure { result = try expression.evaluate([.array(items)]) }
        guard case .number(let count) = result else {
            Issue.record("expected a number, got \(result)")
            return
        }
        #expect(count > 0)
        print("filter/map over 200,000 objects: \(elapsed)")
    }
}
