import Foundation
import HopsFlow
import HopsLang

extension ShellCommand {
    /// The commands that compose a flow at the prompt.
    public static var compose: [ShellCommand] {
        [.newDraft, .addStep, .setOption, .moveStep, .removeStep, .showDraft, .composeActions, .check, .dryRun, .export]
    }

    /// `:new NAME`: starts a draft flow in the seed's format.
    public static let newDraft = ShellCommand(
        name: "new", usage: ":new [CATEGORY/]NAME", summary: "Start a new draft flow (seed format); :draft shows it",
        action: { shell, arguments in
            let name = arguments.trimmingWhitespace()
            guard !name.isEmpty, !name.contains(" "), !name.contains(".."), !name.hasSuffix("/") else {
                throw CommandError("usage: :new [CATEGORY/]NAME, e.g. :new monitoring/disk-report")
            }
            let replaced = shell.draft
            let draft = FlowDraft(name: name)
            shell.draft = draft
            let note = replaced.map { " (the draft \($0.category)/\($0.name) is dropped)" } ?? ""
            shell.print("new draft flow \(draft.category)/\(draft.name)\(note); add steps with :add ID SCRIPT key=value…")
            return .continue
        })

    /// `:add ID SCRIPT key=value…`: appends a step.
    public static let addStep = ShellCommand(
        name: "add", usage: ":add ID SCRIPT [key=value…]",
        summary: "Add a step: SCRIPT under windmill/scripts/ or hops:sh, hops:http.get…; value ${{ expr }}, JSON or text",
        completer: { shell, text in scriptCompletion(shell, text) },
        action: { shell, arguments in
            let draft = try requireDraft(shell)
            let words = try DraftArguments.words(arguments)
            guard words.count >= 2 else { throw CommandError("usage: :add ID SCRIPT [key=value…]") }
            let id = words[0]
            try validateID(id)
            if draft.index(of: id) != nil { throw CommandError("the draft already has a step '\(id)'; :remove it or choose another id") }
            var step = FlowDraft.Step(id: id, script: words[1])
            for word in words.dropFirst(2) {
                let (key, value) = try DraftArguments.pair(word)
                step.arguments[key] = try DraftArguments.transform(value)
            }
            draft.steps.append(step)
            let known = scriptExists(step.script, shell: shell) ? "" : " (note: no such script under windmill/scripts/ yet)"
            shell.print("added step \(draft.steps.count) '\(id)': \(step.script)\(known)")
            return .continue
        })

    /// `:set ID option=value…`: sets step options.
    public static let setOption = ShellCommand(
        name: "set", usage: ":set ID option=value…",
        summary: "Set step options: if, for_each, retry (3, 3x5s), timeout, continue_on_error, cache_ttl, mock, summary, args.NAME",
        completer: ShellCommand.words(["if=", "for_each=", "retry=", "timeout=", "continue_on_error=", "cache_ttl=", "mock=", "summary=", "args."]),
        action: { shell, arguments in
            let draft = try requireDraft(shell)
            let words = try DraftArguments.words(arguments)
            guard words.count >= 2, let index = draft.index(of: words[0]) else {
                if let id = words.first, draft.index(of: id) == nil { throw CommandError("the draft has no step '\(id)'") }
                throw CommandError("usage: :set ID option=value…")
            }
            var step = draft.steps[index]
            for word in words.dropFirst() {
                let (key, value) = try DraftArguments.pair(word)
                try apply(option: key, value: value, to: &step)
            }
            draft.steps[index] = step
            shell.print("set \(words.dropFirst().map { try? DraftArguments.pair($0).key }.compactMap { $0 }.joined(separator: ", ")) of '\(step.id)'")
            return .continue
        })

    /// `:move ID before|after OTHER` or `:move ID N`.
    public static let moveStep = ShellCommand(
        name: "move", usage: ":move ID before|after OTHER | :move ID N", summary: "Move a step of the draft",
        action: { shell, arguments in
            let draft = try requireDraft(shell)
            let words = try DraftArguments.words(arguments)
            guard let id = words.first, let from = draft.index(of: id) else {
                throw CommandError(words.isEmpty ? "usage: :move ID before|after OTHER, or :move ID N" : "the draft has no step '\(words[0])'")
            }
            let step = draft.steps.remove(at: from)
            var target: Int
            if words.count == 2, let position = Int(words[1]) {
                guard position >= 1, position <= draft.steps.count + 1 else {
                    draft.steps.insert(step, at: from)
                    throw CommandError("position \(position) is outside 1…\(draft.steps.count + 1)")
                }
                target = position - 1
            } else if words.count == 3, words[1] == "before" || words[1] == "after", let other = draft.index(of: words[2]) {
                target = words[1] == "before" ? other : other + 1
            } else {
                draft.steps.insert(step, at: from)
                throw CommandError(words.count == 3 ? "the draft has no step '\(words[2])'" : "usage: :move ID before|after OTHER, or :move ID N")
            }
            target = min(target, draft.steps.count)
            draft.steps.insert(step, at: target)
            shell.print("moved '\(id)' to step \(target + 1): " + draft.steps.map(\.id).joined(separator: ", "))
            return .continue
        })

    /// `:remove ID`.
    public static let removeStep = ShellCommand(
        name: "remove", aliases: ["rm"], usage: ":remove ID", summary: "Remove a step from the draft",
        action: { shell, arguments in
            let draft = try requireDraft(shell)
            let id = arguments.trimmingWhitespace()
            guard let index = draft.index(of: id) else { throw CommandError("the draft has no step '\(id)'") }
            draft.steps.remove(at: index)
            let users = draft.steps.filter { step in
                ([step.condition, step.forEach].compactMap { $0 } + step.arguments.entries.compactMap { $0.transform.expression?.text })
                    .contains { $0.contains("steps.\(id).") || $0.contains("steps.\(id)[") }
            }.map(\.id)
            let note = users.isEmpty ? "" : "; still referred to by \(users.joined(separator: ", ")) (:check shows where)"
            shell.print("removed '\(id)'\(note)")
            return .continue
        })

    /// `:draft`: the draft as a tree and as the YAML an export writes.
    public static let showDraft = ShellCommand(
        name: "draft", usage: ":draft [yaml]", summary: "Show the draft flow (tree, or yaml)",
        completer: ShellCommand.words(["yaml"]),
        action: { shell, arguments in
            let draft = try requireDraft(shell)
            if arguments == "yaml" {
                shell.print(draft.yaml.hasSuffix("\n") ? String(draft.yaml.dropLast()) : draft.yaml)
            } else {
                shell.print("draft \(draft.category)/\(draft.name)\n" + draft.flow.treeDescription())
            }
            return .continue
        })

    static func requireDraft(_ shell: Shell) throws -> FlowDraft {
        guard let draft = shell.draft else { throw CommandError("no draft flow; start one with :new NAME or :compose NAME") }
        return draft
    }

    static func validateID(_ id: String) throws {
        guard let first = id.first, first == "_" || first.isLetter, id.allSatisfy({ $0 == "_" || $0.isLetter || $0.isNumber }) else {
            throw CommandError("a step id is a name of letters, digits and _ (it is used as steps.\(id).result), not '\(id)'")
        }
    }

    static func scriptExists(_ script: String, shell: Shell) -> Bool {
        if script.hasPrefix("hops:") { return true }
        let root = FlowFiles.repositoryRoot()
        return FileManager.default.fileExists(atPath: root + "/windmill/scripts/" + script)
    }

    /// Sets one `:set` option on a draft step.
    static func apply(option: String, value: String, to step: inout FlowDraft.Step) throws {
        let clearing = value.isEmpty || value == "off" || value == "none"
        switch option {
        case "if": step.condition = clearing ? nil : try DraftArguments.expression(value)
        case "for_each": step.forEach = clearing ? nil : try DraftArguments.expression(value)
        case "retry": step.retry = clearing ? nil : try DraftArguments.retry(value)
        case "timeout": step.timeout = clearing ? nil : try DraftArguments.seconds(value, option: "timeout")
        case "cache_ttl": step.cacheTTL = clearing ? nil : try DraftArguments.seconds(value, option: "cache_ttl")
        case "continue_on_error": step.continueOnError = try DraftArguments.bool(value, option: "continue_on_error")
        case "mock": step.mock = clearing ? nil : DraftArguments.literal(value)
        case "summary": step.summary = clearing ? nil : DraftArguments.literal(value).toDisplayText()
        case "script":
            guard !value.isEmpty else { throw CommandError("script needs a path") }
            step.script = value
        default:
            if option.hasPrefix("args.") || option.hasPrefix("arg.") {
                let name = String(option.drop { $0 != "." }.dropFirst())
                step.arguments[name] = value.isEmpty ? nil : try DraftArguments.transform(value)
                return
            }
            throw CommandError(
                "unknown option '\(option)'; options: if, for_each, retry, timeout, continue_on_error, cache_ttl, mock, summary, script, args.NAME")
        }
    }

    /// Completes script paths under `windmill/scripts/` for the second word of `:add`.
    static func scriptCompletion(_ shell: Shell, _ text: String) -> LineEditor.Completion {
        let words = text.split(separator: " ", omittingEmptySubsequences: false)
        guard words.count == 2 else { return LineEditor.Completion(wordLength: 0, candidates: []) }
        let word = String(words[1])
        let root = FlowFiles.repositoryRoot() + "/windmill/scripts"
        let files = (FileManager.default.enumerator(atPath: root)?.allObjects as? [String]) ?? []
        let scripts = files.filter { [".ts", ".py", ".sh"].contains(where: $0.hasSuffix) }.sorted()
        return LineEditor.Completion(wordLength: word.count, candidates: scripts + ["hops:sh", "hops:http.get", "hops:http.post"])
    }
}

extension Value {
    /// A string as its text, anything else as JSON.
    func toDisplayText() -> String {
        if case .string(let text) = self { return text }
        return jsonString() ?? ""
    }
}
