import Foundation
import Testing
@testable import HopsFlow

/// GitPublisher against real git in temporary repositories holding the user's own changes.
@Suite struct ExportGitTests {
    static let healthFlow = TestPaths.testsFolder.appendingPathComponent("CheckFixtures/tree/windmill/flows/monitoring/system-health.yaml").path

    @discardableResult
    func git(_ repository: String, _ arguments: String...) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", repository] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "git \(arguments.joined(separator: " ")): \(output)")
        return output
    }

    /// A repository with one commit, then a staged and an unstaged change and an untracked file of the user.
    func repositoryWithUserChanges() throws -> String {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("publish-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try git(root, "init", "--quiet", "-b", "main")
        try git(root, "config", "user.email", "ops@example.com")
        try git(root, "config", "user.name", "Ops")
        try git(root, "config", "commit.gpgsign", "false")
        try "notes\n".write(toFile: root + "/README.md", atomically: true, encoding: .utf8)
        try "a: 1\n".write(toFile: root + "/config.yaml", atomically: true, encoding: .utf8)
        try git(root, "add", ".")
        try git(root, "commit", "--quiet", "-m", "Initial")
        try "notes, edited\n".write(toFile: root + "/README.md", atomically: true, encoding: .utf8)
        try "a: 2\n".write(toFile: root + "/config.yaml", atomically: true, encoding: .utf8)
        try git(root, "add", "config.yaml")
        try "scratch\n".write(toFile: root + "/scratch.txt", atomically: true, encoding: .utf8)
        return root
    }

    @Test func exportOnABranchCommitsOnlyTheExportedFiles() throws {
        let flow = try FlowLoader.load(path: Self.healthFlow)
        let root = try repositoryWithUserChanges()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let publisher = GitPublisher(repositoryRoot: root)
        let (paths, commit) = try FlowExporter.exportOnBranch(
            flow, format: .windmill, into: root, branch: "feature/system-health", publisher: publisher)
        #expect(paths.count == 2)
        #expect(try git(root, "rev-parse", "--abbrev-ref", "HEAD") == "feature/system-health\n")
        #expect(try git(root, "rev-parse", "HEAD").hasPrefix(commit))
        let committed = try git(root, "show", "--name-only", "--format=%s", "HEAD")
        #expect(committed == """
            Add flow monitoring/system-health (5 steps)

            f/monitoring/system-health.flow/flow.yaml
            f/monitoring/system-health.schedule.yaml

            """)
        // The user's staged, unstaged and untracked changes are still there, uncommitted.
        let status = try git(root, "status", "--porcelain")
        #expect(Set(status.split(separator: "\n")) == ["M  config.yaml", " M README.md", "?? scratch.txt"], "\(status)")
        #expect(try String(contentsOfFile: root + "/README.md", encoding: .utf8) == "notes, edited\n")
        #expect(try git(root, "log", "--format=%s", "main") == "Initial\n")
    }

    @Test func refusesAnExistingBranchAndWritesNothing() throws {
        let flow = try FlowLoader.load(path: Self.healthFlow)
        let root = try repositoryWithUserChanges()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try git(root, "branch", "taken")
        #expect(throws: GitPublishError.branchExists("taken")) {
            _ = try FlowExporter.exportOnBranch(flow, format: .seed, into: root, branch: "taken", publisher: GitPublisher(repositoryRoot: root))
        }
        #expect(!FileManager.default.fileExists(atPath: root + "/windmill"))
        #expect(try git(root, "rev-parse", "--abbrev-ref", "HEAD") == "main\n")
    }

    @Test func refusesWhenTheTargetFileHasUncommittedChanges() throws {
        let flow = try FlowLoader.load(path: Self.healthFlow)
        let root = try repositoryWithUserChanges()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let target = root + "/windmill/flows/monitoring/system-health.yaml"
        try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try "summary: the user's own draft\n".write(toFile: target, atomically: true, encoding: .utf8)
        #expect(throws: GitPublishError.uncommittedChanges(["windmill/flows/monitoring/system-health.yaml"])) {
            _ = try FlowExporter.exportOnBranch(flow, format: .seed, into: root, branch: "feature/x", publisher: GitPublisher(repositoryRoot: root))
        }
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "summary: the user's own draft\n")
        #expect(try git(root, "branch", "--list", "feature/x") == "")
    }

    @Test func secondExportOfTheSameFlowSaysUpdate() throws {
        let flow = try FlowLoader.load(path: Self.healthFlow)
        let root = try repositoryWithUserChanges()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let publisher = GitPublisher(repositoryRoot: root)
        _ = try FlowExporter.exportOnBranch(flow, format: .seed, into: root, branch: "first", publisher: publisher)
        var changed = flow
        changed.summary = "System health, every quarter hour"
        _ = try FlowExporter.exportOnBranch(changed, format: .seed, into: root, branch: "second", publisher: publisher)
        #expect(try git(root, "log", "-1", "--format=%s") == "Update flow monitoring/system-health (5 steps)\n")
    }
}
