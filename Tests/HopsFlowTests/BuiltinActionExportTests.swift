import Foundation
import HopsLang
import Testing

@testable import HopsFlow

/// Steps made with hops's built-in actions (`hops:sh`, `hops:http.*`) export to the wmill layout as
/// inline scripts Windmill runs; the check reads their parameters from those same scripts.
@Suite struct BuiltinActionExportTests {
    static let seedFlow = """
        summary: built-in actions
        inputs:
          - name: base
            type: string
            default: http://127.0.0.1:9/api
        steps:
          - id: disk
            script: hops:sh
            args:
              command: df -P /
          - id: report
            script: hops:http.post
            args:
              url: ${{ `${inputs.base}/report` }}
              headers: {"Content-Type": "application/json"}
              body: '${{ ({size: steps.disk.result.stdout.length}) }}'
            timeout: 10
          - id: each
            for_each: ${{ ["/", "/tmp"] }}
            script: hops:sh
            args:
              command: ${{ `du -s ${item}` }}

        """

    /// A seed tree holding the flow above; returns the tree and the flow's file.
    func seedTree(_ text: String = seedFlow) throws -> (tree: String, file: String) {
        let tree = try TestPaths.temporaryFolder()
        let folder = tree + "/windmill/flows/ops"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try text.write(toFile: folder + "/actions.yaml", atomically: true, encoding: .utf8)
        return (tree, folder + "/actions.yaml")
    }

    @Test func actionsExportAsInlineScriptsThatValidateAndLoadBackTheSame() throws {
        let (tree, file) = try seedTree()
        defer { try? FileManager.default.removeItem(atPath: tree) }
        let flow = try FlowLoader.load(path: file)
        let out = tree + "/out"
        let written = try FlowExporter.export(flow, format: .windmill, into: out)
        let names = written.map { ($0 as NSString).lastPathComponent }
        #expect(names == ["flow.yaml", "disk.inline_script.sh", "each_item.inline_script.sh", "report.inline_script.ts"]
            || names.sorted() == ["disk.inline_script.sh", "each_item.inline_script.sh", "flow.yaml", "report.inline_script.ts"], "\(names)")

        let flowYAML = try String(contentsOfFile: written[0], encoding: .utf8)
        #expect(!flowYAML.contains("hops:"), "\(flowYAML)")
        #expect(flowYAML.contains("language: bash") && flowYAML.contains("language: deno"))
        let validation = try ExportTests().validateAgainstOpenFlowSchema(written[0])
        #expect(validation.status == 0, "\(validation.output)")

        let folder = (written[0] as NSString).deletingLastPathComponent
        let bash = try String(contentsOfFile: folder + "/disk.inline_script.sh", encoding: .utf8)
        #expect(bash.hasPrefix("# hops:sh as an inline script") && bash.contains("command=\"$1\""))
        let deno = try String(contentsOfFile: folder + "/report.inline_script.ts", encoding: .utf8)
        #expect(deno.contains("method: \"POST\"") && deno.contains("export async function main(url: string"))

        // Loaded back, it is the flow the export wrote, and writing it again gives the same files.
        let reloaded = try FlowLoader.load(path: folder)
        var expected = flow.replacingBuiltinActions().translatingNames(to: .openFlow)
        expected.description = expected.description ?? ""
        #expect(reloaded == expected)
        let again = try FlowExporter.export(reloaded, format: .windmill, into: tree + "/again", group: "ops", name: "actions")
        #expect(again.count == written.count)
        for (first, second) in zip(written.sorted(), again.sorted()) {
            #expect(try String(contentsOfFile: first, encoding: .utf8) == String(contentsOfFile: second, encoding: .utf8), "\(second)")
        }
        // hops:sh keeps the time limit hops gives it; a step's own limit wins.
        let timeouts = reloaded.allModules.filter { if case .rawScript = $0.value { true } else { false } }.map { $0.timeout?.staticValue?.jsonString() }
        #expect(timeouts == ["60", "10", "60"], "\(timeouts)")
    }

    @Test func theSeedExportKeepsTheActions() throws {
        let (tree, file) = try seedTree()
        defer { try? FileManager.default.removeItem(atPath: tree) }
        let written = try FlowExporter.export(try FlowLoader.load(path: file), format: .seed, into: tree + "/out")
        let text = try String(contentsOfFile: written[0], encoding: .utf8)
        #expect(text.contains("script: hops:sh") && text.contains("script: hops:http.post"))
    }

    @Test func checkReadsTheActionsParametersFromTheirScripts() throws {
        let text = """
            summary: wrong actions
            steps:
              - id: fetch
                script: hops:http.get
                args:
                  link: http://127.0.0.1:9/
              - id: send
                script: hops:http.put
                args:
                  url: http://127.0.0.1:9/
                  body: {"a": 1}
              - id: frob
                script: hops:frobnicate
                args: {}

            """
        let (tree, file) = try seedTree(text)
        defer { try? FileManager.default.removeItem(atPath: tree) }
        let report = FlowChecker.check(try FlowLoader.load(path: file), repositoryRoot: tree)
        let messages = report.errors.map(\.message)
        #expect(messages.contains { $0.contains("passes 'link', which main of 'hops:http.get' does not take (parameters: url, headers, timeout)") }, "\(messages)")
        #expect(messages.contains { $0.contains("does not pass 'url', a required parameter of main of 'hops:http.get'") }, "\(messages)")
        #expect(!messages.contains { $0.contains("'send'") }, "\(messages)")
        #expect(messages.contains { $0.contains("'hops:frobnicate', which is not a built-in action of hops") }, "\(messages)")
        #expect(messages.count == 3, "\(messages)")
    }
}
