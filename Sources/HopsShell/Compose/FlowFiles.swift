import Foundation

/// Finds the repository a command works in and the flows under its `windmill/` folder.
public enum FlowFiles {
    /// The nearest folder from `start` upwards that holds `windmill/` or `.git`; `start` itself when none does.
    public static func repositoryRoot(from start: String = FileManager.default.currentDirectoryPath) -> String {
        var directory = (start as NSString).standardizingPath
        while true {
            for marker in ["windmill", ".git"] where FileManager.default.fileExists(atPath: (directory as NSString).appendingPathComponent(marker)) {
                return directory
            }
            let parent = (directory as NSString).deletingLastPathComponent
            if parent == directory || parent.isEmpty { return (start as NSString).standardizingPath }
            directory = parent
        }
    }

    /// The repository a flow file or folder belongs to, found from the folder holding it.
    public static func repositoryRoot(ofFlowAt path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return repositoryRoot(from: ((absolute as NSString).standardizingPath as NSString).deletingLastPathComponent)
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
