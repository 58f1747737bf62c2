import Foundation
import HopsStore

/// Where a command's run store is, and opening it: the one place every command and prompt command asks.
///
/// The store is `--store PATH` when given, else `HOPS_STORE`, else `<repository>/.hops/hops.db`,
/// the repository being the nearest folder holding `.git` above the flow or notebook a command
/// works on, or above the current folder.
public enum StoreLocation {
    /// The store file for a command given `--store` (or nil), working near `file` (a flow or notebook; nil for the current folder).
    public static func path(option: String?, near file: String? = nil) -> String {
        if let option, !option.isEmpty { return option }
        return RunStore.defaultPath(repositoryRoot: repositoryRoot(near: file))
    }

    /// The nearest folder holding `.git` at or above `file`'s folder (or the current folder);
    /// without one, the folder `FlowFiles.repositoryRoot` finds (one holding `windmill/`, else the start).
    public static func repositoryRoot(near file: String? = nil) -> String {
        let current = FileManager.default.currentDirectoryPath
        var start = current
        if let file {
            let absolute = file.hasPrefix("/") ? file : (current as NSString).appendingPathComponent(file)
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: absolute, isDirectory: &isDirectory)
            start = exists && isDirectory.boolValue ? absolute : (absolute as NSString).deletingLastPathComponent
        }
        var directory = FlowFiles.canonicalPath(start)
        while true {
            if FileManager.default.fileExists(atPath: (directory as NSString).appendingPathComponent(".git")) {
                return directory
            }
            let parent = (directory as NSString).deletingLastPathComponent
            if parent == directory || parent.isEmpty { return FlowFiles.repositoryRoot(from: start) }
            directory = parent
        }
    }

    /// Opens the store, creating it when missing.
    ///
    /// Throws `RunStoreError` (corrupt, newer schema, unreadable): its description names the file and what to do.
    public static func open(option: String?, near file: String? = nil) throws -> RunStore {
        try RunStore.open(path: path(option: option, near: file))
    }

    /// Opens the store only when its file exists: for commands that read and must not create one.
    public static func openExisting(option: String?, near file: String? = nil) throws -> RunStore? {
        let file = path(option: option, near: file)
        guard FileManager.default.fileExists(atPath: file) else { return nil }
        return try RunStore.open(path: file)
    }
}
