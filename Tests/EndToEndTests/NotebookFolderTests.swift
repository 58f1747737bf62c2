import Foundation
import Testing

/// Every runnable notebook in `notebooks/` runs cleanly and still gives the outputs written in it.
@Suite struct NotebookFolderTests {
    /// The notebooks whose outputs are the same on every machine and every run.
    static let runnable = ["tour.hops", "walkthrough.hops"]

    @Test(arguments: runnable)
    func notebookRunsAndMatchesItsOutputs(name: String) throws {
        let directory = try HopsProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = HopsProcess.repositoryRoot.appendingPathComponent("notebooks/\(name)").path
        let out = directory.appendingPathComponent(name).path
        let result = try HopsProcess.run(
            ["run", path, "-o", out, "--store", directory.appendingPathComponent("store.db").path])
        #expect(result.status == 0, "\(result.error)")
        #expect(!result.error.contains("failed"))
        // The notebook in the repository holds the outputs of its last run; they must still be what it gives.
        let expected = String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
        let written = String(decoding: try Data(contentsOf: URL(fileURLWithPath: out)), as: UTF8.self)
        #expect(written == expected, "rerun `hops run notebooks/\(name) --update` if the change is intended")
        #expect(expected.contains("# => "))
    }

    /// The replay walkthrough: its run ids differ on every run, so it keeps no outputs; what it
    /// shows is checked here. A flow fails and is recorded, the failure is replayed from the
    /// record, fixed, retried live and continued.
    @Test func replayNotebookFailsReplaysFixesAndContinues() throws {
        let directory = try HopsProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = HopsProcess.repositoryRoot.appendingPathComponent("notebooks/replay.hops").path
        let config = "/tmp/hops-replay-config.json"  // the notebook's parameter and flow input
        let result = try HopsProcess.run(
            ["run", path, "--json", "--store", directory.appendingPathComponent("store.db").path])
        #expect(result.status == 0, "\(result.error)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        let statuses = (report["cells"] as? [[String: Any]] ?? []).compactMap { $0["status"] as? String }
        #expect(statuses == ["ok", "ok", "ok", "raised", "ok", "ok"], "\(statuses)")
        #expect(result.error.contains("publish: no config at \(config)"))
        #expect(FileManager.default.fileExists(atPath: config))
    }
}
