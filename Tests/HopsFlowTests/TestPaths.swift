import Foundation

/// Paths the tests need, found from this file's place in the repository.
enum TestPaths {
    static let testsFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let repository = testsFolder.deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = testsFolder.appendingPathComponent("Fixtures").path
    /// Fixtures shared by every test target: the corpus of real flows and the vendored specs.
    static let sharedFixtures = repository.appendingPathComponent("Tests/Fixtures")
    /// The corpus of real Windmill flows (SOURCES.txt in it names their origins).
    static let corpus = sharedFixtures.appendingPathComponent("windmill-flows").path
    /// The OpenFlow 1.582.0 schema.
    static let openFlowSpec = sharedFixtures.appendingPathComponent("spec/openflow.openapi.yaml").path

    /// A fresh temporary folder.
    static func temporaryFolder() throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("hopsflow-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }
}
