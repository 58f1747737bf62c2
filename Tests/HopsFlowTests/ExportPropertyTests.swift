import Foundation
import HopsLang
import Testing
@testable import HopsFlow

/// Generated flows survive write then read unchanged, in both formats.
@Suite struct ExportPropertyTests {
    /// A small deterministic generator (SplitMix64), so a failing seed can be replayed.
    struct Generator {
        var state: UInt64

        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }

        mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
        mutating func bool() -> Bool { next() % 2 == 0 }
        mutating func pick<T>(_ items: [T]) -> T { items[int(0...(items.count - 1))] }

        mutating func word() -> String { pick(["disk", "load", "mem", "net", "ops", "check", "alert", "sync"]) + String(int(0...99)) }

        mutating func staticValue(depth: Int = 0) -> Value {
            switch int(0...(depth > 1 ? 3 : 5)) {
            case 0: return .number(Double(int(-1000...1000)))
            case 1: return .string(pick(["", "hello world", "a: b", "#x", "multi\nline", "'q'", "yes", "1.5", word()]))
            case 2: return .bool(bool())
            case 3: return .null
            case 4: return .array((0..<int(0...3)).map { _ in staticValue(depth: depth + 1) })
            default: return .object(ObjectValue((0..<int(0...3)).map { index in ("k\(index)", staticValue(depth: depth + 1)) }))
            }
        }

        mutating func arguments(earlier: [String], seed: Bool) -> InputTransforms {
            var transforms = InputTransforms()
            for index in 0..<int(0...3) {
                if bool(), let previous = earlier.last {
                    let text = seed ? seedExpression(previous, index) : "results.\(previous).value + \(index)"
                    transforms["arg\(index)"] = .javascript(FlowExpression(text))
                } else {
                    transforms["arg\(index)"] = .static(staticValue())
                }
            }
            return transforms
        }

        /// An expression reading the seed's names, some through arrow parameters that shadow them.
        mutating func seedExpression(_ previous: String, _ index: Int) -> String {
            pick([
                "steps.\(previous).result.value + \(index)",
                "inputs.in0 ?? \(index)",
                "`${item} #${index} of ${steps.\(previous).result.length}`",
                "steps.\(previous).result.map(item => item.id + index)",
                "(steps.\(previous).failures ?? []).map(({item, error}) => [item, error.message])",
                "({item, index, total: steps['\(previous)'].result?.length})",
            ])
        }

        mutating func windmillModules(depth: Int, ids: inout [String]) -> [FlowModule] {
            (0..<int(1...3)).map { _ in
                let id = "m\(ids.count)"
                ids.append(id)
                var module = FlowModule(id: id, value: .identity)
                switch depth > 1 ? 0 : int(0...3) {
                case 1:
                    module.value = .forLoop(ForLoop(
                        iterator: .javascript(FlowExpression("[1, 2, 3]")), modules: windmillModules(depth: depth + 1, ids: &ids),
                        skipFailures: bool(), parallel: bool()))
                case 2:
                    module.value = .branchOne(BranchOne(
                        branches: [BranchOne.Branch(summary: word(), condition: FlowExpression("flow_input.x > 1"), modules: windmillModules(depth: depth + 1, ids: &ids))],
                        defaultModules: windmillModules(depth: depth + 1, ids: &ids)))
                case 3:
                    module.value = .branchAll(BranchAll(branches: [BranchAll.Branch(summary: word(), skipFailure: bool(), modules: windmillModules(depth: depth + 1, ids: &ids))], parallel: bool()))
                default:
                    module.value = .script(PathScript(path: "f/ops/\(word())", inputTransforms: arguments(earlier: Array(ids.dropLast()), seed: false)))
                }
                if bool() { module.summary = word() }
                if bool() { module.skipIf = FlowExpression("flow_input.skip === true") }
                if bool() { module.retry = Retry(constant: Retry.Constant(attempts: int(1...5), seconds: Double(int(0...30)))) }
                if bool() { module.continueOnError = true }
                return module
            }
        }

        mutating func inputs() -> [FlowInput] {
            (0..<int(0...3)).map { index in
                let type = pick(["string", "number", "boolean"])
                var input = FlowInput(name: "in\(index)", type: type, description: bool() ? word() : nil)
                if bool() {
                    input.defaultValue = type == "string" ? .string(word()) : type == "number" ? .number(Double(int(0...9))) : .bool(bool())
                }
                input.required = input.defaultValue == nil
                return input
            }
        }

        mutating func windmillFlow() -> Flow {
            var ids: [String] = []
            return Flow(summary: word(), description: word(), inputs: inputs(), modules: windmillModules(depth: 0, ids: &ids))
        }

        mutating func seedFlow() -> Flow {
            var flow = Flow(summary: word(), description: bool() ? word() : nil, inputs: inputs(), format: .seed)
            if bool() { flow.schedule = Schedule(cron: pick(["*/5 * * * *", "0 0 3 * * SUN"]), timezone: bool() ? "Europe/Paris" : nil) }
            var ids: [String] = []
            for index in 0..<int(1...5) {
                let id = "step\(index)"
                var step = FlowModule(id: id, value: .script(PathScript(path: "platform/\(word()).ts", inputTransforms: arguments(earlier: ids, seed: true))))
                if bool() { step.retry = Retry(constant: Retry.Constant(attempts: int(1...3), seconds: Double(int(0...9)))) }
                if bool() { step.continueOnError = true }
                if bool(), let previous = ids.last {
                    let loop = ForLoop(
                        iterator: .javascript(FlowExpression("steps.\(previous).result")),
                        modules: [{ var inner = step; inner.id = id + SeedFormat.itemSuffix; inner.continueOnError = false; return inner }()],
                        skipFailures: true)
                    step = FlowModule(id: id, value: .forLoop(loop), continueOnError: step.continueOnError)
                }
                ids.append(id)
                flow.modules.append(step)
            }
            return flow
        }
    }

    @Test(arguments: 0..<40)
    func generatedWindmillFlowsRoundTrip(seed: Int) throws {
        var generator = Generator(state: UInt64(seed) &* 7919)
        let flow = generator.windmillFlow()
        let (text, inlineFiles) = flow.openFlowYAML()
        #expect(inlineFiles.isEmpty)
        let result = FlowLoader.read(text: text, file: "generated/flow.yaml")
        #expect(result.errors.isEmpty, "seed \(seed): \(result.diagnostics)\n\(text)")
        #expect(result.flow == flow, "seed \(seed):\n\(text)")
    }

    @Test(arguments: 0..<40)
    func generatedSeedFlowsRoundTripThroughWindmill(seed: Int) throws {
        var generator = Generator(state: UInt64(seed) &* 104_729)
        var flow = generator.seedFlow()
        // OpenFlow always writes a description and keeps the schedule beside the flow, not in it.
        flow.description = flow.description ?? "generated"
        flow.schedule = nil
        let (text, _) = flow.openFlowYAML()
        #expect(!text.contains("inputs.") && !text.contains(".result"), "seed \(seed):\n\(text)")
        let windmill = try #require(FlowLoader.read(text: text, file: "generated/flow.yaml").flow)
        let back = FlowLoader.read(text: windmill.seedYAML(), file: "generated.yaml")
        #expect(back.errors.isEmpty, "seed \(seed): \(back.diagnostics)")
        #expect(back.flow == flow, "seed \(seed):\n\(text)\n\(windmill.seedYAML())")
    }

    @Test(arguments: 0..<40)
    func generatedSeedFlowsRoundTrip(seed: Int) throws {
        var generator = Generator(state: UInt64(seed) &* 104_729)
        let flow = generator.seedFlow()
        #expect(flow.seedFormatProblems().isEmpty)
        let text = flow.seedYAML()
        let result = FlowLoader.read(text: text, file: "generated.yaml")
        #expect(result.errors.isEmpty, "seed \(seed): \(result.diagnostics)\n\(text)")
        #expect(result.flow == flow, "seed \(seed):\n\(text)")
    }
}
