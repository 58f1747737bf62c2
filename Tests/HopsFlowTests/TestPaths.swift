import Foundation

/// Paths the tests need, found from this file's place in the repository.
enum TestPaths {
    static let testsFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let repository = testsFolder.deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = testsFolder.appendingPathComponent("Fixtures").path
    /// The corpus of real Windmill flows, kept beside the repository.
    static let corpus = repository.deletingLastPathComponent().appendingPathComponent("shared/corpus/windmill-flows").path

    /// A fresh temporary folder.
    static func temporaryFolder() throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("hopsflow-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }
}
