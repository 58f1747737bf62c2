import Foundation
import HopsFlow
import HopsLang

/// `hops push`: scripts then flows to the server, created or updated by path, nothing sent for an
/// item equal to the server's copy; the bodies are those `wmill sync push` sends.
public struct Push {
    public enum Change: String, Sendable {
        case create, update, unchanged
    }

    public struct Action: Sendable {
        public let item: LocalItem
        public let change: Change
        /// The server's current hash of a script to update (its `parent_hash`).
        let parentHash: String?
    }

    public let client: WindmillClient
    public let tree: WmillTree

    public init(client: WindmillClient, tree: WmillTree) {
        self.client = client
        self.tree = tree
    }

    /// The flows among `items` that `hops check` finds errors in, with the report of each.
    public static func checkErrors(_ items: [LocalItem], repositoryRoot: String) -> [(LocalItem, FlowCheckReport)] {
        items.filter { $0.kind == .flow }.compactMap { item in
            let report = FlowChecker.check(path: item.file, repositoryRoot: repositoryRoot)
            return report.hasErrors ? (item, report) : nil
        }
    }

    /// What would be sent: each item compared with the server's copy.
    public func plan(_ items: [LocalItem]) throws(RemoteError) -> [Action] {
        var actions: [Action] = []
        for item in items {
            switch item.kind {
            case .script:
                guard let remote = try client.script(at: item.path) else {
                    actions.append(Action(item: item, change: .create, parentHash: nil))
                    continue
                }
                var hash: String?
                if case .object(let object) = remote, case .string(let value)? = object["hash"] { hash = value }
                let same = Value.object(item.fields).isContained(in: remote)
                actions.append(Action(item: item, change: same ? .unchanged : .update, parentHash: hash))
            case .flow:
                guard let remote = try client.flow(at: item.path) else {
                    actions.append(Action(item: item, change: .create, parentHash: nil))
                    continue
                }
                let same = Value.object(item.fields).isContained(in: remote)
                actions.append(Action(item: item, change: same ? .unchanged : .update, parentHash: nil))
            }
        }
        return actions
    }

    /// Sends each change in order; `progress` hears of each item as it is done.
    public func apply(_ actions: [Action], message: String? = nil, progress: (Action) -> Void = { _ in }) throws(RemoteError) {
        for action in actions {
            if action.change == .unchanged {
                progress(action)
                continue
            }
            var body = ObjectValue([("path", .string(action.item.path))])
            for (key, value) in action.item.fields.entries { body[key] = value }
            if let message { body["deployment_message"] = .string(message) }
            body["skip_draft_deletion"] = .bool(true)
            switch (action.item.kind, action.change) {
            case (.script, _):
                if action.change == .update, let parent = action.parentHash {
                    body["parent_hash"] = .string(parent)
                    body["auto_parent"] = .bool(true)
                }
                _ = try client.createScript(.object(body))
            case (.flow, .create): try client.createFlow(.object(body))
            case (.flow, _): try client.updateFlow(path: action.item.path, .object(body))
            }
            progress(action)
        }
    }

    /// `N created, M updated, K unchanged`.
    public static func summary(_ actions: [Action]) -> String {
        let count = { (change: Change) in actions.filter { $0.change == change }.count }
        return "\(count(.create)) created, \(count(.update)) updated, \(count(.unchanged)) unchanged"
    }

    /// `created script f/a/b` / `would create …`.
    public static func line(_ action: Action, dryRun: Bool) -> String {
        let verb: String
        switch action.change {
        case .create: verb = dryRun ? "would create" : "created"
        case .update: verb = dryRun ? "would update" : "updated"
        case .unchanged: verb = "unchanged"
        }
        return "\(verb) \(action.item.kind.rawValue) \(action.item.path)"
    }

    /// `{created, updated, unchanged, items: [{kind, path, change}]}`.
    public static func json(_ actions: [Action], dryRun: Bool) -> Value {
        let count = { (change: Change) in Value.number(Double(actions.filter { $0.change == change }.count)) }
        return .object(
            ObjectValue([
                ("dry_run", .bool(dryRun)), ("created", count(.create)), ("updated", count(.update)),
                ("unchanged", count(.unchanged)),
                (
                    "items",
                    .array(
                        actions.map {
                            .object(
                                ObjectValue([
                                    ("kind", .string($0.item.kind.rawValue)), ("path", .string($0.item.path)),
                                    ("change", .string($0.change.rawValue)),
                                ]))
                        })
                ),
            ]))
    }
}
