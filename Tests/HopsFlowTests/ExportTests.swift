import Foundation
import HopsLang
import Testing
@testable import HopsFlow

@Suite struct ExportTests {
    static let healthFlow = TestPaths.testsFolder.appendingPathComponent("CheckFixtures/tree/windmill/flows/monitoring/system-health.yaml").path
    static let brokenFlow = TestPaths.testsFolder.appendingPathComponent("CheckFixtures/tree/windmill/flows/monitoring/broken.yaml").path
    static let spec = TestPaths.openFlowSpec

    func temporaryFolder() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("export-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }

    /// Validates a flow.yaml against the `OpenFlow` schema of the OpenAPI spec with Python's jsonschema.
    func validateAgainstOpenFlowSchema(_ file: String) throws -> (status: Int32, output: String) {
        let script = """
            import sys, yaml, jsonschema
            spec = yaml.safe_load(open(sys.argv[1]))
            schemas = spec["components"]["schemas"]
            schema = dict(schemas["OpenFlow"])
            schema["components"] = {"schemas": schemas}
            document = yaml.safe_load(open(sys.argv[2]))
            errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(document), key=lambda e: list(e.path))
            for error in errors:
                print("/".join(map(str, error.path)) + ": " + error.message)
            sys.exit(1 if errors else 0)
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, Self.spec, file]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }

    @Test func windmillExportValidatesAgainstTheOpenFlowSchemaAndLoadsBackEqual() throws {
        let original = try FlowLoader.load(path: Self.healthFlow)
        let tree = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: tree) }
        let written = try FlowExporter.export(original, format: .windmill, into: tree)
        #expect(written.map { $0.replacingOccurrences(of: tree + "/", with: "") } == [
            "f/monitoring/system-health.flow/flow.yaml", "f/monitoring/system-health.schedule.yaml",
        ])
        let validation = try validateAgainstOpenFlowSchema(written[0])
        #expect(validation.status == 0, "\(validation.output)")
        let schedule = try String(contentsOfFile: written[1], encoding: .utf8)
        #expect(schedule.contains("schedule: '0 */15 * * * *'\ntimezone: 'Europe/Paris'\n"))
        #expect(schedule.contains("script_path: 'f/monitoring/system-health'\nis_flow: true\n"))

        // The expressions read Windmill's names, which Windmill understands; no seed name is left.
        let flowYAML = try String(contentsOfFile: written[0], encoding: .utf8)
        #expect(flowYAML.contains("expr: flow_input.iter.value.limit") && flowYAML.contains("results.disk.mounts"))
        #expect(!flowYAML.contains("steps.") && !flowYAML.contains("inputs.") && !flowYAML.contains("item."))

        // Windmill's flow.yaml holds no schedule (it lives in the schedule file): compare the rest.
        let reloaded = try FlowLoader.load(path: (written[0] as NSString).deletingLastPathComponent)
        var withoutSchedule = original
        withoutSchedule.schedule = nil
        #expect(reloaded == withoutSchedule.translatingNames(to: .openFlow))
        #expect(reloaded.name == "system-health" || reloaded.name == "f/monitoring/system-health")

        // Seed to Windmill to seed gives the same flow, for what both formats express.
        let seedTree = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: seedTree) }
        var back = reloaded
        back.schedule = original.schedule
        let seedWritten = try FlowExporter.export(back, format: .seed, into: seedTree, group: "monitoring", repositoryRoot: TestPaths.testsFolder.appendingPathComponent("CheckFixtures/tree").path)
        #expect(seedWritten == [seedTree + "/windmill/flows/monitoring/system-health.yaml"])
        let seedAgain = try FlowLoader.load(path: seedWritten[0])
        #expect(seedAgain == original)
    }

    @Test func seedExportRoundTripsAndInlineScriptsAreWrittenBeside() throws {
        let original = try FlowLoader.load(path: Self.healthFlow)
        let tree = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: tree) }
        let written = try FlowExporter.export(original, format: .seed, into: tree)
        #expect(written == [tree + "/windmill/flows/monitoring/system-health.yaml"])
        #expect(try FlowLoader.load(path: written[0]) == original)

        let inline = Flow(
            summary: "inline", name: "f/ops/inline_demo",
            modules: [FlowModule(id: "a", value: .rawScript(RawScript(
                content: "def main(x: int = 1):\n    return x\n", language: "python3",
                inputTransforms: InputTransforms([(name: "x", transform: .static(.number(2)))]))))])
        let windmill = try FlowExporter.export(inline, format: .windmill, into: tree)
        let names = windmill.map { ($0 as NSString).lastPathComponent }
        #expect(names.first == "flow.yaml" && names.count == 2, "\(names)")
        #expect(windmill.allSatisfy { $0.hasPrefix(tree + "/f/ops/inline_demo.flow/") })
        #expect(try validateAgainstOpenFlowSchema(windmill[0]).status == 0)
        // The writer names the inline file after the step and always writes a description.
        var expected = inline
        expected.description = ""
        if case .rawScript(var script) = expected.modules[0].value {
            script.contentFile = "a.inline_script.py"
            expected.modules[0].value = .rawScript(script)
        }
        #expect(try FlowLoader.load(path: windmill[0]) == expected)
    }

    @Test func aFlowWithCheckErrorsIsRefusedAndNothingIsWritten() throws {
        let broken = FlowLoader.read(path: Self.brokenFlow).flow
        let flow = try #require(broken)
        let tree = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: tree) }
        do {
            try FlowExporter.export(flow, format: .windmill, into: tree)
            Issue.record("the export of a broken flow succeeded")
        } catch .checkFailed(let report) {
            #expect(report.errors.count >= 10)
            #expect(FlowExportError.checkFailed(report).description.contains("nothing was written"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: tree).isEmpty)
    }

    @Test func flowsTheSeedCannotExpressAreRefused() throws {
        let flow = Flow(name: "f/ops/branchy", modules: [
            FlowModule(id: "b", value: .branchAll(BranchAll(branches: [BranchAll.Branch(modules: [FlowModule(id: "c", value: .identity)])]))),
        ])
        let tree = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: tree) }
        #expect(throws: FlowExportError.self) { try FlowExporter.export(flow, format: .seed, into: tree) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: tree).isEmpty)
    }
}
