import Foundation
import HopsLang
import Testing

@testable import HopsFlow

/// Exports of hostile flows (module ids and `!inline` names that climb out, symbolic links that lead
/// out) write nothing outside the target tree; the tree writer refuses before the first file.
@Suite struct ExportContainmentTests {
    /// A sandbox `<tmp>/sandbox` with the export target three folders down, so that `../../..` still lands in it.
    struct Sandbox {
        let top: String
        var out: String { top + "/a/b/c/out" }

        init() throws {
            top = try TestPaths.temporaryFolder() + "/sandbox"
            try FileManager.default.createDirectory(atPath: top + "/a/b/c", withIntermediateDirectories: true)
            try "keep\n".write(toFile: top + "/victim.txt", atomically: true, encoding: .utf8)
        }

        /// Every file and link in the sandbox with its content (a link as its destination).
        func snapshot() -> [String: String] {
            var entries: [String: String] = [:]
            let manager = FileManager.default
            for relative in manager.enumerator(atPath: top)?.compactMap({ $0 as? String }) ?? [] {
                let path = top + "/" + relative
                if let destination = try? manager.destinationOfSymbolicLink(atPath: path) {
                    entries[relative] = "-> " + destination
                } else if let text = try? String(contentsOfFile: path, encoding: .utf8) {
                    entries[relative] = text
                } else {
                    entries[relative] = "(folder)"
                }
            }
            return entries
        }

        func remove() { try? FileManager.default.removeItem(atPath: (top as NSString).deletingLastPathComponent) }
    }

    static func bashStep(_ id: String, contentFile: String? = nil) -> FlowModule {
        FlowModule(id: id, value: .rawScript(RawScript(content: "echo pwned\n", language: "bash", contentFile: contentFile)))
    }

    static func flow(_ modules: [FlowModule]) -> Flow {
        var flow = Flow()
        flow.name = "f/ops/hostile"
        flow.format = .openFlow
        flow.modules = modules
        return flow
    }

    /// What the export throws, and the sandbox before and after it.
    func exportRefused(_ flow: Flow, in sandbox: Sandbox) -> (error: FlowExportError?, before: [String: String], after: [String: String]) {
        let before = sandbox.snapshot()
        var failure: FlowExportError?
        do {
            try FlowExporter.export(flow, format: .windmill, into: sandbox.out)
        } catch {
            failure = error
        }
        return (failure, before, sandbox.snapshot())
    }

    @Test(arguments: ["../../../../../x", "../x", "a/../../x", "/tmp/x"])
    func aModuleIdThatClimbsOutWritesNothing(id: String) throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let (error, before, after) = exportRefused(Self.flow([Self.bashStep("fine"), Self.bashStep(id)]), in: sandbox)
        let refusal = try #require(error)
        #expect(after == before, "the export wrote \(Set(after.keys).subtracting(before.keys))")
        #expect(!FileManager.default.fileExists(atPath: sandbox.out), "\(refusal)")
        #expect("\(refusal)".contains("nothing was written"), "\(refusal)")
    }

    @Test(arguments: ["../../../../x.sh", "../../../../../../victim.txt", "../other.flow/flow.yaml", "/etc/x.sh", "flow.yaml"])
    func anInlineFileOutsideTheFlowFolderWritesNothing(name: String) throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let (error, before, after) = exportRefused(Self.flow([Self.bashStep("step", contentFile: name)]), in: sandbox)
        let refusal = try #require(error)
        #expect(after == before, "the export wrote \(Set(after.keys).subtracting(before.keys))")
        #expect(try String(contentsOfFile: sandbox.top + "/victim.txt", encoding: .utf8) == "keep\n")
        if case .refused(let error) = refusal { #expect("\(error)".contains(name), "\(error)") }
    }

    @Test func aFolderLinkThatLeadsOutIsRefused() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        try FileManager.default.createDirectory(atPath: sandbox.top + "/elsewhere", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: sandbox.out + "/f", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: sandbox.out + "/f/ops", withDestinationPath: sandbox.top + "/elsewhere")
        let (error, before, after) = exportRefused(Self.flow([Self.bashStep("step")]), in: sandbox)
        guard case .refused(.outsideTree(_, let resolved, _))? = error else {
            Issue.record("expected a refusal for the link, got \(String(describing: error))")
            return
        }
        #expect(resolved.hasSuffix("/elsewhere/hostile.flow/flow.yaml"), "\(resolved)")
        #expect(after == before)
    }

    @Test func aFileLinkThatLeadsOutIsRefusedAndItsTargetKept() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let folder = sandbox.out + "/f/ops/hostile.flow"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: folder + "/step.inline_script.sh", withDestinationPath: sandbox.top + "/victim.txt")
        let (error, before, after) = exportRefused(Self.flow([Self.bashStep("step")]), in: sandbox)
        #expect(error != nil)
        #expect(after == before)
        #expect(try String(contentsOfFile: sandbox.top + "/victim.txt", encoding: .utf8) == "keep\n")
    }

    @Test func aDanglingLinkThatLeadsOutIsRefused() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let folder = sandbox.out + "/f/ops/hostile.flow"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: folder + "/flow.yaml", withDestinationPath: sandbox.top + "/planted.yaml")
        let (error, before, after) = exportRefused(Self.flow([Self.bashStep("step")]), in: sandbox)
        #expect(error != nil)
        #expect(after == before)
        #expect(!FileManager.default.fileExists(atPath: sandbox.top + "/planted.yaml"))
    }

    @Test func aLinkThatStaysInsideTheTreeIsFollowed() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        try FileManager.default.createDirectory(atPath: sandbox.out + "/linked", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: sandbox.out + "/f", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: sandbox.out + "/f/ops", withDestinationPath: "../linked")
        let written = try FlowExporter.export(Self.flow([Self.bashStep("step")]), format: .windmill, into: sandbox.out)
        #expect(written.count == 2)
        #expect(FileManager.default.fileExists(atPath: sandbox.out + "/linked/hostile.flow/flow.yaml"))
        #expect(try String(contentsOfFile: sandbox.out + "/linked/hostile.flow/step.inline_script.sh", encoding: .utf8) == "echo pwned\n")
    }

    @Test func aGroupOrNameThatClimbsOutIsRefused() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let flow = Self.flow([Self.bashStep("step")])
        for (group, name) in [("../../..", "x"), ("..", "x"), ("ops", "../x"), ("/etc", "x"), ("ops//x", "y")] {
            let before = sandbox.snapshot()
            #expect(throws: FlowExportError.self, "\(group) \(name)") {
                try FlowExporter.export(flow, format: .windmill, into: sandbox.out, group: group, name: name)
            }
            #expect(sandbox.snapshot() == before, "\(group) \(name)")
        }
    }

    @Test func theTreeWriterChecksEveryFileBeforeWritingAny() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let writer = TreeWriter(root: sandbox.out)
        #expect(throws: TreeWriteError.unsafeName(name: "../../x", folder: writer.root)) {
            try writer.write([("ok.txt", "fine"), ("../../x", "bad")])
        }
        #expect(!FileManager.default.fileExists(atPath: sandbox.out + "/ok.txt"))
        let written = try writer.write([("d/ok.txt", "fine")])
        #expect(written == [sandbox.out + "/d/ok.txt"])
        // A tree that does not exist yet is made, however deep.
        let deep = TreeWriter(root: sandbox.out + "/new/deeper/tree")
        #expect(try deep.write([("f/x.yaml", "x")]) == [sandbox.out + "/new/deeper/tree/f/x.yaml"])
        // A second write replaces the file and keeps its mode.
        chmod(written[0], 0o600)
        try writer.write([("d/ok.txt", "again")])
        #expect(try String(contentsOfFile: written[0], encoding: .utf8) == "again")
        let attributes = try FileManager.default.attributesOfItem(atPath: written[0])
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: sandbox.out + "/d") == ["ok.txt"])
    }
}
