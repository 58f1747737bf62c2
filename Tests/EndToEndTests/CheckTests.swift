import Foundation
import Testing

/// `hops check` through the built binary.
@Suite struct CheckTests {
    /// The corpus of real Windmill flows, in the shared fixtures.
    static let corpus = HopsProcess.repositoryRoot.appendingPathComponent("Tests/Fixtures/windmill-flows").path

    @Test func theRepositorysWindmillTreeIsClean() throws {
        let result = try HopsProcess.run(["check", HopsProcess.repositoryRoot.appendingPathComponent("windmill").path])
        #expect(result.status == 0, "\(result.output)\(result.error)")
        let summary = try #require(result.output.split(separator: "\n").last)
        #expect(summary.hasSuffix("flows checked: 0 errors, 0 warnings"))
        #expect(!result.output.contains("\u{1B}"))
        // The schedules with their next three fire times.
        let note = try #require(result.output.split(separator: "\n").first { $0.contains("system-health.yaml") && $0.contains("note: schedule") })
        #expect(note.components(separatedBy: " +00:00").count - 1 == 3 || note.split(separator: ",").count == 3)
    }

    @Test func aBrokenFlowExitsOneWithPositionsAndCarets() throws {
        let tree = try HopsProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tree) }
        let flows = tree.appendingPathComponent("windmill/flows/ops")
        try FileManager.default.createDirectory(at: flows, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: tree.appendingPathComponent("windmill/scripts"), withIntermediateDirectories: true)
        try "export function main(name: string) { return name }\n"
            .write(to: tree.appendingPathComponent("windmill/scripts/hello.ts"), atomically: true, encoding: .utf8)
        let flow = flows.appendingPathComponent("broken.yaml")
        try """
            summary: broken
            schedule: "61 * * * *"
            steps:
              - id: first
                script: hello.ts
                args:
                  name: ${{ steps.second.result }}
              - id: second
                script: missing.ts
            """.write(to: flow, atomically: true, encoding: .utf8)
        let result = try HopsProcess.run(["check", flow.path])
        #expect(result.status == 1)
        let lines = result.output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let errors = lines.filter { $0.contains(": error: ") }
        #expect(errors.count >= 3, "\(result.output)")
        for error in errors {
            #expect(error.range(of: #"broken\.yaml:\d+:\d+: error: "#, options: .regularExpression) != nil, "\(error)")
        }
        #expect(errors.contains { $0.contains("second") && $0.contains("later") || $0.contains("second") && $0.contains("after") }, "\(result.output)")
        #expect(errors.contains { $0.contains("missing.ts") })
        #expect(lines.contains { $0.trimmingCharacters(in: .whitespaces) == "^" })
        #expect(lines.last { !$0.isEmpty }?.hasPrefix("1 flow checked: ") == true)
    }

    @Test func theCorpusShowsOnlyMissingInlineFilesAndTheVerifiedFindings() throws {
        try #require(FileManager.default.fileExists(atPath: Self.corpus), "the corpus is missing at \(Self.corpus)")
        let result = try HopsProcess.run(["check", Self.corpus])
        #expect(result.status == 1)
        let errors = result.output.split(separator: "\n").filter { $0.contains(": error: ") }
        #expect(!errors.isEmpty)
        let unexpected = errors.filter { !$0.contains("missing inline file") && !$0.contains("stepresult") }
        #expect(unexpected.isEmpty, "\(unexpected.joined(separator: "\n"))")
        let summary = try #require(result.output.split(separator: "\n").last)
        #expect(summary.contains("flows checked: \(errors.count) error"))
    }

    @Test func checksEveryFlowOfTheRepositoryByDefault() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try HopsProcess.binary())
        process.arguments = ["check"]
        process.currentDirectoryURL = HopsProcess.repositoryRoot.appendingPathComponent("windmill/flows")
        let output = Pipe()
        process.standardOutput = output
        process.standardError = Pipe()
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(text)")
        let seeds = try FileManager.default.subpathsOfDirectory(atPath: HopsProcess.repositoryRoot.appendingPathComponent("windmill/flows").path)
            .filter { $0.hasSuffix(".yaml") }.count
        let summary = try #require(text.split(separator: "\n").last)
        let count = Int(summary.prefix { $0.isNumber }) ?? 0
        #expect(count > seeds, "seed and wmill flows: \(summary)")
    }
}
