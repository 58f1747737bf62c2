import Foundation
import HopsLang
import Testing

@testable import HopsFlow

@Suite("Seed and OpenFlow formats")
struct FormatTests {
    static let seedFlow = (TestPaths.fixtures as NSString).appendingPathComponent("windmill/flows/monitoring/disk-check.yaml")

    @Test func seedFlowMapsOntoTheModel() throws {
        let flow = try FlowLoader.load(path: Self.seedFlow)
        #expect(flow.format == .seed)
        #expect(flow.name == "disk-check")
        #expect(flow.schedule?.cron == "*/5 * * * *")
        #expect(flow.inputs.map(\.name) == ["threshold", "channel"])
        #expect(flow.inputs.map(\.required) == [false, true])
        #expect(flow.modules.map(\.id) == ["list_mounts", "check_mount", "alert"])
        guard case .forLoop(let loop) = flow.modules[1].value else { Issue.record("check_mount is not a loop"); return }
        #expect(loop.iterator == .javascript(FlowExpression("steps.list_mounts.result")))
        #expect(loop.skipFailures)
        let inner = try #require(loop.modules.first)
        guard case .script(let script) = inner.value else { Issue.record("no script in the loop"); return }
        #expect(script.path == "platform/check-disk.ts")
        #expect(script.resolvedFile?.hasSuffix("windmill/scripts/platform/check-disk.ts") == true)
        #expect(script.inputTransforms["mount"] == .javascript(FlowExpression("item")))
        #expect(script.inputTransforms["label"] == .javascript(FlowExpression("`mount ${index} of ${steps.list_mounts.result.length}`")))
        #expect(inner.retry == Retry(constant: Retry.Constant(attempts: 2, seconds: 1)))
        let alert = flow.modules[2]
        #expect(alert.skipIf?.text == "!(steps.check_mount.failures.length > 0)")
        #expect(alert.skipIf?.location?.line == 27)
        #expect(alert.skipIf?.location?.column == 13)
        #expect(alert.continueOnError && alert.cacheTTL == 60 && alert.mock?.enabled == true)
        #expect(flow.treeDescription().contains("check_mount  for each in steps.list_mounts.result, skip failures"))
    }

    @Test func seedRoundTrip() throws {
        let flow = try FlowLoader.load(path: Self.seedFlow)
        let folder = try TestPaths.temporaryFolder()
        let file = (folder as NSString).appendingPathComponent("disk-check.yaml")
        try flow.seedYAML().write(toFile: file, atomically: true, encoding: .utf8)
        let again = try FlowLoader.load(path: file)
        #expect(again == flow, "\(flow.seedYAML())")
        #expect(flow.seedFormatProblems().isEmpty)
    }

    @Test(arguments: ["disk-check seed", "corpus"])
    func openFlowRoundTrip(_ which: String) throws {
        var flows = [try FlowLoader.load(path: Self.seedFlow)]
        if which == "corpus" {
            flows = try CorpusTests.corpusFlows().compactMap { FlowLoader.read(path: $0).flow }
        }
        for var flow in flows {
            // A schedule lives beside an OpenFlow flow in Windmill, not in its flow.yaml.
            flow.schedule = nil
            let (yaml, inlineFiles) = flow.openFlowYAML()
            let folder = (try TestPaths.temporaryFolder() as NSString).appendingPathComponent("copy.flow")
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try yaml.write(toFile: (folder as NSString).appendingPathComponent("flow.yaml"), atomically: true, encoding: .utf8)
            for (name, text) in inlineFiles {
                try text.write(toFile: (folder as NSString).appendingPathComponent(name), atomically: true, encoding: .utf8)
            }
            let result = FlowLoader.read(path: folder)
            #expect(result.errors.isEmpty, "\(result.diagnostics)")
            let again = try #require(result.flow)
            // A seed flow is written with Windmill's names, and its seed form reads back as the same flow.
            let expected = flow.translatingNames(to: .openFlow)
            #expect(again.modules == expected.modules, "\(flow.file ?? ""):\n\(yaml)")
            #expect(again == expected)
            if flow.format == .seed {
                #expect(FlowLoader.read(text: again.seedYAML(), file: "back.yaml").flow == flow, "\(again.seedYAML())")
            }
        }
    }
}

@Suite("Diagnostics with positions")
struct DiagnosticTests {
    func read(_ text: String, name: String = "flow.yaml") throws -> FlowLoadResult {
        let folder = try TestPaths.temporaryFolder()
        let file = (folder as NSString).appendingPathComponent(name)
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return FlowLoader.read(path: file)
    }

    @Test func invalidYAML() throws {
        let result = try read("summary: x\nvalue:\n  modules: [a, b\n")
        let error = try #require(result.errors.first)
        #expect(error.message.hasPrefix("invalid YAML"))
        #expect(error.location?.line == 4)
        #expect(result.flow == nil)
    }

    @Test func modulesMustBeAList() throws {
        let result = try read("summary: x\nvalue:\n  modules: 3\n")
        let error = try #require(result.errors.first)
        #expect(error.message == "modules must be a list")
        #expect(error.location?.line == 3 && error.location?.column == 12)
        #expect(error.rendered().hasSuffix("  modules: 3\n           ^"))
        #expect(throws: FlowLoadError.self) { try FlowLoader.load(path: error.location?.file ?? "") }
    }

    @Test func unknownModuleTypeAndUnknownField() throws {
        let result = try read("""
            summary: x
            value:
              modules:
                - id: a
                  colour: red
                  value:
                    type: teleport
            """)
        #expect(result.errors.map(\.message) == ["unknown module type 'teleport' in module 'a'"])
        #expect(result.errors.first?.location?.line == 7)
        #expect(result.warnings.first?.message == "unknown field 'colour' in module 'a', kept as is")
        #expect(result.warnings.first?.location?.line == 5)
    }

    @Test func missingInlineFileIsNamed() throws {
        let result = try read("""
            summary: x
            value:
              modules:
                - id: a
                  value:
                    type: rawscript
                    language: deno
                    content: !inline gone.ts
                    input_transforms: {}
            """)
        let error = try #require(result.errors.first)
        #expect(error.message.contains("missing inline file 'gone.ts'"))
        #expect(error.location?.line == 8)
    }

    @Test func seedStepWithoutScriptAndUnclosedExpression() throws {
        let result = try read("steps:\n  - id: a\n    args:\n      x: \"${{ inputs.y\"\n", name: "seed.yaml")
        let messages = result.errors.map(\.message)
        #expect(messages.contains("step 'a' has no 'script'"))
        #expect(messages.contains("'${{' without a closing '}}'"))
    }
}
