import HopsLang
import Testing

/// Runaway expressions stop with a clear error before they make huge strings or arrays.
@Suite struct EvaluationBudgetTests {
    @Test(arguments: [
        ("Array.from({length: 40}).reduce(s => s + s, 'x').length", "a string of"),
        ("Array.from({length: 40}).reduce(s => `${s}${s}`, 'x').length", "a string of"),
        ("Array.from({length: 40}).reduce(s => s.concat(s), 'x').length", "a string of"),
        ("'x'.padStart(1e10)", "a string of 10000000000 would pass the limit"),
        ("'x'.padEnd(1e10, 'ab')", "a string of 10000000000 would pass the limit"),
        ("'x'.repeat(1e10)", "a string of 10000000000 would pass the limit"),
        ("Array.from({length: 1e9})", "an array of 1000000000 would pass the limit"),
        ("Array.from({length: 1e9}).length", "an array of 1000000000 would pass the limit"),
        ("Array(4294967295)", "an array of 4294967295 would pass the limit"),
        ("Array.from({length: 5e6}).length", "an array of 5000000 would pass the limit of 4194304"),
        ("Array.from({length: 30}).reduce(a => a.concat(a), [1]).length", "an array of"),
    ])
    func runawayAllocationIsRefused(expression: String, message: String) {
        let result = evaluate(expression)
        #expect(result.hasPrefix("error: evaluation budget exceeded: "))
        #expect(result.contains(message))
    }

    @Test func manyMiddleSizedStringsReachTheTotal() {
        let limits = Limits(maxLength: 1 << 20, maxAllocation: 1 << 22)
        let expression = try? Expression(
            SourceFile(name: "<expr>", text: "Array.from({length: 100}).map(() => 'x'.repeat(100000)).length"),
            limits: limits)
        #expect(throws: Diagnostic.self) { try expression?.evaluate([]) }
        let error = try? #require(throws: Diagnostic.self) { try expression?.evaluate([]) }
        #expect(error?.message.contains("string bytes and array elements made in all") == true)
    }

    @Test func ordinarySizesStayWithinTheBudget() {
        #expect(evaluate("'x'.repeat(1e6).length") == "1000000")
        #expect(evaluate("'x'.repeat(5e6).length") == "5000000")
        #expect(evaluate("'x'.padStart(100000, 'ab').length") == "100000")
        #expect(evaluate("Array.from({length: 100000}, (_, i) => i).reduce((s, x) => s + x, 0)") == "4999950000")
        #expect(evaluate("Array(3).length") == "3")
    }
}
