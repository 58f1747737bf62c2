import Foundation

/// What Windmill accepts as module ids and as script and flow paths, and where files named in a flow may lie.
public enum WindmillPaths {
    /// Why a module id cannot be used, or nil: ids name results (`results.<id>`) and inline files.
    public static func idProblem(_ id: String) -> String? {
        guard let first = id.unicodeScalars.first else { return "is empty" }
        if !identifierStart.contains(first) || !id.unicodeScalars.dropFirst().allSatisfy(identifierRest.contains) {
            return "is not an identifier (letters, digits and _, not starting with a digit), as Windmill requires"
        }
        return nil
    }

    private static let identifierStart = CharacterSet.letters.union(CharacterSet(charactersIn: "_$"))
    private static let identifierRest = identifierStart.union(.decimalDigits)

    /// Why a script or flow path cannot name anything in a tree, or nil.
    public static func problem(with path: String) -> String? {
        if path.hasPrefix("hops:") { return nil }
        if path.hasPrefix("/") { return "is absolute; Windmill paths are relative to the workspace (f/folder/name)" }
        if path.contains("\\") || path.unicodeScalars.contains(where: { $0.value < 0x20 }) {
            return "has a backslash or a control character"
        }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        if parts.contains(where: { $0 == ".." || $0 == "." }) { return "has a '.' or '..' part" }
        if parts.contains(where: \.isEmpty) { return "has an empty part (// or a trailing /)" }
        return nil
    }

    /// Whether the path starts as Windmill's do: user, folder, group, hub (or a hops built-in action).
    public static func hasKnownPrefix(_ path: String) -> Bool {
        ["u/", "f/", "g/", "hub/", "hops:"].contains { path.hasPrefix($0) }
    }

    public enum Containment: Equatable {
        case inside, insideTree, outside
    }

    /// Where `file` lies (symbolic links followed by `real`): inside `folder`, elsewhere inside `tree`, or outside both.
    static func containment(of file: String, in folder: String, tree: String?, real: (String) -> String) -> Containment {
        let resolved = real(file)
        if isInside(resolved, real(folder)) { return .inside }
        if let tree, isInside(resolved, real(tree)) { return .insideTree }
        return .outside
    }

    /// The absolute path with `.`, `..` and symbolic links resolved as far as the file system has them.
    static func real(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return URL(fileURLWithPath: absolute).standardizedFileURL.resolvingSymlinksInPath().path
    }

    private static func isInside(_ path: String, _ folder: String) -> Bool {
        path == folder || path.hasPrefix(folder.hasSuffix("/") ? folder : folder + "/")
    }
}
