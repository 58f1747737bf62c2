import Foundation
import HopsStore

/// Opens the run store a flow run records into: the one place that picks the file.
public enum FlowRunStore {
    /// The store at `path` (`--store`), else `HOPS_STORE`, else `<repositoryRoot>/.hops/hops.db`;
    /// created when missing.
    public static func open(path: String?, repositoryRoot: String) throws -> RunStore {
        try StoreLocation.open(option: path, near: repositoryRoot)
    }

    /// The repository a flow belongs to: the nearest folder above it holding `windmill/` or `.git`.
    public static func repositoryRoot(ofFlowAt path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return FlowFiles.repositoryRoot(from: ((absolute as NSString).standardizingPath as NSString).deletingLastPathComponent)
    }
}
