import Foundation
import Yams

/// Reads flows from disk in either format: a seed `.yaml` file, a `flow.yaml`, or a `.flow` / `__flow` folder.
public enum FlowLoader {
    /// The flow at `path`; throws a `FlowLoadError` when anything in it is an error (warnings do not throw).
    public static func load(path: String, cache: FlowCache? = nil) throws -> Flow {
        let result = read(path: path, cache: cache)
        guard let flow = result.flow, result.errors.isEmpty else { throw FlowLoadError(diagnostics: result.diagnostics) }
        return flow
    }

    /// The flow at `path` as far as it can be read, with every diagnostic; never throws.
    ///
    /// With a `cache`, a reading kept there is used while the flow's text and every file the reading
    /// looked up are as they were; a new reading is kept there.
    public static func read(path: String, cache: FlowCache? = nil) -> FlowLoadResult {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            return failure("no such file or folder: \(path)", file: path)
        }
        var file = path
        if isDirectory.boolValue {
            file = (path as NSString).appendingPathComponent("flow.yaml")
            guard FileManager.default.fileExists(atPath: file) else {
                return failure("the folder \(path) holds no flow.yaml", file: path)
            }
        }
        guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8) else {
            return failure("cannot read \(file) as UTF-8 text", file: file)
        }
        guard let cache else { return read(text: text, file: file) }
        if let kept = cache.reading(of: file, text: text) { return kept }
        let source = YAMLSource(file: file, text: text)
        let result = read(source)
        cache.keep(result, of: file, text: text, lookups: source.files.lookups)
        return result
    }

    /// A flow from YAML text; `file` names it in diagnostics and anchors `!inline` files and script paths.
    public static func read(text: String, file: String) -> FlowLoadResult {
        read(YAMLSource(file: file, text: text))
    }

    private static func read(_ source: YAMLSource) -> FlowLoadResult {
        let file = source.file
        guard let root = source.root() else { return FlowLoadResult(flow: nil, diagnostics: source.diagnostics) }
        let folder = (file as NSString).deletingLastPathComponent
        var flow: Flow?
        if isSeed(root: root, file: file) {
            let scriptsRoot = ancestor(of: folder) { directory in
                source.files.isDirectory((directory as NSString).appendingPathComponent("scripts"))
            }.map { ($0 as NSString).appendingPathComponent("scripts") }
            flow = SeedReader(source: source, scriptsRoot: scriptsRoot).read(root)
            flow?.name = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
        } else {
            let treeRoot = windmillTreeRoot(above: folder, files: source.files)
            flow = OpenFlowReader(source: source, folder: folder, treeRoot: treeRoot).read(root)
            flow?.name = openFlowName(file: file, treeRoot: treeRoot)
            flow?.treeRoot = treeRoot
        }
        if let flow { ExpressionSyntaxCheck(source: source).check(flow) }
        return FlowLoadResult(flow: flow, diagnostics: source.diagnostics)
    }

    /// Seed flows have `steps`; OpenFlow documents have `value`.
    private static func isSeed(root: Node, file: String) -> Bool {
        if (file as NSString).lastPathComponent == "flow.yaml" { return false }
        guard case .mapping(let mapping) = root else { return false }
        let keys = Set(mapping.keys.compactMap(\.string))
        return keys.contains("steps") || !keys.contains("value")
    }

    private static func openFlowName(file: String, treeRoot: String?) -> String {
        var path = (file as NSString).lastPathComponent == "flow.yaml" ? (file as NSString).deletingLastPathComponent : file
        for suffix in [".flow.yaml", ".yaml", ".flow", "__flow"] where path.hasSuffix(suffix) {
            path = String(path.dropLast(suffix.count))
            break
        }
        let absolute = absolutePath(path)
        if let treeRoot, case let root = absolutePath(treeRoot) + "/", absolute.hasPrefix(root) {
            return String(absolute.dropFirst(root.count))
        }
        return (path as NSString).lastPathComponent
    }

    private static func absolutePath(_ path: String) -> String {
        let joined = path.hasPrefix("/") ? path : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path)
        return (joined as NSString).standardizingPath
    }

    /// The file or folder of the flow a `type: flow` step names: `f/x/name` as `name.flow`, `name__flow`
    /// or `name.yaml` under the tree root, else under the repository root (and its `windmill/flows/`).
    public static func locateFlow(_ path: String, treeRoot: String?, repositoryRoot: String?) -> String? {
        guard WindmillPaths.problem(with: path) == nil else { return nil }
        var candidates: [String] = []
        for root in [treeRoot, repositoryRoot].compactMap({ $0 }) {
            let base = (root as NSString).appendingPathComponent(path)
            candidates += [base + ".flow", base + "__flow", base + ".flow.yaml", base + ".yaml", base]
            candidates.append((root as NSString).appendingPathComponent("windmill/flows/" + path + ".yaml"))
        }
        return candidates.first { candidate in
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory) else { return false }
            return !isDirectory.boolValue
                || FileManager.default.fileExists(atPath: (candidate as NSString).appendingPathComponent("flow.yaml"))
        }
    }

    /// The folder holding `wmill.yaml` at or above `folder`; nil when there is none.
    public static func windmillTreeRoot(above folder: String) -> String? {
        windmillTreeRoot(above: folder, files: FileLookups())
    }

    private static func windmillTreeRoot(above folder: String, files: FileLookups) -> String? {
        ancestor(of: folder) { directory in files.fileExists((directory as NSString).appendingPathComponent("wmill.yaml")) }
    }

    /// The nearest folder from `folder` upwards that satisfies `test`.
    private static func ancestor(of folder: String, where test: (String) -> Bool) -> String? {
        var directory = absolutePath(folder.isEmpty ? "." : folder)
        while true {
            if test(directory) { return directory }
            let parent = (directory as NSString).deletingLastPathComponent
            if parent == directory || parent.isEmpty { return nil }
            directory = parent
        }
    }

    private static func failure(_ message: String, file: String) -> FlowLoadResult {
        FlowLoadResult(flow: nil, diagnostics: [FlowDiagnostic(.error, message, at: SourceLocation(file: file, line: 1, column: 1))])
    }
}
