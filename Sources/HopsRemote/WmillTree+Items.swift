import Foundation
import HopsLang

/// A script or flow of the tree, with the fields `wmill sync push` sends for it.
public struct LocalItem: Sendable {
    public enum Kind: String, Sendable {
        case script, flow
    }

    public let kind: Kind
    /// The Windmill path, e.g. `f/homeops/check_load`.
    public let path: String
    /// The file or folder it was read from.
    public let file: String
    /// The fields compared with the server's copy and sent: inline files read in, no `path`.
    public let fields: ObjectValue
}

extension WmillTree {
    /// Every script and flow under `paths` (the whole tree when empty), scripts first, each kind by path.
    public func items(under paths: [String] = []) throws(RemoteError) -> [LocalItem] {
        let selected = paths.map { (Self.absolute($0) as NSString).standardizingPath }
        for (given, path) in zip(paths, selected) where !FileManager.default.fileExists(atPath: path) {
            throw RemoteError.refused("\(given): no such file or folder")
        }
        var scripts: [LocalItem] = []
        var flows: [LocalItem] = []
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
        func isSelected(_ full: String) -> Bool {
            selected.isEmpty || selected.contains { full == $0 || full.hasPrefix($0 + "/") }
        }
        while let relative = walker.nextObject() as? String {
            let full = root + "/" + relative
            let name = (relative as NSString).lastPathComponent
            let isFlowFolder = name.hasSuffix(".flow") || name.hasSuffix("__flow")
            if isFlowFolder { walker.skipDescendants() }
            // A flow is also selected by a file inside its folder (its flow.yaml).
            if isFlowFolder, isIncluded(relative + "/flow.yaml"), isSelected(full) || selected.contains(where: { $0.hasPrefix(full + "/") }),
                FileManager.default.fileExists(atPath: full + "/flow.yaml")
            {
                flows.append(try flow(folder: full))
            } else if name.hasSuffix(".script.yaml"), isIncluded(relative),
                // A script is also selected by its content file.
                isSelected(full) || selected.contains(where: { windmillPath(of: $0) == windmillPath(of: full) })
            {
                scripts.append(try script(metadata: full))
            }
        }
        return scripts.sorted { $0.path < $1.path } + flows.sorted { $0.path < $1.path }
    }

    /// The flow in `folder` (`….flow` or `…__flow`): flow.yaml with its `!inline` files read in.
    public func flow(folder: String) throws(RemoteError) -> LocalItem {
        let file = folder + "/flow.yaml"
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            throw RemoteError.refused("\(file): cannot read it")
        }
        guard case .object(let fields) = try Self.value(yaml: text, file: file, inlineBase: folder) else {
            throw RemoteError.refused("\(file): not a flow (a mapping with value)")
        }
        guard let path = windmillPath(of: folder) else { throw RemoteError.refused("\(folder) is outside \(root)") }
        if case .object(let value)? = fields["value"] { try Self.checkStepPaths(value, file: file) }
        return LocalItem(kind: .flow, path: path, file: folder, fields: fields)
    }

    /// The script described by `metadata` (`<path>.script.yaml`) with its content and lock.
    func script(metadata: String) throws(RemoteError) -> LocalItem {
        guard let text = try? String(contentsOfFile: metadata, encoding: .utf8) else {
            throw RemoteError.refused("\(metadata): cannot read it")
        }
        var fields = ObjectValue()
        if case .object(let object) = try Self.value(yaml: text, file: metadata, inlineBase: root) { fields = object }
        let base = String(metadata.dropLast(".script.yaml".count))
        let folder = (base as NSString).deletingLastPathComponent
        let stem = (base as NSString).lastPathComponent
        let siblings = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        let contentFile = siblings.sorted().first { name in
            name.hasPrefix(stem + ".") && !name.hasSuffix(".yaml") && !name.hasSuffix(".lock")
                && ScriptLanguages.language(ofFile: name, defaultTs: defaultTs)?.extensionLength == name.count - stem.count
        }
        guard let contentFile, let match = ScriptLanguages.language(ofFile: contentFile, defaultTs: defaultTs),
            let content = try? String(contentsOfFile: folder + "/" + contentFile, encoding: .utf8)
        else {
            throw RemoteError.refused("\(metadata): no content file \(stem).<ext> beside it")
        }
        guard let path = windmillPath(of: base) else { throw RemoteError.refused("\(metadata) is outside \(root)") }
        var body = ObjectValue([
            ("summary", fields["summary"] ?? .string("")), ("description", fields["description"] ?? .string("")),
            ("content", .string(content)), ("language", .string(match.language)),
        ])
        for (key, value) in fields.entries where body[key] == nil { body[key] = value }
        return LocalItem(kind: .script, path: path, file: metadata, fields: body)
    }

    /// wmill refuses a `script` or `flow` step whose path is not under u/, f/, g/ or hub/.
    static func checkStepPaths(_ value: ObjectValue, file: String) throws(RemoteError) {
        var problem: String?
        func walk(_ node: Value) {
            switch node {
            case .object(let object):
                if case .string(let type)? = object["type"], type == "script" || type == "flow",
                    case .string(let path)? = object["path"],
                    !["u/", "f/", "g/", "hub/"].contains(where: { path.hasPrefix($0) })
                {
                    problem = problem ?? path
                }
                for (_, child) in object.entries { walk(child) }
            case .array(let items): items.forEach(walk)
            default: break
            }
        }
        walk(.object(value))
        if let problem {
            throw RemoteError.refused("\(file): step path \(problem) is not under u/, f/, g/ or hub/; Windmill would not find it")
        }
    }
}

extension Value {
    /// Whether every field of `self` is in `other` with the same value, as wmill's `isSuperset`
    /// decides "nothing to push"; an empty string or null matches a missing field.
    func isContained(in other: Value?) -> Bool {
        switch (self, other) {
        case (.object(let mine), .object(let theirs)?):
            return mine.entries.allSatisfy { key, value in value.isContained(in: theirs[key]) }
        case (.array(let mine), .array(let theirs)?):
            return mine.count == theirs.count && zip(mine, theirs).allSatisfy { $0.isContained(in: $1) }
        case (.null, nil), (.null, .null?), (.undefined, _): return true
        case (.string(""), nil), (.string(""), .null?): return true
        case (.string(let a), .string(let b)?): return a == b
        case (.number(let a), .number(let b)?): return a == b
        case (.bool(let a), .bool(let b)?): return a == b
        default: return false
        }
    }
}
