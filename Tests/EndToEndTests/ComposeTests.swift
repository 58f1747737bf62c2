import Foundation
import Testing

/// Composing a flow at the prompt through piped standard input, then exporting and loading it back.
@Suite struct ComposeTests {
    static let session = """
        :new monitoring/disk-report
        :add disk platform/check-disk-usage.ts paths=["/"] threshold_percent=95
        :add extra hops:sh command="echo hi"
        :add note platform/notify.sh message=${{ `disk ok: ${steps.disk.result.ok}` }} level=info
        :set note if=${{ steps.disk.result.ok === false }} retry=3x5s timeout=30s continue_on_error=true
        :set disk mock={"ok":false,"filesystems":[]}
        :move note before extra
        :remove extra
        :draft
        :check
        """

    @Test func composeCheckExportAndLoadBack() throws {
        let tree = try HopsProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tree) }
        let result = try HopsProcess.run([], input: Self.session + "\n:draft yaml\n:export \(tree.path)\n")
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.contains("moved 'note' to step 2: disk, note, extra"))
        #expect(result.output.contains("removed 'extra'"))
        #expect(result.output.contains("1 flow checked: 0 errors, 0 warnings"))
        let exported = tree.appendingPathComponent("windmill/flows/monitoring/disk-report.yaml")
        #expect(result.output.contains("wrote \(exported.path)"))
        let text = try String(contentsOf: exported, encoding: .utf8)
        // What :draft yaml showed is what was written.
        #expect(result.output.contains(text.trimmingCharacters(in: .newlines)))
        #expect(text.contains("if: ${{ steps.disk.result.ok === false }}"))
        #expect(text.contains("attempts: 3"))
        #expect(!text.contains("extra"))
        // Loading the export back: it checks clean and plans the same steps.
        let scripts = HopsProcess.repositoryRoot.appendingPathComponent("windmill/scripts")
        try FileManager.default.createSymbolicLink(at: tree.appendingPathComponent("windmill/scripts"), withDestinationURL: scripts)
        let check = try HopsProcess.run(["check", exported.path])
        #expect(check.status == 0, "\(check.output)")
        let plan = try HopsProcess.run(["dry-run", exported.path], environment: ["HOPS_STORE": tree.appendingPathComponent("none.db").path])
        #expect(plan.output.contains("disk"))
        #expect(plan.output.contains("would run; result: mock"))
        #expect(plan.output.contains("note"))
    }

    @Test func anInvalidDraftIsNotExported() throws {
        let tree = try HopsProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tree) }
        let input = """
            :new ops/broken
            :add first platform/notify.sh message=${{ steps.later.result }}
            :add later platform/no-such-script.ts
            :export \(tree.path)
            """
        let result = try HopsProcess.run([], input: input + "\n")
        #expect(result.status == 1)
        #expect(result.output.contains("error:"))
        #expect(result.output.contains("no-such-script.ts"))
        #expect(result.error.contains("nothing was written"))
        let written = FileManager.default.enumerator(atPath: tree.path)?.allObjects ?? []
        #expect(written.isEmpty)
    }

    @Test func composeTurnsPromptActionsIntoStepsWithReferences() throws {
        let tree = try HopsProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tree) }
        let input = """
            let x = sh("echo echo composed")
            let y = sh(x.stdout, {timeout: 5})
            y.stdout
            :compose ops/from-prompt
            :draft yaml
            :check
            :export \(tree.path)
            """
        let result = try HopsProcess.run([], input: input + "\n")
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.contains("\"composed\\n\""))
        #expect(result.output.contains("composed draft ops/from-prompt from 2 actions"))
        let text = try String(contentsOf: tree.appendingPathComponent("windmill/flows/ops/from-prompt.yaml"), encoding: .utf8)
        #expect(text.contains("script: hops:sh"))
        #expect(text.contains("command: echo echo composed"))
        #expect(text.contains("command: ${{ steps.x.result.stdout }}"))
        #expect(text.contains("timeout: 5"))
    }

    @Test func composeWithoutActionsSaysSo() throws {
        let result = try HopsProcess.run([], input: "1 + 1\n:compose nothing\n")
        #expect(result.status == 1)
        #expect(result.error.contains("no actions were run"))
    }
}
