import Foundation
import Testing

/// `hops export` through the built binary: only checked flows are written, the wmill layout
/// validates against the OpenFlow schema, and `--branch` commits only the exported files.
@Suite struct ExportCommandTests {
    static let healthFlow = HopsProcess.repositoryRoot.appendingPathComponent("windmill/flows/monitoring/system-health.yaml").path
    static let spec = HopsProcess.repositoryRoot.appendingPathComponent("Tests/Fixtures/spec/openflow.openapi.yaml").path

    /// Runs a program and returns its status and output (stdout and stderr together).
    @discardableResult
    func run(_ arguments: [String], in directory: URL? = nil) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }

    /// The exported wmill flow, placed in a copy of the tree, runs to the same verdict as the seed flow.
    @Test func windmillExportRunsToTheSameResultAsTheOriginal() throws {
        let tree = try HopsProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tree) }
        try FileManager.default.copyItem(
            at: HopsProcess.repositoryRoot.appendingPathComponent("windmill"), to: tree.appendingPathComponent("windmill"))
        let export = try HopsProcess.run(["export", Self.healthFlow, "--to", "windmill", "--out", tree.path + "/windmill"])
        #expect(export.status == 0, "\(export.error)")
        let exported = tree.appendingPathComponent("windmill/f/monitoring/system-health.flow").path
        let inputs = ["-i", "max_load_per_cpu=100", "-i", "memory_threshold=100", "-i", "disk_threshold=100", "--json"]
        var verdicts: [String] = []
        for flow in [Self.healthFlow, exported] {
            let run = try HopsProcess.run(["flow", "run", flow] + inputs, environment: ["HOPS_STORE": tree.path + "/runs.db"])
            #expect(run.status == 0, "\(flow): \(run.error)")
            let report = try #require(try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any])
            let result = try #require(report["result"] as? [String: Any])
            verdicts.append("\(result["status"] ?? "") \(result["passed"] ?? "") \(result["checked"] ?? "")")
        }
        #expect(verdicts.count == 2 && verdicts[0] == verdicts[1], "\(verdicts)")
        #expect(verdicts.first?.hasPrefix("healthy") == true, "\(verdicts)")
    }

    @Test func windmillExportValidatesAgainstTheOpenFlowSchema() throws {
        let out = try HopsProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        let result = try HopsProcess.run(["export", Self.healthFlow, "--to", "windmill", "--out", out.path])
        #expect(result.status == 0, "\(result.error)")
        let flowFile = out.appendingPathComponent("f/monitoring/system-health.flow/flow.yaml")
        #expect(result.output.contains("wrote \(flowFile.path)"))
        #expect(result.output.contains("system-health.schedule.yaml"))
        #expect(FileManager.default.fileExists(atPath: Self.spec), "the OpenFlow spec is missing: \(Self.spec)")
        let script = """
            import sys, yaml, jsonschema
            spec = yaml.safe_load(open(sys.argv[1]))
            schemas = spec["components"]["schemas"]
            schema = dict(schemas["OpenFlow"])
            schema["components"] = {"schemas": schemas}
            document = yaml.safe_load(open(sys.argv[2]))
            errors = list(jsonschema.Draft202012Validator(schema).iter_errors(document))
            for error in errors:
                print("/".join(map(str, error.path)) + ": " + error.message)
            sys.exit(1 if errors else 0)
            """
        let validation = try run(["python3", "-c", script, Self.spec, flowFile.path])
        #expect(validation.status == 0, "\(validation.output)")
        // The export loads back and checks clean.
        let check = try HopsProcess.run(["check", flowFile.deletingLastPathComponent().path])
        #expect(!check.output.contains(": error: "), "\(check.output)")
    }

    @Test func aFlowWithErrorsIsRefusedAndNothingIsWritten() throws {
        let tree = try HopsProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tree) }
        let flows = tree.appendingPathComponent("windmill/flows/ops")
        try FileManager.default.createDirectory(at: flows, withIntermediateDirectories: true)
        let flow = flows.appendingPathComponent("bad.yaml")
        try "steps:\n  - id: a\n    script: nowhere.ts\n".write(to: flow, atomically: true, encoding: .utf8)
        let out = tree.appendingPathComponent("out")
        let result = try HopsProcess.run(["export", flow.path, "--to", "seed", "--out", out.path])
        #expect(result.status == 1)
        #expect(result.error.range(of: #"bad\.yaml:\d+:\d+: error: "#, options: .regularExpression) != nil, "\(result.error)")
        #expect(result.error.contains("nothing was written"))
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    @Test func branchCommitsOnlyTheExportedFilesAndLeavesUserChanges() throws {
        let repository = try HopsProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: repository) }
        try run(["git", "init", "-q", "-b", "main"], in: repository)
        try run(["git", "config", "user.email", "test@example.com"], in: repository)
        try run(["git", "config", "user.name", "Test"], in: repository)
        try "first\n".write(to: repository.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        try run(["git", "add", "notes.txt"], in: repository)
        try run(["git", "commit", "-q", "-m", "start"], in: repository)
        // The user's own work in progress: a change and a new file, neither committed.
        try "first\nchanged\n".write(to: repository.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        try "draft\n".write(to: repository.appendingPathComponent("scratch.txt"), atomically: true, encoding: .utf8)

        let result = try HopsProcess.run(["export", Self.healthFlow, "--to", "seed", "--out", repository.path, "--branch", "feature/system-health"])
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.contains("committed "))
        let branch = try run(["git", "rev-parse", "--abbrev-ref", "HEAD"], in: repository)
        #expect(branch.output.trimmingCharacters(in: .whitespacesAndNewlines) == "feature/system-health")
        let files = try run(["git", "show", "--name-only", "--format=%s", "HEAD"], in: repository)
        let lines = files.output.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("Add flow monitoring/system-health") == true)
        #expect(Array(lines.dropFirst()) == ["windmill/flows/monitoring/system-health.yaml"])
        let status = try run(["git", "status", "--porcelain"], in: repository)
        #expect(status.output.contains(" M notes.txt"))
        #expect(status.output.contains("?? scratch.txt"))
        #expect(try String(contentsOf: repository.appendingPathComponent("notes.txt"), encoding: .utf8) == "first\nchanged\n")
    }
}
