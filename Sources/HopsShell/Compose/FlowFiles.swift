import Foundation

/// Finds the repository a command works in and the flows under its `windmill/` folder.
public enum FlowFiles {
    /// The nearest folder from `start` upwards that holds `windmill/` or `.git`; `start` itself when none does.
    public static func repositoryRoot(from start: String = FileManager.default.currentDirectoryPath) -> String {
        repositoryRoot(above: canonicalPath(start))
    }

    /// The repository a flow file or folder belongs to, found from the folder holding it.
    public static func repositoryRoot(ofFlowAt path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return repositoryRoot(above: (canonicalPath(absolute) as NSString).deletingLastPathComponent)
    }

    /// The nearest folder from `start` (canonical) upwards that holds `windmill` or `.git`; else `start`.
    private static func repositoryRoot(above start: String) -> String {
        var directory = start
        while true {
            for marker in ["windmill", ".git"] where FileManager.default.fileExists(atPath: (directory as NSString).appendingPathComponent(marker)) {
                return directory
            }
            let parent = (directory as NSString).deletingLastPathComponent
            if parent == directory || parent.isEmpty { return start }
            directory = parent
        }
    }

    /// `path` absolute, with its links, `.` and `..` resolved (`realpath`); standardized as Foundation
    /// does (`~` expanded, links resolved as far as they exist) when it does not exist. Foundation's
    /// way reads each link one by one and takes a millisecond at start-up, before a flow's first
    /// runtime can be started.
    public static func canonicalPath(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return (path as NSString).standardizingPath }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Every flow under `folder`: seed flows (`flows/**/*.yaml`) and wmill flows (`*.flow` and
    /// `*__flow` folders holding a `flow.yaml`), sorted by path.
    public static func flows(under folder: String) -> [String] {
        var found: [String] = []
        let manager = FileManager.default
        guard let enumerator = manager.enumerator(atPath: folder) else { return [] }
        while let relative = enumerator.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            let path = (folder as NSString).appendingPathComponent(relative)
            if name.hasPrefix(".") || name == "node_modules" {
                enumerator.skipDescendants()
                continue
            }
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
            if isDirectory.boolValue {
                if name.hasSuffix(".flow") || name.hasSuffix("__flow") {
                    if manager.fileExists(atPath: (path as NSString).appendingPathComponent("flow.yaml")) { found.append(path) }
                    enumerator.skipDescendants()
                }
                continue
            }
            let components = (relative as NSString).pathComponents
            if (name.hasSuffix(".yaml") || name.hasSuffix(".yml")), components.dropLast().contains("flows") {
                found.append(path)
            }
        }
        return found.sorted()
    }

    /// `path` relative to the current folder when it lies below it, else as given.
    public static func displayPath(_ path: String) -> String {
        let current = (FileManager.default.currentDirectoryPath as NSString).standardizingPath + "/"
        let standardized = (path as NSString).standardizingPath
        return standardized.hasPrefix(current) ? String(standardized.dropFirst(current.count)) : path
    }
}
