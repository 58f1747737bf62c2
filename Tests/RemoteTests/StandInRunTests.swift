import Foundation
import HopsLang
import HopsRemote
import HopsRun
import HopsShell
import HopsStore
import Testing

/// A copy of the repository's windmill/ tree in a temporary repository, so a test may edit a flow.
struct TreeCopy {
    let repository: String
    let tree: WmillTree
    let store: RunStore

    init() throws {
        repository = FileManager.default.temporaryDirectory.appendingPathComponent("hops-remote-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: repository + "/.git", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: StandInServer.repositoryRoot + "/windmill", toPath: repository + "/windmill")
        tree = try WmillTree(root: repository + "/windmill")
        store = try RunStore.open(path: repository + "/.hops/hops.db")
    }

    func flow(_ name: String) -> String { repository + "/windmill/f/homeops/\(name).flow" }

    func remove() { try? FileManager.default.removeItem(atPath: repository) }
}

/// Remote runs on the stand-in Windmill server: followed, recorded, imported, resumed.
@Suite(.serialized) struct StandInRunTests {
    let server: StandInServer
    let copy: TreeCopy

    init() throws {
        server = try StandInServer()
        copy = try TreeCopy()
        let push = Push(client: try server.client(), tree: copy.tree)
        try push.apply(try push.plan(try copy.tree.items()))
    }

    private func run(_ flow: String, _ arguments: ObjectValue = ObjectValue(), cancellation: Cancellation = Cancellation())
        throws -> (job: String, mode: RemoteFlowRun.Mode, events: [String])
    {
        let remote = RemoteFlowRun(client: try server.client(), tree: copy.tree)
        let started = try remote.start(folder: copy.flow(flow), arguments: arguments)
        var events: [String] = []
        try remote.follow(job: started.job, cancellation: cancellation) { event in
            switch event {
            case .stepStarted(let id, _, _): events.append("start \(id)")
            case .stepFinished(let id, _, let state, _, let error): events.append("\(state.rawValue) \(id)\(error.map { ": \($0.message)" } ?? "")")
            case .stepSkipped(let id, _, _): events.append("skip \(id)")
            case .stepRetrying: break
            }
        }
        return (started.job, started.mode, events)
    }

    @Test func aRunByPathIsFollowedAndRecordedWithItsJobID() throws {
        let (job, mode, events) = try run("system_health")
        #expect(mode == .byPath)
        #expect(events.first == "start check_disk")
        #expect(events.contains("succeeded summarize"))
        let imported = try JobImport(client: try server.client()).run(job)
        #expect(imported.succeeded)
        // Defaults of the flow's inputs are sent, as a local run sees them.
        #expect(imported.arguments.jsonString()?.contains("\"threshold\":90") == true)
        let runID = try imported.record(in: copy.store, source: "windmill/f/homeops/system_health.flow", sourceHash: nil) { _ in ("deno", "test") }
        let record = try #require(try copy.store.run(runID))
        #expect(record.remoteJob == job)
        #expect(record.status == .succeeded)
        #expect(record.steps.map(\.stepID).prefix(3) == ["check_disk", "check_memory", "check_load"])
        #expect(record.steps.first?.stdout == "step check_disk: ran on the stand-in\n")
        #expect(try copy.store.run(remoteJob: job) == runID)
        #expect(try server.violations() == [])
    }

    @Test func anUnpushedEditRunsAsAPreview() throws {
        let file = copy.flow("system_health") + "/flow.yaml"
        let text = try String(contentsOfFile: file, encoding: .utf8)
        try text.replacingOccurrences(of: "summary: Memory", with: "summary: Memory, edited").write(toFile: file, atomically: true, encoding: .utf8)
        let (job, mode, _) = try run("system_health")
        #expect(mode == .preview)
        let imported = try JobImport(client: try server.client()).run(job)
        #expect(imported.flowPath == "f/homeops/system_health")
        #expect(try server.violations() == [])
    }

    @Test func loopsAndBranchesComeHomeWithTheirPlaces() throws {
        let urls = Value.array([.string("http://127.0.0.1:1/a"), .string("http://127.0.0.1:1/b")])
        let (job, _, _) = try run("http_health_check", ObjectValue([("urls", urls)]))
        let imported = try JobImport(client: try server.client()).run(job)
        let places = imported.steps.map { $0.place.isEmpty ? $0.stepID : "\($0.place)/\($0.stepID)" }
        #expect(places.contains("check_endpoints[0]/check_endpoint"))
        #expect(places.contains("check_endpoints[1]/check_endpoint"))
        #expect(places.contains("summarize"))
        let iteration = try #require(imported.steps.first { $0.place == "check_endpoints[1]" })
        #expect(iteration.arguments.jsonString()?.contains("http://127.0.0.1:1/b") == true)
        #expect(try server.violations() == [])
    }

    @Test func aFailedRunIsImportedAndResumedReusingWhatSucceededOnTheServer() throws {
        try server.control(
            "POST", "rules", StandInServer.json(#"{"flow": "f/homeops/system_health", "step": "check_memory", "fail": "meminfo unreadable"}"#))
        let (job, _, events) = try run("system_health")
        #expect(events.contains("failed check_memory: meminfo unreadable"))
        let failed = try RemoteRunListing.fetch(try server.client(), failed: true, flow: "f/homeops/system_health", since: nil, limit: 10)
        #expect(failed.map(\.job) == [job])
        #expect(failed.first?.status == "failed")

        let imported = try RemoteImport.perform(
            job: job, client: try server.client(), store: copy.store, tree: copy.tree, repositoryRoot: copy.repository)
        #expect(imported.source == "windmill/f/homeops/system_health.flow")
        #expect(imported.differingSteps == [])
        let record = try #require(try copy.store.run(imported.runID))
        #expect(record.status == .failed)
        #expect(record.error == "step check_memory: Error: meminfo unreadable")
        #expect(record.steps.map(\.stepID) == ["check_disk", "check_memory", "failure"])

        // Resume here: check_disk ran on the server with the same script and arguments, so it is
        // reused (its disk check is not redone); check_memory runs locally from the failure.
        let current = FileManager.default.currentDirectoryPath
        FileManager.default.changeCurrentDirectoryPath(copy.repository)
        defer { FileManager.default.changeCurrentDirectoryPath(current) }
        let resume = try FlowResume(store: copy.store, original: record)
        let result = resume.run()
        #expect(resume.source.decision(stepID: "check_disk", place: "")?.reason == "key matches")
        #expect(resume.source.decision(stepID: "check_memory", place: "")?.reused == false)
        let reusedResult = result.steps.first { $0.id == "check_disk" }?.result?.jsonString()
        #expect(reusedResult == record.steps.first?.resultJSON)

        // --fresh-step check_disk: the disk check runs here again although the server's result matches.
        let again = try FlowResume(store: copy.store, original: record)
        again.source.freshSteps = ["check_disk"]
        _ = again.run()
        #expect(again.source.decision(stepID: "check_disk", place: "")?.reason == "--fresh-step")
        #expect(try server.violations() == [])
    }

    @Test func aChangedLocalScriptIsNotReused() throws {
        try server.control(
            "POST", "rules", StandInServer.json(#"{"flow": "f/homeops/system_health", "step": "check_memory", "fail": "boom"}"#))
        let (job, _, _) = try run("system_health")
        let script = copy.repository + "/windmill/f/homeops/check_disk_usage.ts"
        try (try String(contentsOfFile: script, encoding: .utf8) + "\n// changed\n").write(toFile: script, atomically: true, encoding: .utf8)
        let imported = try RemoteImport.perform(
            job: job, client: try server.client(), store: copy.store, tree: copy.tree, repositoryRoot: copy.repository)
        let record = try #require(try copy.store.run(imported.runID))
        let current = FileManager.default.currentDirectoryPath
        FileManager.default.changeCurrentDirectoryPath(copy.repository)
        defer { FileManager.default.changeCurrentDirectoryPath(current) }
        let resume = try FlowResume(store: copy.store, original: record)
        _ = resume.run()
        #expect(resume.source.decision(stepID: "check_disk", place: "")?.reason == "script changed")
    }

    @Test func anImportSaysWhichStepsDifferFromTheLocalFlow() throws {
        let (job, _, _) = try run("system_health")
        let file = copy.flow("system_health") + "/flow.yaml"
        let text = try String(contentsOfFile: file, encoding: .utf8)
        try text.replacingOccurrences(of: "expr: flow_input.memory_threshold", with: "expr: flow_input.threshold")
            .write(toFile: file, atomically: true, encoding: .utf8)
        let imported = try RemoteImport.perform(
            job: job, client: try server.client(), store: copy.store, tree: copy.tree, repositoryRoot: copy.repository)
        #expect(imported.differingSteps == ["check_memory"])
        #expect(imported.lines.last == "tied to windmill/f/homeops/system_health.flow; the local flow differs at: check_memory")
    }

    @Test func aRetriedStepComesHomeWithEachAttempt() throws {
        try server.control(
            "POST", "rules",
            StandInServer.json(#"{"flow": "f/homeops/system_health", "step": "check_load", "fail": "busy", "fail_times": 1}"#))
        let (job, _, _) = try run("system_health")
        let imported = try JobImport(client: try server.client()).run(job)
        #expect(imported.succeeded)
        let attempts = imported.steps.filter { $0.stepID == "check_load" }.map { "\($0.attempt) \($0.status.rawValue)" }
        #expect(attempts == ["1 failed", "2 succeeded"])
        let runID = try imported.record(in: copy.store, source: nil, sourceHash: nil) { _ in ("deno", "test") }
        let recorded = try #require(try copy.store.run(runID)).steps.filter { $0.stepID == "check_load" }
        #expect(recorded.map(\.attempt) == [1, 2])
        #expect(recorded.first?.error == "step check_load: Error: busy")
    }

    @Test func truncatedValuesAreFetchedWhole() throws {
        try server.control("POST", "config", StandInServer.json(#"{"too_big_bytes": 50}"#))
        let big = String(repeating: "x", count: 400)
        try server.control(
            "POST", "rules", StandInServer.json(#"{"flow": "f/homeops/system_health", "step": "check_disk", "result": {"blob": "\#(big)"}}"#))
        let (job, _, _) = try run("system_health")
        let view = try server.client().job(job)
        #expect(view.jsonString()?.contains("WINDMILL_TOO_BIG") == true)
        let imported = try JobImport(client: try server.client()).run(job)
        let disk = try #require(imported.steps.first { $0.stepID == "check_disk" })
        #expect(disk.result?.jsonString() == "{\"blob\":\"\(big)\"}")
        #expect(disk.arguments.jsonString()?.contains("WINDMILL_TOO_BIG") == false)
        #expect(try server.violations() == [])
    }

    @Test func cancellingStopsTheJobOnTheServer() throws {
        try server.control(
            "POST", "rules", StandInServer.json(#"{"flow": "f/homeops/system_health", "step": "check_load", "hold": true}"#))
        let cancellation = Cancellation()
        let remote = RemoteFlowRun(client: try server.client(), tree: copy.tree)
        let started = try remote.start(folder: copy.flow("system_health"), arguments: ObjectValue())
        try remote.follow(job: started.job, cancellation: cancellation) { event in
            if case .stepStarted(let id, _, _) = event, id == "check_load" { cancellation.cancel() }
        }
        let imported = try JobImport(client: try server.client()).run(started.job)
        #expect(imported.canceled)
        #expect(imported.flowRunResult(runID: nil).status == .cancelled)
        #expect(try server.violations() == [])
    }
}
