import Foundation
import HopsFlow
import HopsStore

/// Writes a checked flow into a tree, optionally committed on a new branch: what `:export` and
/// `hops export` share. A flow that fails check throws `FlowExportError.checkFailed`.
public enum FlowExport {
    /// Exports `flow`; returns the lines to print: each written path, then the commit.
    public static func run(
        _ flow: Flow, format: ExportFormat, into tree: String?, branch: String?, group: String?, name: String?
    ) throws -> [String] {
        let root = FlowFiles.repositoryRoot()
        // The wmill layout's root is the folder holding `f/`: `windmill/` of the repository.
        let tree = tree ?? (format == .windmill ? (root as NSString).appendingPathComponent("windmill") : root)
        // A flow composed at the prompt may hold a secret's value where its reference belongs: refused,
        // as masking it would write a broken flow into a tree that is committed.
        let files = try FlowExporter.render(flow, format: format, into: tree, group: group, name: name, repositoryRoot: root)
        if let leaking = files.first(where: { SecretMask.redact($0.text) != $0.text }) {
            throw SecretInExport(path: FlowFiles.displayPath(leaking.path))
        }
        guard let branch else {
            let written = try FlowExporter.export(
                flow, format: format, into: tree, group: group, name: name, repositoryRoot: root)
            return written.map { "wrote \(FlowFiles.displayPath($0))" }
        }
        let result = try FlowExporter.exportOnBranch(
            flow, format: format, into: tree, branch: branch, publisher: GitPublisher(repositoryRoot: tree),
            group: group, name: name, repositoryRoot: root)
        return result.paths.map { "wrote \(FlowFiles.displayPath($0))" }
            + ["committed \(String(result.commit.prefix(12))) on branch \(branch)"]
    }
}

/// An export refused because the flow holds the value of a secret hops has resolved.
public struct SecretInExport: Error, CustomStringConvertible {
    public var path: String
    public var description: String {
        "not exported: \(path) would hold the value of a secret; write its reference ($var:path or $res:path) instead"
    }
}
