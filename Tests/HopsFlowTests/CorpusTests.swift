import Foundation
import HopsLang
import Testing

@testable import HopsFlow

@Suite("The corpus of real Windmill flows")
struct CorpusTests {
    static func corpusFlows() throws -> [String] {
        let root = TestPaths.corpus
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CorpusMissing(path: root)
        }
        let files = FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String } ?? []
        return files.filter { $0.hasSuffix("flow.yaml") }.map { (root as NSString).appendingPathComponent($0) }.sorted()
    }

    struct CorpusMissing: Error, CustomStringConvertible {
        var path: String
        var description: String { "the corpus of Windmill flows is missing: expected it at \(path)" }
    }

    func load(_ relative: String) throws -> FlowLoadResult {
        FlowLoader.read(path: (TestPaths.corpus as NSString).appendingPathComponent(relative))
    }

    @Test func everyFlowLoadsOrIsDiagnosedAndPrints() throws {
        let flows = try Self.corpusFlows()
        #expect(flows.count >= 8)
        for path in flows {
            // Each flow is given as its folder, as a user names it on the command line.
            let result = FlowLoader.read(path: (path as NSString).deletingLastPathComponent)
            let flow = try #require(result.flow, "\(path): \(result.diagnostics)")
            #expect(!flow.modules.isEmpty, "\(path)")
            let tree = flow.treeDescription()
            #expect(tree.hasPrefix("flow "))
            for module in flow.allModules { #expect(tree.contains(module.id), "\(path): \(module.id)") }
            for diagnostic in result.diagnostics {
                #expect(diagnostic.description.hasPrefix(path), "\(diagnostic)")
                #expect(diagnostic.location.map { $0.line >= 1 && $0.column >= 1 } == true)
            }
            if result.errors.isEmpty {
                #expect(throws: Never.self) { try FlowLoader.load(path: path) }
            } else {
                #expect(throws: FlowLoadError.self) { try FlowLoader.load(path: path) }
            }
        }
    }

    @Test func missingInlineFilesAreNamed() throws {
        let result = try load("SerjoschDuering+run8n-windmill/f/geo/flows/fetch_buildings.flow")
        let messages = result.errors.map(\.message)
        #expect(messages.contains { $0.contains("missing inline file 'inline_script_0.inline_script.py'") })
        let error = try #require(result.errors.first)
        #expect(error.location?.line == 35 && error.location?.column == 18)
        #expect(error.rendered().contains("content: '!inline inline_script_0.inline_script.py'\n"))
    }

    @Test func branchyFlowStructure() throws {
        let flow = try #require(try load("windmill-labs+windmill-sync-devstageprod-example/dev/f/examples/unnecessarily_branchy.flow").flow)
        #expect(flow.modules.map(\.id) == ["ao", "ap", "aq", "at"])
        #expect(flow.modules.map(\.value.typeName) == ["rawscript", "rawscript", "forloopflow", "branchall"])
        guard case .forLoop(let loop) = flow.modules[2].value else { Issue.record("aq is not a loop"); return }
        #expect(loop.skipFailures && !loop.parallel)
        #expect(loop.modules[0].stopAfterIf?.expression.text == "result == undefined")
        guard case .branchAll(let all) = flow.modules[3].value else { Issue.record("at is not branchall"); return }
        #expect(all.branches.count == 3 && !all.parallel)
        guard case .branchOne(let one) = all.branches[2].modules[1].value else { Issue.record("az is not branchone"); return }
        #expect(one.branches.map(\.condition.text) == ["true", "true  "])
        #expect(one.defaultModules.first?.id == "bc")
        #expect(flow.allModules.count == 16)
    }

    @Test func inlineFailureModuleAndRetry() throws {
        let flow = try #require(try load("SerjoschDuering+run8n-windmill/f/geo/flows/fetch_buildings.flow").flow)
        guard case .rawScript(let failure) = flow.failureModule?.value else { Issue.record("no rawscript failure module"); return }
        #expect(failure.language == "python3")
        #expect(failure.content.hasPrefix("def main(error: dict):\n"))
        #expect(failure.lock == "# py: 3.12\n")
        let osm = try #require(flow.module(id: "osm"))
        #expect(osm.retry == Retry(constant: Retry.Constant(attempts: 2, seconds: 5)))
        #expect(flow.inputs.map(\.name) == ["allow_large_area", "east", "north", "south", "west"])
        #expect(flow.inputs.filter(\.required).map(\.name) == ["east", "north", "south", "west"])
    }

    @Test func pathScriptsTransformsAndSkipIf() throws {
        let flow = try #require(try load("JDRQlabs+LLM-Chatbot/f/development/whatsapp_webhook_processor__flow").flow)
        #expect(flow.name == "whatsapp_webhook_processor")
        #expect(flow.modules.count == 6)
        guard case .script(let script) = flow.modules[0].value else { Issue.record("step1 is not a script"); return }
        #expect(script.path == "f/development/1_whatsapp_context_loading")
        #expect(script.inputTransforms["message_id"] == .javascript(FlowExpression("flow_input.message_id")))
        #expect(script.inputTransforms.names.first == "db_resource")
        #expect(flow.modules[3].skipIf?.text == "!results.step3.success")
        #expect(flow.modules[3].skipIf?.location?.line == 89)
        #expect(flow.modules[3].skipIf?.location?.column == 16)
        #expect(flow.inputs.map(\.name) == ["phone_number_id", "user_phone", "message_body", "user_name"])
        let failure = try #require(flow.failureModule)
        #expect(failure.value.inputTransforms["db_resource"]?.staticValue.map { if case .undefined = $0 { true } else { false } } == true)
    }

    @Test func timeoutInsideValueAndParallelism() throws {
        let fireflies = try #require(try load("elmanGSB+automations/f/discovery/fireflies_webhook.flow").flow)
        #expect(fireflies.module(id: "b")?.timeout?.staticValue.map { $0.toNumber() } == 960)
        let polars = try #require(try load("hcourdent+workspace-demo-client/f/examples_etl/run_all_polars.flow").flow)
        guard case .forLoop(let loop) = polars.modules[0].value else { Issue.record("o is not a loop"); return }
        #expect(loop.parallel && loop.parallelism?.staticValue?.toNumber() == 4)
        #expect(polars.module(id: "y") != nil)
    }
}
