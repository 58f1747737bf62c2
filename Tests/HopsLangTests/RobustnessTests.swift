import HopsLang
import Testing

/// A small seeded generator, so every run feeds the same inputs.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Feeds generated and mutated inputs through parse and evaluate: each must give a value or a diagnostic.
@Suite struct RobustnessTests {
    static let valid = [
        "(origin === \"MOW\" || country === \"RU\") && (value >= 100 || adults === 1)",
        "results.a.filter(x => x.cpu > 50 && x.status !== 'ok').map(x => x.name)",
        "`${flow_input.iter.value.endpoint}/x?${[1, 2].join('&')}`",
        "flow_input.x ?? \"default\"",
        "({a: 1, ...{b: [1, 2, ...[3]]}, ['k' + 1]: x => x ** 2})",
        "let f = (a, b) => a?.b?.[b] ?? f(a, b)\nf({b: {c: 1}}, 'c')",
        "typeof undeclared === 'undefined' ? 'no' : 'yes'",
        "'a' in {a: 1} && 0 in [1] && !(2 in [1])",
        "let o = {a: {b: [1, 2]}}; o.a.b[1] = 3; o.a.b",
        "[1, 2, 3].reduce((s, x) => s + x, 0) / 3 % 2 - -1",
        "/* comment */ 1 + // line\n 2",
        "'\\u{1F600}\\x41\\n' + \"\\\"\" + `\\``",
        "0x1F + 1_000 + 1e-3 + .5",
        "xs?.map?.(x => ({x}))[0]?.x",
    ]

    static let vocabulary = [
        "(", ")", "[", "]", "{", "}", "`", "${", "'", "\"", ".", "?.", "...", ",", ":", ";", "?", "=>",
        "+", "-", "*", "/", "%", "**", "!", "===", "!==", "==", "!=", "<", "<=", ">", ">=", "&&", "||",
        "??", "=", "typeof", "in", "let", "const", "x", "y", "f", "results", "a", "b", "1", "0", "1e308",
        "-0", "NaN", "true", "null", "undefined", "\n", "'s'", "`t${x}`", "x => x", "f(", "/*", "//",
        "\\", "\\u{", "0x", "_", "$", "日本", "🙂", "\u{301}",
    ]

    @Test func survivesGeneratedInputs() {
        var random = SplitMix64(state: 0x5EED)
        var inputs: [String] = []
        // Every truncation of every valid input.
        for text in RobustnessTests.valid {
            let scalars = Array(text.unicodeScalars)
            for end in 0...scalars.count {
                var view = String.UnicodeScalarView()
                view.append(contentsOf: scalars[0..<end])
                inputs.append(String(view))
            }
        }
        // Deep nesting and long inputs.
        for opener in ["(", "[", "{a:", "!", "-", "typeof ", "x => ", "`${", "f(", "a ? b : ", "[...", "1 + "] {
            inputs.append(String(repeating: opener, count: 10_000) + "1")
        }
        inputs.append(String(repeating: "(", count: 10_000) + "1" + String(repeating: ")", count: 10_000))
        inputs.append(String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000))
        inputs.append("x" + String(repeating: ".a", count: 10_000))
        inputs.append("'" + String(repeating: "long ", count: 50_000) + "'")
        inputs.append("`" + String(repeating: "${'x'}", count: 2_000) + "`")
        // Random token soups and mutations of valid inputs, up to 100,000 in all.
        while inputs.count < 100_000 {
            if Bool.random(using: &random) {
                let count = Int.random(in: 1...12, using: &random)
                inputs.append(
                    (0..<count).map { _ in RobustnessTests.vocabulary.randomElement(using: &random) ?? "" }
                        .joined(separator: Bool.random(using: &random) ? " " : ""))
            } else {
                var scalars = Array((RobustnessTests.valid.randomElement(using: &random) ?? "").unicodeScalars)
                for _ in 0..<Int.random(in: 1...3, using: &random) where !scalars.isEmpty {
                    let position = Int.random(in: 0..<scalars.count, using: &random)
                    let replacement = (RobustnessTests.vocabulary.randomElement(using: &random) ?? "").unicodeScalars
                    switch Int.random(in: 0..<3, using: &random) {
                    case 0: scalars.remove(at: position)
                    case 1: scalars.insert(contentsOf: replacement, at: position)
                    default: scalars.replaceSubrange(position...position, with: replacement)
                    }
                }
                var view = String.UnicodeScalarView()
                view.append(contentsOf: scalars)
                inputs.append(String(view))
            }
        }
        #expect(inputs.count >= 100_000)

        let bindings: [String: Value] = [
            "x": .number(2), "y": .string("s"), "a": .null, "b": .array([.number(1)]),
            "f": .function(FunctionValue(name: "f") { arguments, _ in arguments.first ?? .undefined }),
            "results": .object(ObjectValue([("a", .array([.number(1)]))])),
        ]
        let limits = Limits(maxSteps: 10_000, maxDepth: 50)
        var values = 0
        var diagnostics = 0
        for (number, input) in inputs.enumerated() {
            let file = SourceFile(name: "<expr>", text: input)
            _ = Interpreter.isIncomplete(input)
            do {
                let expression = try Expression(file, limits: limits)
                _ = try expression.evaluate(bindings: bindings)
                values += 1
            } catch let diagnostic as Diagnostic {
                _ = diagnostic.rendered(colored: number % 2 == 0)
                diagnostics += 1
            } catch {
                Issue.record("input \(number) threw \(error): \(input.prefix(80))")
            }
            // The statement form too, for a sample, with the bindings as variables.
            if number % 4 == 0 {
                let interpreter = Interpreter(limits: limits)
                for (name, value) in bindings { interpreter.setVariable(name, value) }
                do {
                    _ = try interpreter.execute(file)
                } catch is Diagnostic {
                } catch {
                    Issue.record("statement input \(number) threw \(error): \(input.prefix(80))")
                }
            }
        }
        #expect(values > 1_000)
        #expect(diagnostics > 10_000)
    }
}
