import Foundation
import Testing

/// The writers of the `hops` binary (`export`, `run --update`) write nothing outside their tree,
/// whatever ids, `!inline` names and symbolic links a hostile flow or tree holds.
@Suite struct WriterContainmentTests {
    /// Every file below `folder` with its content.
    func files(under folder: URL) -> [String: String] {
        var entries: [String: String] = [:]
        for relative in FileManager.default.enumerator(atPath: folder.path)?.compactMap({ $0 as? String }) ?? [] {
            let path = folder.appendingPathComponent(relative).path
            entries[relative] = (try? String(contentsOfFile: path, encoding: .utf8)) ?? "(folder)"
        }
        return entries
    }

    @Test(arguments: [
        ("'../../../../../x'", "echo hi"),
        ("a", "'!inline ../../../../x.sh'"),
        ("a", "'!inline ../sibling.flow/flow.yaml'"),
    ])
    func exportOfAHostileFlowWritesNothingOutsideOut(id: String, content: String) throws {
        let top = try HopsProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: top) }
        let source = top.appendingPathComponent("in/d/e/hostile.flow")
        try FileManager.default.createDirectory(at: source, withIntermediateDirectories: true)
        try "echo pwned\n".write(to: top.appendingPathComponent("in/x.sh"), atomically: true, encoding: .utf8)
        try """
            summary: hostile
            value:
              modules:
                - id: \(id)
                  value:
                    type: rawscript
                    language: bash
                    content: \(content)
                    input_transforms: {}
            schema:
              type: object
              properties: {}
            """.write(to: source.appendingPathComponent("flow.yaml"), atomically: true, encoding: .utf8)
        let out = top.appendingPathComponent("o1/o2/o3/o4/o5/out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let before = files(under: top)
        let result = try HopsProcess.run(["export", source.path, "--to", "windmill", "--out", out.path, "--group", "ops"])
        let after = files(under: top)
        let outside = after.filter { !$0.key.hasPrefix("o1/o2/o3/o4/o5/out/") && before[$0.key] != $0.value }
        #expect(outside.isEmpty, "written outside --out: \(outside.keys.sorted())\n\(result.output)\(result.error)")
        // Whatever the loader makes of the file, the export either refuses it or keeps every file in its flow folder.
        let inside = after.keys.filter { $0.hasPrefix("o1/o2/o3/o4/o5/out/") && after[$0] != "(folder)" }
        for path in inside { #expect(path.hasPrefix("o1/o2/o3/o4/o5/out/f/ops/hostile.flow/"), "\(path)") }
        if result.status == 0 {
            #expect(!inside.isEmpty, "\(result.output)")
        } else {
            #expect(inside.isEmpty)
            #expect(result.error.contains("error"), "\(result.error)")
        }
    }

    @Test func notebookUpdateThroughALinkThatLeadsOutIsRefused() throws {
        let top = try HopsProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: top) }
        let repository = top.appendingPathComponent("repo")
        try FileManager.default.createDirectory(at: repository.appendingPathComponent(".git"), withIntermediateDirectories: true)
        let outsideNotebook = top.appendingPathComponent("elsewhere.hops")
        try "1 + 1\n".write(to: outsideNotebook, atomically: true, encoding: .utf8)
        let link = repository.appendingPathComponent("notes.hops")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: outsideNotebook)
        let result = try HopsProcess.run(
            ["run", link.path, "--update"], environment: ["HOPS_STORE": top.appendingPathComponent("runs.db").path])
        #expect(result.status != 0)
        #expect(result.error.contains("refusing to write"), "\(result.error)")
        #expect(try String(contentsOf: outsideNotebook, encoding: .utf8) == "1 + 1\n")

        // The same notebook inside the repository is written back.
        try FileManager.default.removeItem(at: link)
        try "1 + 1\n".write(to: link, atomically: true, encoding: .utf8)
        let inside = try HopsProcess.run(
            ["run", link.path, "--update"], environment: ["HOPS_STORE": top.appendingPathComponent("runs.db").path])
        #expect(inside.status == 0, "\(inside.error)")
        #expect(try String(contentsOf: link, encoding: .utf8).contains("# => 2"))
    }
}
