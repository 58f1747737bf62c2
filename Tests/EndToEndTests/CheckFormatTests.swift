import Foundation
import Testing

/// `hops check --format text|json|github|sarif`, its exit codes, and the pre-commit hook.
@Suite struct CheckFormatTests {
    /// A tree with a broken seed flow (three errors), a clean one, and a file that is not a flow.
    static func makeTree() throws -> URL {
        let tree = try HopsProcess.temporaryDirectory()
        let flows = tree.appendingPathComponent("windmill/flows/ops")
        try FileManager.default.createDirectory(at: flows, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: tree.appendingPathComponent("windmill/scripts"), withIntermediateDirectories: true)
        try "export function main(name: string) { return name }\n"
            .write(to: tree.appendingPathComponent("windmill/scripts/hello.ts"), atomically: true, encoding: .utf8)
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
            """.write(to: flows.appendingPathComponent("broken, for now.yaml"), atomically: true, encoding: .utf8)
        try """
            summary: fine
            steps:
              - id: greet
                script: hello.ts
                args:
                  name: world
            """.write(to: flows.appendingPathComponent("fine.yaml"), atomically: true, encoding: .utf8)
        try "# notes\n".write(to: tree.appendingPathComponent("README.md"), atomically: true, encoding: .utf8)
        return tree
    }

    static let broken = "windmill/flows/ops/broken, for now.yaml"

    /// Runs hops in `directory` (relative paths are what CI systems annotate).
    static func run(_ arguments: [String], in directory: URL) throws -> HopsProcess.Result {
        try command([HopsProcess.binary()] + arguments, in: directory)
    }

    /// Runs a program with arguments in `directory`, reading both of its streams.
    static func command(_ arguments: [String], in directory: URL, environment: [String: String] = [:]) throws -> HopsProcess.Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let errorData = ReadInBackground(error.fileHandleForReading)
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return HopsProcess.Result(
            status: process.terminationStatus, output: String(decoding: outputData, as: UTF8.self),
            error: String(decoding: errorData.wait(), as: UTF8.self))
    }

    /// The `file:line:col` of every error the text format prints.
    static func textErrorPlaces(in tree: URL) throws -> [String] {
        let text = try run(["check", broken], in: tree)
        #expect(text.status == 1)
        return text.output.split(separator: "\n").filter { $0.contains(": error: ") }.map {
            String($0[..<$0.range(of: ": error: ")!.lowerBound])
        }
    }

    @Test func jsonIsOneObjectPerFindingAndLine() throws {
        let tree = try Self.makeTree()
        defer { try? FileManager.default.removeItem(at: tree) }
        let places = try Self.textErrorPlaces(in: tree)
        #expect(places.count >= 3)
        let result = try Self.run(["check", "--format", "json", Self.broken, "windmill/flows/ops/fine.yaml"], in: tree)
        #expect(result.status == 1)
        let objects = try result.output.split(separator: "\n").map {
            try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any], "\($0)")
        }
        let errors = objects.filter { $0["severity"] as? String == "error" }
        #expect(errors.map { "\($0["file"] ?? ""):\($0["line"] ?? ""):\($0["column"] ?? "")" } == places)
        #expect(errors.allSatisfy { ($0["message"] as? String)?.isEmpty == false && $0["endColumn"] is Int })
        #expect(errors.contains { ($0["message"] as? String)?.contains("missing.ts") == true })
        // The summary is not on standard output, where a consumer parses every line.
        #expect(result.error.contains("2 flows checked: \(errors.count) errors"), "\(result.error)")
    }

    @Test func githubPrintsWorkflowCommands() throws {
        let tree = try Self.makeTree()
        defer { try? FileManager.default.removeItem(at: tree) }
        let places = try Self.textErrorPlaces(in: tree)
        let result = try Self.run(["check", "--format", "github", Self.broken], in: tree)
        #expect(result.status == 1)
        let commands = result.output.split(separator: "\n").filter { $0.hasPrefix("::error ") }
        #expect(commands.count == places.count, "\(result.output)")
        let pattern = #"^::error file=windmill/flows/ops/broken%2C for now\.yaml,line=(\d+),col=(\d+),endColumn=\d+,title=hops check::\S.*$"#
        for (command, place) in zip(commands, places) {
            let match = try #require(command.firstMatch(of: try Regex(pattern)), "\(command)")
            let line = try #require(match.output[1].substring)
            let column = try #require(match.output[2].substring)
            #expect(place.hasSuffix(":\(line):\(column)"))
        }
        #expect(result.output.split(separator: "\n").last == "1 flow checked: \(places.count) errors, 0 warnings")
    }

    @Test func sarifIsAValidSarif210Log() throws {
        let tree = try Self.makeTree()
        defer { try? FileManager.default.removeItem(at: tree) }
        let places = try Self.textErrorPlaces(in: tree)
        let result = try Self.run(["check", "--format", "sarif", Self.broken, "windmill/flows/ops/fine.yaml"], in: tree)
        #expect(result.status == 1)
        let log = tree.appendingPathComponent("check.sarif")
        try result.output.write(to: log, atomically: true, encoding: .utf8)
        // The sarif-pydantic models; they accept unknown fields, so the script also refuses any.
        let validate = """
            import sys
            from pydantic import BaseModel
            from sarif_pydantic import Sarif
            log = Sarif.model_validate_json(open(sys.argv[1]).read())
            def extras(model, path):
                found = [f"{path}.{key}" for key in (model.model_extra or {})]
                for name in type(model).model_fields:
                    value = getattr(model, name)
                    for index, item in enumerate(value if isinstance(value, list) else [value]):
                        if isinstance(item, BaseModel):
                            found += extras(item, f"{path}.{name}[{index}]")
                return found
            assert not extras(log, "log"), extras(log, "log")
            assert log.version == "2.1.0"
            for result in log.runs[0].results:
                region = result.locations[0].physical_location.region
                print(result.level.value, result.locations[0].physical_location.artifact_location.uri,
                      region.start_line if region else "-", region.start_column if region else "-", sep="\\t")
            """
        let checked = try Self.command(["python3", "-c", validate, log.path], in: tree)
        #expect(checked.status == 0, "\(checked.error)")
        let rows = checked.output.split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
        let errors = rows.filter { $0.first == "error" }
        #expect(errors.map { "\($0[1].removingPercentEncoding ?? ""):\($0[2]):\($0[3])" } == places)
        #expect(errors.allSatisfy { $0[1] == "windmill/flows/ops/broken,%20for%20now.yaml" })
        #expect(result.error.contains("2 flows checked"))
    }

    @Test func textIsTheDefaultAndACleanFlowExitsZero() throws {
        let tree = try Self.makeTree()
        defer { try? FileManager.default.removeItem(at: tree) }
        let result = try Self.run(["check", "--format", "text", "windmill/flows/ops/fine.yaml"], in: tree)
        #expect(result.status == 0, "\(result.output)\(result.error)")
        #expect(result.output == "1 flow checked: 0 errors, 0 warnings\n")
        let json = try Self.run(["check", "--format", "json", "windmill/flows/ops/fine.yaml"], in: tree)
        #expect(json.status == 0)
        #expect(json.output.isEmpty)
    }

    @Test func usageAndInputErrorsExitTwo() throws {
        let tree = try Self.makeTree()
        defer { try? FileManager.default.removeItem(at: tree) }
        let format = try Self.run(["check", "--format", "xml", Self.broken], in: tree)
        #expect(format.status == 2)
        #expect(format.error.contains("xml"), "\(format.error)")
        #expect(format.output.isEmpty)
        let missing = try Self.run(["check", "windmill/flows/ops/nothing.yaml"], in: tree)
        #expect(missing.status == 2)
        #expect(missing.error == "error: no such file or folder: windmill/flows/ops/nothing.yaml\n")
    }

    /// What pre-commit runs: the hook's entry and args, then the staged files its `files` pattern matches.
    @Test func thePreCommitHookDefinitionsCommandChecksChangedFlows() throws {
        let tree = try Self.makeTree()
        defer { try? FileManager.default.removeItem(at: tree) }
        let hooks = HopsProcess.repositoryRoot.appendingPathComponent(".pre-commit-hooks.yaml").path
        let staged = [Self.broken, "windmill/flows/ops/fine.yaml", "README.md", "windmill/scripts/hello.ts"]
        let expand = """
            import json, re, shlex, sys, yaml
            hook = next(h for h in yaml.safe_load(open(sys.argv[1])) if h["id"] == "hops-check")
            files = [f for f in sys.argv[2:] if re.search(hook["files"], f)]
            assert hook.get("pass_filenames", True)
            print(json.dumps(shlex.split(hook["entry"]) + hook.get("args", []) + files))
            """
        let expanded = try Self.command(["python3", "-c", expand, hooks] + staged, in: tree)
        #expect(expanded.status == 0, "\(expanded.error)")
        let command = try #require(try JSONSerialization.jsonObject(with: Data(expanded.output.utf8)) as? [String])
        #expect(command.first == "hops")
        #expect(command.suffix(2) == [Self.broken, "windmill/flows/ops/fine.yaml"])
        let binaryFolder = URL(fileURLWithPath: try HopsProcess.binary()).deletingLastPathComponent().path
        let path = binaryFolder + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let failing = try Self.command(command, in: tree, environment: ["PATH": path])
        #expect(failing.status == 1)
        #expect(failing.output.contains("broken, for now.yaml:"))
        #expect(failing.output.hasSuffix("2 flows checked: 3 errors, 0 warnings\n"), "\(failing.output)")
        let passing = try Self.command(command.dropLast(2) + ["windmill/flows/ops/fine.yaml"], in: tree, environment: ["PATH": path])
        #expect(passing.status == 0, "\(passing.output)")
    }
}
