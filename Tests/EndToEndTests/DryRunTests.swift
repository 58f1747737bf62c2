import Foundation
import Testing

/// `hops dry-run` through the built binary: plans, decisions, and that nothing runs.
@Suite struct DryRunTests {
    /// A tree with one seed flow and a script that writes a marker file when it runs.
    func makeTree(_ flowText: String) throws -> (tree: URL, flow: URL, marker: URL) {
        let tree = try HopsProcess.temporaryDirectory()
        let flows = tree.appendingPathComponent("windmill/flows/ops")
        let scripts = tree.appendingPathComponent("windmill/scripts")
        try FileManager.default.createDirectory(at: flows, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: scripts, withIntermediateDirectories: true)
        let marker = tree.appendingPathComponent("ran.txt")
        try """
            #!/bin/bash
            # main(path, text): writes text to path
            echo "$2" > "$1"
            echo '{"written": true}'
            """.write(to: scripts.appendingPathComponent("write-file.sh"), atomically: true, encoding: .utf8)
        try "export function main(items: any[]) { return { count: items.length } }\n"
            .write(to: scripts.appendingPathComponent("count.ts"), atomically: true, encoding: .utf8)
        let flow = flows.appendingPathComponent("plan.yaml")
        try flowText.replacingOccurrences(of: "MARKER", with: marker.path).write(to: flow, atomically: true, encoding: .utf8)
        return (tree, flow, marker)
    }

    static let planFlow = """
        summary: plan
        inputs:
          - name: hosts
            type: array
        steps:
          - id: list
            script: count.ts
            args:
              items: []
            mock:
              return_value: {"items": ["a", "b", "c"], "ok": false}
          - id: each
            script: count.ts
            for_each: ${{ steps.list.result.items }}
            args:
              items: ${{ [item] }}
          - id: only_when_ok
            script: count.ts
            if: ${{ steps.list.result.ok }}
            args:
              items: []
          - id: write
            script: write-file.sh
            args:
              path: MARKER
              text: hello
          - id: after_write
            script: count.ts
            if: ${{ steps.write.result.written }}
            args:
              items: ${{ inputs.hosts }}
        """

    @Test func printsThePlanWithMocksLoopsSkipsAndUnknowns() throws {
        let (tree, flow, marker) = try makeTree(Self.planFlow)
        defer { try? FileManager.default.removeItem(at: tree) }
        let store = tree.appendingPathComponent("no-store/hops.db")
        let result = try HopsProcess.run(["dry-run", flow.path, "-i", "hosts=[\"h1\"]"], environment: ["HOPS_STORE": store.path])
        #expect(result.status == 0, "\(result.error)")
        let lines = result.output.split(separator: "\n").map(String.init)
        #expect(lines.first == "DRY RUN — nothing was executed")
        func line(_ id: String) -> String { lines.first { $0.trimmingCharacters(in: .whitespaces).hasPrefix(id + " ") } ?? "" }
        #expect(line("list").contains("would run; result: mock"))
        #expect(line("each").contains("would loop 3 times"))
        #expect(lines.filter { $0.contains("each_item") }.count == 3)
        #expect(line("only_when_ok").contains("would be skipped"))
        #expect(line("write").contains("result: unknown"))
        #expect(line("after_write").contains("may run or be skipped"))
        #expect(result.output.contains("after_write: skip_if depends on steps.write, unknown"))
        // Nothing ran and no store was made.
        #expect(!FileManager.default.fileExists(atPath: marker.path))
        #expect(!FileManager.default.fileExists(atPath: store.path))
        #expect(!FileManager.default.fileExists(atPath: store.deletingLastPathComponent().path))
    }

    @Test func aScriptThatWritesAFileIsNotRun() throws {
        let (tree, flow, marker) = try makeTree("""
            summary: write
            steps:
              - id: write
                script: write-file.sh
                args:
                  path: MARKER
                  text: hello
            """)
        defer { try? FileManager.default.removeItem(at: tree) }
        let result = try HopsProcess.run(["dry-run", flow.path], environment: ["HOPS_STORE": tree.appendingPathComponent("none.db").path])
        #expect(result.status == 0)
        #expect(result.output.hasPrefix("DRY RUN — nothing was executed\n"))
        #expect(result.output.contains("write"))
        #expect(!FileManager.default.fileExists(atPath: marker.path))
        // The same script does write the file when run by hand, so the check above can fail.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [tree.appendingPathComponent("windmill/scripts/write-file.sh").path, marker.path, "x"]
        process.standardOutput = Pipe()
        try process.run()
        process.waitUntilExit()
        #expect(FileManager.default.fileExists(atPath: marker.path))
    }

    @Test func jsonPlanIsOneDocument() throws {
        let (tree, flow, _) = try makeTree(Self.planFlow)
        defer { try? FileManager.default.removeItem(at: tree) }
        let result = try HopsProcess.run(
            ["dry-run", flow.path, "--json", "-i", "hosts=[]"], environment: ["HOPS_STORE": tree.appendingPathComponent("none.db").path])
        #expect(result.status == 0)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        #expect(document["dry_run"] as? Bool == true)
        #expect(document["executed"] as? Bool == false)
        let steps = try #require(document["steps"] as? [[String: Any]])
        let each = try #require(steps.first { $0["id"] as? String == "each" })
        #expect(each["decision"] as? String == "loop")
        #expect(each["iterations"] as? Int == 3)
        let list = try #require(steps.first { $0["id"] as? String == "list" })
        #expect(list["result_source"] as? String == "mock")
        let undetermined = try #require(document["undetermined"] as? [String])
        #expect(undetermined.contains { $0.contains("steps.write") })
    }

    @Test func dryRunAtThePromptOnADraft() throws {
        let input = """
            :new ops/prompt-plan
            :add list count.ts items=[]
            :set list mock={"items":[1,2]}
            :add each count.ts items=${{ [item] }}
            :set each for_each=${{ steps.list.result.items }}
            :dry-run
            """
        let result = try HopsProcess.run([], input: input + "\n", environment: ["HOPS_STORE": "/nonexistent-hops/none.db"])
        #expect(result.output.contains("DRY RUN — nothing was executed"))
        #expect(result.output.contains("would loop 2 times"))
    }
}
