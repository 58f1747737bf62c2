import Foundation
import HopsLang

/// `hops pull`: flows and scripts from the server, to be written into the tree in the wmill layout.
public enum RemotePull {
    /// A flow or script as the server has it.
    public struct Item: Sendable {
        public let kind: LocalItem.Kind
        public let path: String
        public let value: Value
    }

    /// The item at each Windmill path (a flow when there is one, else a script), scripts first.
    public static func fetch(_ client: WindmillClient, paths: [String]) throws(RemoteError) -> [Item] {
        var items: [Item] = []
        for path in paths {
            if let flow = try client.flow(at: path) {
                items.append(Item(kind: .flow, path: path, value: flow))
            } else if let script = try client.script(at: path) {
                items.append(Item(kind: .script, path: path, value: script))
            } else {
                throw RemoteError.refused("no flow or script at \(path) in workspace \(client.target.workspace)")
            }
        }
        // Scripts first: a flow is checked before it is written, and its scripts must be there.
        return items.filter { $0.kind == .script } + items.filter { $0.kind == .flow }
    }

    /// The flow.yaml text of a flow as the server sends it (JSON is YAML), for the flow loader.
    public static func flowDocument(_ value: Value) -> String {
        guard case .object(let object) = value else { return "{}" }
        var kept = ObjectValue()
        for key in ["summary", "description", "value", "schema"] { if let field = object[key] { kept[key] = field } }
        return Value.object(kept).jsonString(indent: 2) ?? "{}"
    }

    /// The files of a script in the wmill layout under `root`: `<path>.<ext>` and `<path>.script.yaml`.
    public static func scriptFiles(_ value: Value, path: String, root: String, defaultTs: String) -> [(path: String, text: String)] {
        let job = JobValue(value)
        let language = job.string("language") ?? "deno"
        let ext: String
        switch language {
        case defaultTs: ext = "ts"
        case "deno": ext = "deno.ts"
        case "bun": ext = "bun.ts"
        case "nativets": ext = "fetch.ts"
        default: ext = ScriptLanguages.byExtension.first { $0.1 == language }.map { String($0.0.dropFirst()) } ?? language
        }
        var metadata = ObjectValue([
            ("summary", .string(job.string("summary") ?? "")), ("description", .string(job.string("description") ?? "")),
            ("lock", .string(job.string("lock") ?? "")), ("kind", .string(job.string("kind") ?? "script")),
        ])
        metadata["schema"] = job["schema"] ?? .object(ObjectValue())
        let base = (root as NSString).appendingPathComponent(path)
        return [
            (base + "." + ext, job.string("content") ?? ""),
            (base + ".script.yaml", (Value.object(metadata).jsonString(indent: 2) ?? "{}") + "\n"),
        ]
    }
}
