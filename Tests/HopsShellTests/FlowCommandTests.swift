import Foundation
import HopsFlow
import HopsLang
import Testing

@testable import HopsShell

/// The flow commands of the prompt, without running any script: loading, inputs, completion.
@Suite struct FlowCommandTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let systemHealth = repository.appendingPathComponent("windmill/flows/monitoring/system-health.yaml").path

    @Test func untypedInputValuesAreJSONElseText() throws {
        let flow = Flow(inputs: ["a", "b", "c", "d", "e", "f"].map { FlowInput(name: $0) })
        let inputs = try FlowInputValues.bind(["a=1", "b=[1, 2]", "c=hello world", "d=", "e=a=b", "f=true"], to: flow)
        #expect(inputs["a"]?.jsonString() == "1")
        #expect(inputs["b"]?.jsonString() == "[1,2]")
        #expect(inputs["c"]?.jsonString() == "\"hello world\"")
        #expect(inputs["d"]?.jsonString() == "\"\"")
        #expect(inputs["e"]?.jsonString() == "\"a=b\"")
        #expect(inputs["f"]?.jsonString() == "true")
        #expect(throws: FlowInputValues.MalformedInput.self) { try FlowInputValues.named(["=1"]) }
        #expect(throws: FlowInputValues.MalformedInput.self) { try FlowInputValues.named(["novalue"]) }
    }

    @Test func loadBindsTheInputsAndSetsTheStepper() throws {
        let shell = Shell()
        #expect(shell.feed(":load \(Self.systemHealth)") == .done(failed: false))
        let loaded = try #require(shell.loadedFlow)
        #expect(shell.stepper === loaded)
        #expect(loaded.loadedFlow?.modules.first?.id == "check_disk")
        #expect(shell.interpreter.variable("flow_input")?.jsonString()?.contains("\"disk_threshold\":90") == true)
        // An input the flow does not declare is refused, and nothing is set.
        #expect(shell.feed(":inputs disk_threshold=75 note='a b'") == .done(failed: true))
        #expect(shell.interpreter.variable("inputs")?.jsonString()?.contains("\"disk_threshold\":75") == false)
        #expect(shell.feed(":inputs disk_threshold=75 disk_paths=[\"/\", \"/tmp\"]") == .done(failed: false))
        let inputs = try #require(shell.interpreter.variable("inputs"))
        #expect(inputs.jsonString()?.contains("\"disk_threshold\":75") == true)
        #expect(inputs.jsonString()?.contains("[\"/\",\"/tmp\"]") == true)
        #expect(shell.interpreter.variable("results")?.jsonString() == "{}")
        #expect(loaded.stateTree().contains("check_disk"))
        #expect(loaded.stateTree().contains("← next"))
    }

    @Test func completesStepIdsAndFlowPaths() throws {
        let shell = Shell()
        _ = shell.feed(":load \(Self.systemHealth)")
        let steps = shell.completions(for: ":step check_")
        #expect(steps.candidates.contains("check_disk"))
        #expect(steps.candidates.contains("summarize"))

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hops-paths-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        for sub in ["flows", "health.flow", "check__flow"] {
            try FileManager.default.createDirectory(at: folder.appendingPathComponent(sub), withIntermediateDirectories: true)
        }
        try Data().write(to: folder.appendingPathComponent("a.yaml"))
        try Data().write(to: folder.appendingPathComponent("notes.txt"))
        let paths = shell.completions(for: ":load \(folder.path)/")
        #expect(paths.wordLength == folder.path.count + 1)
        #expect(Set(paths.candidates) == Set(["flows/", "health.flow", "check__flow", "a.yaml"].map { folder.path + "/" + $0 }))
    }

    @Test func commandsWithoutALoadedFlowSaySo() {
        let shell = Shell()
        #expect(shell.feed(":step a") == .done(failed: true))
        #expect(shell.feed(":run") == .done(failed: true))
        #expect(shell.feed(":flow") == .done(failed: true))
        #expect(shell.feed(":load /nonexistent/flow.yaml") == .done(failed: true))
        #expect(shell.loadedFlow == nil)
    }

    @Test func flowShowsTheDraftWhenNothingIsLoaded() {
        let shell = Shell()
        #expect(shell.feed(":new monitoring/mine") == .done(failed: false))
        #expect(shell.feed(":flow") == .done(failed: false))
    }
}
