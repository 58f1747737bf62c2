import Foundation
import HopsLang
import Testing
@testable import HopsFlow

/// Export writes each format's own names: `steps.<id>.result`, `inputs`, `item` in the seed format,
/// `results.<id>`, `flow_input`, `flow_input.iter` in OpenFlow, and reads them back to the same flow.
@Suite struct TranslationTests {
    static let seedFlow = """
        summary: Every name
        description: Reads each name the formats spell differently
        inputs:
          - name: threshold
            type: number
            default: 50
        steps:
          - id: hosts
            script: platform/list.ts
            args:
              limit: ${{ inputs.threshold }}
          - id: probe
            script: platform/probe.ts
            for_each: ${{ steps.hosts.result.filter(({cpu}) => cpu > inputs.threshold) }}
            args:
              host: ${{ item.name }}
              position: ${{ index }}
              label: "probe ${{ index }}: ${{ item.name }} of ${{ steps.hosts.result.length }}"
              names: ${{ steps.hosts.result.map(item => item.name) }}
              pair: "${{ ({item, index, text: 'item and steps.hosts.result'}) }}"
          - id: report
            script: platform/report.ts
            if: ${{ steps.probe.failures.length > 0 }}
            args:
              failed: '${{ steps.probe.failures.map(({item, error}) => `${item.name}: ${error.message}`) }}'
              lines: ${{ Object.entries(steps.probe.result).map(([k, v = inputs.threshold]) => `${k}=${v}`) }}
              first: ${{ steps['hosts'].result[0]?.name ?? inputs["threshold"] }}
        """

    static func load(_ text: String, file: String) throws -> Flow {
        let result = FlowLoader.read(text: text, file: file)
        #expect(result.errors.isEmpty, "\(result.diagnostics)")
        return try #require(result.flow)
    }

    static func arguments(_ flow: Flow, _ id: String) -> [String: String] {
        var texts: [String: String] = [:]
        for (name, transform) in flow.module(id: id)?.value.inputTransforms.entries ?? [] {
            texts[name] = transform.expression?.text
        }
        return texts
    }

    @Test func seedNamesBecomeWindmillNamesAndComeBack() throws {
        let seed = try Self.load(Self.seedFlow, file: "flows/ops/names.yaml")
        let (yaml, _) = seed.openFlowYAML()
        let windmill = try Self.load(yaml, file: "f/ops/names.flow/flow.yaml")
        #expect(windmill.format == .openFlow)

        #expect(Self.arguments(windmill, "hosts") == ["limit": "flow_input.threshold"])
        guard case .forLoop(let loop)? = windmill.module(id: "probe")?.value else {
            Issue.record("probe is not a loop")
            return
        }
        let iterator = "results.hosts.filter(({cpu}) => cpu > flow_input.threshold)"
        #expect(loop.iterator.expression?.text == iterator)
        #expect(loop.skipFailures)
        #expect(Self.arguments(windmill, "probe_item") == [
            "host": "flow_input.iter.value.name",
            "position": "flow_input.iter.index",
            "label": "`probe ${flow_input.iter.index}: ${flow_input.iter.value.name} of ${results.hosts.length}`",
            // An arrow parameter named item is not the loop's item.
            "names": "results.hosts.map(item => item.name)",
            "pair": "({item: flow_input.iter.value, index: flow_input.iter.index, text: 'item and steps.hosts.result'})",
        ])
        let failures = "results.probe.flatMap((result, position) => result?.error"
            + " ? [{index: position, item: (\(iterator))[position], error: result.error}] : [])"
        #expect(windmill.module(id: "report")?.skipIf?.text == "!(\(failures).length > 0)")
        #expect(Self.arguments(windmill, "report") == [
            "failed": "\(failures).map(({item, error}) => `${item.name}: ${error.message}`)",
            "lines": "Object.entries(results.probe).map(([k, v = flow_input.threshold]) => `${k}=${v}`)",
            "first": "results['hosts'][0]?.name ?? flow_input[\"threshold\"]",
        ])
        #expect(!yaml.contains("steps.hosts.result.") && !yaml.contains("${{"))

        // And back: the seed flow written from the Windmill one is the flow we started from.
        let again = try Self.load(windmill.seedYAML(), file: "flows/ops/names.yaml")
        #expect(again == seed, "\(windmill.seedYAML())")
        #expect(again.translatingNames(to: .openFlow) == windmill)
    }

    @Test func windmillNamesBecomeSeedNames() throws {
        let flow = Flow(
            summary: "loop", name: "f/ops/loop",
            inputs: [FlowInput(name: "hosts", type: "array", required: true)],
            modules: [
                FlowModule(id: "each", value: .forLoop(ForLoop(
                    iterator: .javascript(FlowExpression("flow_input.hosts")),
                    modules: [FlowModule(id: "each_item", value: .script(PathScript(path: "platform/ping.ts", inputTransforms: InputTransforms([
                        (name: "host", transform: .javascript(FlowExpression("flow_input.iter.value"))),
                        (name: "n", transform: .javascript(FlowExpression("flow_input.iter.index + flow_input.hosts.length"))),
                    ]))))],
                    skipFailures: true))),
                FlowModule(id: "sum", value: .script(PathScript(path: "platform/sum.ts", inputTransforms: InputTransforms([
                    (name: "values", transform: .javascript(FlowExpression("results.each.map(flow_input => flow_input.ms)"))),
                    (name: "outside", transform: .javascript(FlowExpression("flow_input.iter"))),
                ])))),
            ])
        let seed = try Self.load(flow.seedYAML(), file: "flows/ops/loop.yaml")
        guard case .forLoop(let loop)? = seed.module(id: "each")?.value else {
            Issue.record("each is not a loop")
            return
        }
        #expect(loop.iterator.expression?.text == "inputs.hosts")
        #expect(Self.arguments(seed, "each_item") == ["host": "item", "n": "index + inputs.hosts.length"])
        // A parameter that shadows flow_input stays; flow_input.iter outside a loop has no seed name and stays too.
        #expect(Self.arguments(seed, "sum") == ["values": "steps.each.result.map(flow_input => flow_input.ms)", "outside": "flow_input.iter"])
    }

    @Test func translatedFailuresGiveWhatTheSeedGives() throws {
        let failures = FlowNameTranslator.failures(step: ".probe", iterator: "hosts")
        let expression = try Expression(failures + ".map(({index, item}) => `${index}:${item}`)")
        let results = try Value(parsingJSON: #"[1, {"error": {"name": "Error", "message": "down"}}, 3, {"error": {"message": "x"}}]"#)
        let value = try expression.evaluate(bindings: [
            "results": .object(ObjectValue([("probe", results)])),
            "hosts": .array([.string("a"), .string("b"), .string("c"), .string("d")]),
        ])
        #expect(value.jsonString() == #"["1:b","3:d"]"#)
        // Names the iterator reads are not shadowed by the expression's own parameters.
        #expect(FlowNameTranslator.failures(step: ".x", iterator: "result.concat(position)").contains("(result_, position_) =>"))
    }

    @Test func exportedWindmillFlowValidatesAgainstTheSchema() throws {
        let seed = try Self.load(Self.seedFlow, file: "flows/ops/names.yaml")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("translation-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = (folder as NSString).appendingPathComponent("flow.yaml")
        try seed.openFlowYAML().flowYAML.write(toFile: file, atomically: true, encoding: .utf8)
        let validation = try ExportTests().validateAgainstOpenFlowSchema(file)
        #expect(validation.status == 0, "\(validation.output)")
    }
}
