import Foundation

/// Why a file was not written into a tree.
public enum TreeWriteError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The name would leave its folder: `..`, an absolute path, an empty or NUL-holding component.
    case unsafeName(name: String, folder: String)
    /// The path, once its symbolic links are followed, lies outside the tree.
    case outsideTree(path: String, resolved: String, tree: String)
    /// Something that is not a folder stands where a folder must be, or a folder where the file goes.
    case notAFolder(String)
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case .unsafeName(let name, let folder):
            "refusing to write '\(name)': the name leaves \(folder) (only plain names below it are written)"
        case .outsideTree(let path, let resolved, let tree):
            "refusing to write \(path): it leads to \(resolved) through a symbolic link, outside \(tree)"
        case .notAFolder(let path): "cannot write below \(path): it is not a folder"
        case .writeFailed(let path, let reason): "cannot write \(path): \(reason)"
        }
    }
}

/// Writes files below one folder and nowhere else: every writer of hops goes through it.
///
/// A name is refused when it leaves its folder (`..`, an absolute path), and a path is refused when
/// a symbolic link on the way, or the file itself, leads outside the tree. All files of one write are
/// checked before the first is written, so a refused write leaves the tree as it was. Each file is
/// replaced atomically (a temporary file beside it, then a rename that replaces a link rather than
/// following it).
public struct TreeWriter: Sendable {
    /// The tree as given, made absolute.
    public let root: String
    /// The tree with its own symbolic links followed: what every target must lie below.
    let resolvedRoot: String

    public init(root: String) {
        let absolute = root.hasPrefix("/") ? root : FileManager.default.currentDirectoryPath + "/" + root
        self.root = (absolute as NSString).standardizingPath
        resolvedRoot = Self.resolvingExistingPrefix(self.root)
    }

    /// Refuses a relative name that would leave the folder it is written in; `folder` names that folder in the error.
    public static func checkName(_ name: String, in folder: String) throws(TreeWriteError) {
        let components = name.split(separator: "/", omittingEmptySubsequences: false)
        guard !name.isEmpty, !name.hasPrefix("/"), !name.contains("\0"),
            components.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." })
        else { throw .unsafeName(name: name, folder: folder) }
    }

    /// The absolute path of `relative` in the tree, after checking that it stays inside, links followed.
    public func target(_ relative: String) throws(TreeWriteError) -> String {
        try Self.checkName(relative, in: root)
        let path = root + "/" + relative
        try checkInside(path)
        return path
    }

    /// Checks every file (relative paths), then writes them all; returns their absolute paths.
    @discardableResult
    public func write(_ files: [(path: String, text: String)]) throws(TreeWriteError) -> [String] {
        var targets: [String] = []
        for file in files { targets.append(try target(file.path)) }
        // The tree itself is where the caller chose to write: it is made as it is named.
        do {
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        } catch {
            throw .writeFailed(path: root, reason: error.localizedDescription)
        }
        for (target, file) in zip(targets, files) {
            try createFolders(for: target)
            // A link may have appeared since the check; look again just before writing.
            try checkInside(target)
            try Self.replace(target, with: Data(file.text.utf8))
        }
        return targets
    }

    /// The path of `path` (absolute, or relative to the current folder) below the tree, when it is below it.
    public func relative(_ path: String) -> String? {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        let standardized = (absolute as NSString).standardizingPath
        guard standardized.hasPrefix(root + "/") else { return nil }
        return String(standardized.dropFirst(root.count + 1))
    }

    /// Throws when `path`, with the links of its existing part followed, is not below the resolved tree.
    private func checkInside(_ path: String) throws(TreeWriteError) {
        let resolved = Self.resolvingExistingPrefix(path)
        guard resolved == resolvedRoot || resolved.hasPrefix(resolvedRoot == "/" ? "/" : resolvedRoot + "/") else {
            throw .outsideTree(path: path, resolved: resolved, tree: root)
        }
    }

    /// Creates the folders above `path` one by one, refusing a file where a folder must be.
    private func createFolders(for path: String) throws(TreeWriteError) {
        let folder = (path as NSString).deletingLastPathComponent
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) {
            guard isFolder.boolValue else { throw .notAFolder(folder) }
            return
        }
        try createFolders(for: folder)
        if mkdir(folder, 0o755) != 0, errno != EEXIST {
            throw .writeFailed(path: folder, reason: String(cString: strerror(errno)))
        }
        try checkInside(folder)
    }

    /// Writes `data` over `path`, keeping the mode of the file it replaces (0644 for a new one).
    private static func replace(_ path: String, with data: Data) throws(TreeWriteError) {
        var status = stat()
        if lstat(path, &status) == 0, (status.st_mode & S_IFMT) == S_IFDIR { throw .notAFolder(path) }
        let mode = lstat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFREG ? mode_t(status.st_mode & 0o777) : 0o644
        if let failure = replaceFile(path, with: data, mode: mode) { throw .writeFailed(path: path, reason: failure) }
    }

    /// `path` with the links of its longest existing prefix followed; the rest appended as it is.
    static func resolvingExistingPrefix(_ path: String, depth: Int = 0) -> String {
        var existing = path
        var rest: [String] = []
        while true {
            if let resolved = realpath(existing, nil) {
                defer { free(resolved) }
                let base = String(cString: resolved)
                return rest.isEmpty ? base : (base == "/" ? "" : base) + "/" + rest.reversed().joined(separator: "/")
            }
            // A dangling link is not followed by realpath: read it and go on from its target.
            var status = stat()
            if depth < 40, lstat(existing, &status) == 0, (status.st_mode & S_IFMT) == S_IFLNK,
                let destination = try? FileManager.default.destinationOfSymbolicLink(atPath: existing)
            {
                let parent = (existing as NSString).deletingLastPathComponent
                let target = destination.hasPrefix("/") ? destination : parent + "/" + destination
                return resolvingExistingPrefix(((target as NSString).standardizingPath as NSString)
                    .appendingPathComponent(rest.reversed().joined(separator: "/")), depth: depth + 1)
            }
            let parent = (existing as NSString).deletingLastPathComponent
            if parent == existing || parent.isEmpty { return path }
            rest.append((existing as NSString).lastPathComponent)
            existing = parent
        }
    }
}
