import Foundation
import HopsLang
import HopsRemote
import Testing

/// `hops push` of the repository's own windmill/ tree to the stand-in Windmill server.
@Suite(.serialized) struct StandInPushTests {
    let server: StandInServer
    let tree: WmillTree

    init() throws {
        server = try StandInServer()
        tree = try WmillTree(root: StandInServer.repositoryRoot + "/windmill")
    }

    @Test func pushSendsScriptsThenFlowsAndNothingTheSecondTime() throws {
        let items = try tree.items()
        #expect(items.map(\.path).contains("f/homeops/check_load"))
        #expect(items.last?.kind == .flow)
        #expect(Push.checkErrors(items, repositoryRoot: StandInServer.repositoryRoot).isEmpty)
        let push = Push(client: try server.client(), tree: tree)
        let first = try push.plan(items)
        #expect(first.allSatisfy { $0.change == .create })
        try push.apply(first)
        let scripts = items.filter { $0.kind == .script }.count
        #expect(Push.summary(first) == "\(items.count) created, 0 updated, 0 unchanged")

        // What arrived: the operations in order, scripts before flows, and the inline file read in.
        let operations = try server.requests().compactMap { request -> String? in
            guard case .object(let object) = request, case .string(let name)? = object["operation"],
                name.hasPrefix("create")
            else { return nil }
            return name
        }
        #expect(operations == Array(repeating: "createScript", count: scripts) + Array(repeating: "createFlow", count: items.count - scripts))
        let flow = try #require(try server.client().flow(at: "f/homeops/http_health_check"))
        #expect(flow.jsonString()?.contains("!inline") == false)
        #expect(flow.jsonString()?.contains("Splits the loop's results") == true)

        let second = try push.plan(try tree.items())
        #expect(Push.summary(second) == "0 created, 0 updated, \(items.count) unchanged")
        #expect(try server.violations() == [])
    }

    @Test func itemsAreChosenByFolderByContentFileOrByFlowFile() throws {
        let homeops = StandInServer.repositoryRoot + "/windmill/f/homeops"
        #expect(try tree.items(under: [homeops + "/check_load.ts"]).map(\.path) == ["f/homeops/check_load"])
        #expect(try tree.items(under: [homeops + "/system_health.flow/flow.yaml"]).map(\.path) == ["f/homeops/system_health"])
        #expect(try tree.items(under: [homeops]).count == 8)
        #expect { _ = try tree.items(under: [homeops + "/nothing.ts"]) } throws: { "\($0)".contains("no such file or folder") }
    }

    @Test func aFlowThatFailsCheckStopsThePushBeforeAnythingIsSent() throws {
        let copy = try TreeCopy()
        defer { copy.remove() }
        let file = copy.flow("system_health") + "/flow.yaml"
        let text = try String(contentsOfFile: file, encoding: .utf8)
        try text.replacingOccurrences(of: "expr: flow_input.memory_threshold", with: "expr: results.nowhere.x")
            .write(toFile: file, atomically: true, encoding: .utf8)
        let failing = Push.checkErrors(try copy.tree.items(), repositoryRoot: copy.repository)
        #expect(failing.map(\.0.path) == ["f/homeops/system_health"])
        #expect(failing.first?.1.rendered().contains("nowhere") == true)
        #expect(try server.requests().isEmpty)
    }

    @Test func aChangedScriptIsAnUpdateWithItsParentHash() throws {
        let push = Push(client: try server.client(), tree: tree)
        let script = StandInServer.repositoryRoot + "/windmill/f/homeops/check_load.script.yaml"
        try push.apply(try push.plan(try tree.items(under: [script])))
        let changed = try server.client().script(at: "f/homeops/check_load")
        guard case .object(var body)? = changed else { Issue.record("no script"); return }
        body["content"] = .string("export function main() { return 1 }")
        _ = try server.client().createScript(
            .object(ObjectValue([
                ("path", .string("f/homeops/check_load")), ("summary", .string("x")), ("content", body["content"]!),
                ("language", .string("deno")), ("parent_hash", body["hash"]!),
            ])))
        let plan = try push.plan(try tree.items(under: [script]))
        #expect(plan.map(\.change) == [.update])
        try push.apply(plan)
        let sent = try server.requests().last
        #expect(sent?.jsonString()?.contains("parent_hash") == true)
        #expect(try server.violations() == [])
    }
}
