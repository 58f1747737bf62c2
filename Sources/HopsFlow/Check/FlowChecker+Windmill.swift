import Foundation
import HopsLang

extension FlowChecker {
    /// Fields of a module hops keeps for export but does not act on when it runs the flow.
    static let moduleFieldsNotActedOn: [String] = ["priority", "cache_ignore_s3_path", "debouncing", "apply_preprocessor"]
    /// Fields of a module's value hops keeps but does not act on.
    static let valueFieldsNotActedOn: [String] = [
        "tag", "tag_override", "concurrent_limit", "concurrency_time_window_s", "custom_concurrency_key", "is_trigger",
        "assets", "squash", "parallel", "parallelism",
    ]
    /// Flow-level settings hops acts on; every other one gets a warning.
    static let flowSettingsActedOn: Set<String> = ["early_return"]
    /// Flow-level settings that describe the editor's view only.
    static let flowSettingsForTheEditor: Set<String> = ["notes", "groups", "preserve_step_tags", "chat_input_enabled"]

    /// Warns about what hops keeps but does not act on, and about steps that need a Windmill server.
    mutating func checkWindmillOnly() {
        if case .object(let settings)? = flow.settings?.value {
            let ignored = settings.entries.map(\.0).filter {
                !Self.flowSettingsActedOn.contains($0) && !Self.flowSettingsForTheEditor.contains($0)
            }
            if !ignored.isEmpty {
                report(.warning, "hops does not act on the flow's \(ignored.joined(separator: ", ")) (kept for export; Windmill applies \(ignored.count == 1 ? "it" : "them"))",
                    at: keyLocation(ignored[0], below: SourceLocation(file: flow.file ?? "", line: 1, column: 1)) ?? flow.file.map { SourceLocation(file: $0, line: 1, column: 1) })
            }
        }
        if flow.sameWorker {
            report(.warning, "same_worker: hops runs every step in the repository folder, so ./shared is the repository's shared/ for every run, not a folder of this run's own",
                at: keyLocation("same_worker", below: SourceLocation(file: flow.file ?? "", line: 1, column: 1)) ?? flow.file.map { SourceLocation(file: $0, line: 1, column: 1) })
        }
        let all = flow.allModules + [flow.failureModule, flow.preprocessorModule].compactMap { $0 }
        for module in all {
            var ignored = Self.moduleFieldsNotActedOn.filter { module.extra($0) != nil }
            ignored += Self.valueFieldsNotActedOn.filter { field in
                guard let value = module.valueExtra(field) else { return false }
                if case .bool(false) = value { return false }
                return true
            }
            if let priority = module.priority, priority != 0 { ignored.insert("priority", at: 0) }
            if !ignored.isEmpty {
                report(.warning, "step '\(stepName(module))': hops does not act on \(ignored.joined(separator: ", ")) (kept for export)",
                    at: module.location)
            }
            if case .aiAgent = module.value, module.mock?.enabled != true {
                report(.warning, "step '\(stepName(module))' is an AI agent: it runs only on a Windmill server; mock it to run the flow here",
                    at: module.location)
            }
        }
    }

    /// Subflows, followed through the tree: a flow that calls itself, directly or through others, is an error.
    mutating func checkSubflowCycles() {
        guard let file = flow.file else { return }
        let start = Self.flowFile(file)
        var visited = Set<String>()
        for module in flow.allModules + [flow.failureModule].compactMap({ $0 }) {
            guard case .flow(let path, _) = module.value,
                let found = FlowLoader.locateFlow(path, treeRoot: windmillTreeRoot(), repositoryRoot: repositoryRoot)
            else { continue }
            let names = [flow.name ?? (file as NSString).lastPathComponent]
            if let cycle = Self.cycle(from: found, path: path, stack: [start], names: names, visited: &visited) {
                report(.error, "step '\(stepName(module))' calls flow '\(path)', and the calls never end: \(cycle.joined(separator: " → "))",
                    at: keyLocation("path", below: module.location) ?? module.location)
            }
        }
    }

    /// The flow file of a flow folder or file, absolute and with links resolved.
    static func flowFile(_ path: String) -> String {
        let inner = (path as NSString).appendingPathComponent("flow.yaml")
        return WindmillPaths.real(FileManager.default.fileExists(atPath: inner) ? inner : path)
    }

    /// The names of the flows from the first one on `stack` that `file` leads back to, or nil when no call comes back.
    private static func cycle(
        from file: String, path: String, stack: [String], names: [String], visited: inout Set<String>
    ) -> [String]? {
        let real = flowFile(file)
        if let index = stack.firstIndex(of: real) { return Array(names[index...]) + [path] }
        guard stack.count < 64, visited.insert(real).inserted, let subflow = FlowLoader.read(path: file).flow else { return nil }
        for module in subflow.allModules + [subflow.failureModule].compactMap({ $0 }) {
            guard case .flow(let next, _) = module.value,
                let found = FlowLoader.locateFlow(next, treeRoot: subflow.treeRoot, repositoryRoot: nil)
            else { continue }
            if let chain = cycle(from: found, path: next, stack: stack + [real], names: names + [path], visited: &visited) {
                return chain
            }
        }
        return nil
    }
}
