import Foundation
import HopsFlow
import HopsLang
import Yams

/// A tree in the wmill CLI's layout (`f/<folder>/<name>.flow/flow.yaml`, `<path>.<ext>` with
/// `<path>.script.yaml`), rooted at the folder holding `wmill.yaml`; read as `wmill sync push` reads it.
public struct WmillTree: Sendable {
    /// The folder holding `wmill.yaml`; Windmill paths are relative to it.
    public let root: String
    /// `deno` or `bun`: the language of a plain `.ts` script.
    public let defaultTs: String
    let includes: [String]
    let excludes: [String]

    /// Reads `<root>/wmill.yaml`.
    public init(root: String) throws(RemoteError) {
        self.root = (root as NSString).standardizingPath
        var defaultTs = "bun"
        var includes: [String] = []
        var excludes: [String] = []
        let file = (root as NSString).appendingPathComponent("wmill.yaml")
        if let text = try? String(contentsOfFile: file, encoding: .utf8) {
            guard case .object(let settings) = (try? Self.value(yaml: text, file: file, inlineBase: nil)) ?? .null else {
                throw RemoteError.refused("\(file): not a wmill.yaml mapping")
            }
            if case .string(let value)? = settings["defaultTs"] { defaultTs = value }
            if case .array(let items)? = settings["includes"] { includes = items.compactMap { if case .string(let s) = $0 { s } else { nil } } }
            if case .array(let items)? = settings["excludes"] { excludes = items.compactMap { if case .string(let s) = $0 { s } else { nil } } }
        }
        self.defaultTs = defaultTs
        self.includes = includes
        self.excludes = excludes
    }

    /// The wmill tree holding `path`: the nearest folder with `wmill.yaml` walking up to the
    /// repository root, else `<repository>/windmill` when it holds one.
    public static func find(from path: String) throws(RemoteError) -> WmillTree {
        let manager = FileManager.default
        var folder = (absolute(path) as NSString).standardizingPath
        var isDirectory: ObjCBool = false
        if !manager.fileExists(atPath: folder, isDirectory: &isDirectory) || !isDirectory.boolValue {
            folder = (folder as NSString).deletingLastPathComponent
        }
        var candidate = folder
        while true {
            if manager.fileExists(atPath: (candidate as NSString).appendingPathComponent("wmill.yaml")) {
                return try WmillTree(root: candidate)
            }
            let atRepositoryRoot = manager.fileExists(atPath: (candidate as NSString).appendingPathComponent(".git"))
            let windmill = (candidate as NSString).appendingPathComponent("windmill")
            if atRepositoryRoot || candidate == "/" {
                if manager.fileExists(atPath: (windmill as NSString).appendingPathComponent("wmill.yaml")) {
                    return try WmillTree(root: windmill)
                }
                break
            }
            candidate = (candidate as NSString).deletingLastPathComponent
        }
        throw RemoteError.refused("no wmill.yaml in \(folder) or above it: not a tree in the wmill layout")
    }

    /// `path` made absolute from the current folder.
    public static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }

    /// The Windmill path of a file or folder of the tree: `f/homeops/check_load` for
    /// `f/homeops/check_load.ts`, `f/homeops/system_health` for `f/homeops/system_health.flow`.
    public func windmillPath(of file: String) -> String? {
        let full = (Self.absolute(file) as NSString).standardizingPath
        guard full.hasPrefix(root + "/") else { return nil }
        var relative = String(full.dropFirst(root.count + 1))
        if relative.hasSuffix("/flow.yaml") { relative = String(relative.dropLast("/flow.yaml".count)) }
        for suffix in [".flow", "__flow", ".script.yaml", ".script.lock"] where relative.hasSuffix(suffix) {
            return String(relative.dropLast(suffix.count))
        }
        if let language = ScriptLanguages.language(ofFile: relative, defaultTs: defaultTs) {
            return String(relative.dropLast(language.extensionLength))
        }
        return relative
    }

    /// Whether a relative path is in the tree by `includes` and `excludes` (`dir/**` and `*` globs).
    func isIncluded(_ relative: String) -> Bool {
        if excludes.contains(where: { Self.matches(relative, $0) }) { return false }
        if includes.isEmpty {
            return ["u/", "f/", "g/"].contains { relative.hasPrefix($0) }
        }
        return includes.contains { Self.matches(relative, $0) }
    }

    static func matches(_ path: String, _ pattern: String) -> Bool {
        fnmatch(pattern.replacingOccurrences(of: "**", with: "*"), path, 0) == 0
    }

    /// `text` as a JSON value; `!inline FILE` (tag or string) replaced by the file's content, read
    /// from `inlineBase` (relative paths), or kept when `inlineBase` is nil.
    static func value(yaml text: String, file: String, inlineBase: String?) throws(RemoteError) -> Value {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch {
            throw RemoteError.refused("\(file): not valid YAML: \(error)")
        }
        guard let node else { return .null }
        return try value(node, file: file, inlineBase: inlineBase)
    }

    private static func value(_ node: Node, file: String, inlineBase: String?) throws(RemoteError) -> Value {
        switch node {
        case .scalar(let scalar):
            let tag = node.tag.rawValue
            if tag == "!inline" || (tag == Tag.Name.str.rawValue && scalar.string.hasPrefix("!inline ")) {
                guard let base = inlineBase else { return .string(scalar.string) }
                let name = scalar.string.hasPrefix("!inline ") ? String(scalar.string.dropFirst(8)) : scalar.string
                let path = (base as NSString).appendingPathComponent(name.trimmingCharacters(in: .whitespaces))
                guard let content = try? String(contentsOfFile: path, encoding: .utf8) else {
                    throw RemoteError.refused("\(file): the inline file \(name) is missing (\(path))")
                }
                return .string(content)
            }
            return node.scalarValue ?? .string(scalar.string)
        case .sequence(let sequence):
            var items: [Value] = []
            for item in sequence { items.append(try value(item, file: file, inlineBase: inlineBase)) }
            return .array(items)
        case .mapping(let mapping):
            var object = ObjectValue()
            for pair in mapping { object[pair.key.string ?? ""] = try value(pair.value, file: file, inlineBase: inlineBase) }
            return .object(object)
        case .alias:
            return .null
        }
    }
}

/// The languages of Windmill scripts by file extension, longest extension first.
enum ScriptLanguages {
    struct Match {
        let language: String
        let extensionLength: Int
    }

    static let byExtension: [(String, String)] = [
        (".deno.ts", "deno"), (".bun.ts", "bun"), (".fetch.ts", "nativets"), (".native.ts", "nativets"),
        (".pg.sql", "postgresql"), (".my.sql", "mysql"), (".bq.sql", "bigquery"), (".sf.sql", "snowflake"),
        (".ms.sql", "mssql"), (".odb.sql", "oracledb"), (".duckdb.sql", "duckdb"), (".playbook.yml", "ansible"),
        (".py", "python3"), (".go", "go"), (".sh", "bash"), (".ps1", "powershell"), (".php", "php"), (".rs", "rust"),
        (".cs", "csharp"), (".nu", "nu"), (".java", "java"), (".rb", "ruby"), (".r", "r"), (".gql", "graphql"),
    ]

    static func language(ofFile name: String, defaultTs: String) -> Match? {
        for (suffix, language) in byExtension where name.hasSuffix(suffix) {
            return Match(language: language, extensionLength: suffix.count)
        }
        if name.hasSuffix(".ts") { return Match(language: defaultTs, extensionLength: 3) }
        return nil
    }
}
