import Foundation
import Testing
@testable import HopsFlow

/// Runs the checker over the corpus of real Windmill flows and compares with the findings verified
/// by hand in `CheckFixtures/corpus-findings.txt`; a false positive or a missed problem fails.
/// `RECORD_CHECK_GOLDEN=1` rewrites the file (then verify the difference by hand).
@Suite struct CheckCorpusTests {
    static let golden = TestPaths.testsFolder.appendingPathComponent("CheckFixtures/corpus-findings.txt").path

    func currentFindings() throws -> [String] {
        let flows = try CorpusTests.corpusFlows()
        var lines: [String] = []
        for path in flows {
            let report = FlowChecker.check(path: (path as NSString).deletingLastPathComponent)
            for diagnostic in report.diagnostics {
                lines.append(diagnostic.description.replacingOccurrences(of: TestPaths.corpus + "/", with: "")
                    .replacingOccurrences(of: TestPaths.corpus, with: "<corpus>"))
            }
        }
        return lines
    }

    @Test func corpusFindingsMatchTheVerifiedList() throws {
        let findings = try currentFindings()
        if ProcessInfo.processInfo.environment["RECORD_CHECK_GOLDEN"] != nil {
            try (findings.joined(separator: "\n") + "\n").write(toFile: Self.golden, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOfFile: Self.golden, encoding: .utf8)
            .split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") && !$0.isEmpty }
        let unexpected = findings.filter { !expected.contains($0) }
        let missed = expected.filter { !findings.contains($0) }
        #expect(unexpected.isEmpty, "findings not in the verified list (false positives?):\n\(unexpected.joined(separator: "\n"))")
        #expect(missed.isEmpty, "verified findings no longer reported:\n\(missed.joined(separator: "\n"))")
    }
}
