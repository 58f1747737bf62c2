import Foundation
import Testing

@testable import HopsFlow

@Suite("The flows of the repository's windmill tree")
struct RepositoryFlowTests {
    static let windmill = TestPaths.repository.appendingPathComponent("windmill").path

    /// Every seed flow (`flows/**/*.yaml`) and every wmill flow folder (`f/**/*.flow`, `f/**/*__flow`).
    static func flows() -> [String] {
        let files = FileManager.default.enumerator(atPath: windmill)?.compactMap { $0 as? String } ?? []
        let seed = files.filter { $0.hasPrefix("flows/") && $0.hasSuffix(".yaml") }
        let wmill = files.filter { $0.hasPrefix("f/") && ($0.hasSuffix(".flow") || $0.hasSuffix("__flow")) }
        return (seed + wmill).sorted().map { (windmill as NSString).appendingPathComponent($0) }
    }

    @Test func everyFlowLoadsWithoutAProblem() throws {
        let flows = Self.flows()
        #expect(flows.count >= 8, "\(flows)")
        for path in flows {
            let result = FlowLoader.read(path: path)
            #expect(result.diagnostics.isEmpty, "\(path):\n\(result.diagnostics.map { $0.rendered() }.joined(separator: "\n"))")
            let flow = try #require(result.flow, "\(path)")
            let tree = flow.treeDescription()
            print("\(path.dropFirst(Self.windmill.count + 1)):\n\(tree)\n")
            #expect(!flow.modules.isEmpty)
            for module in flow.allModules { #expect(tree.contains(module.id), "\(path): \(module.id)") }
        }
    }

    @Test func bothLayoutsOfSystemHealthGatherTheChecks() throws {
        let seed = try FlowLoader.load(path: (Self.windmill as NSString).appendingPathComponent("flows/monitoring/system-health.yaml"))
        let checks = seed.module(id: "summarize")?.value.inputTransforms["checks"]?.expression?.text
        #expect(checks == "({disk: steps.check_disk.result, memory: steps.check_memory.result, load: steps.check_load.result, processes: steps.top_processes.result})")
        let wmill = try FlowLoader.load(path: (Self.windmill as NSString).appendingPathComponent("f/homeops/system_health.flow"))
        #expect(wmill.module(id: "summarize")?.value.inputTransforms.names == ["disk", "load", "memory", "processes"])
    }
}
