import Foundation
import Testing

/// Every runnable notebook in `notebooks/` runs cleanly and still gives the outputs written in it.
@Suite struct NotebookFolderTests {
    /// The notebooks that run today. `walkthrough.hops` and `replay.hops` join once the flow commands
    /// they use (`:load`, `:next`, `:run`, `:dry-run`, `:export`) exist.
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
}
