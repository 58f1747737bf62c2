import Foundation
import HopsFlow
import HopsLang

/// Turns the actions run at the prompt into the steps of a draft flow.
///
/// Built-in actions become steps with a `hops:` script (`hops:sh`, `hops:http.post`), as the flow
/// executor runs them; `run(path, args)` becomes a step of that script. An argument whose value
/// came from an earlier action's result becomes a reference to that step's result.
public enum ActionComposer {
    /// The draft steps for `entries`, and a note per argument turned into a reference.
    public static func steps(from entries: [ActionLog.Entry]) -> (steps: [FlowDraft.Step], notes: [String]) {
        var steps: [FlowDraft.Step] = []
        var notes: [String] = []
        var earlier: [(id: String, binding: String?, result: Value)] = []
        var counters: [String: Int] = [:]
        for entry in entries {
            let call = entry.call
            var id = entry.binding.flatMap(validID) ?? ""
            if id.isEmpty || steps.contains(where: { $0.id == id }) {
                let base = (id.isEmpty ? call.name : id).replacingOccurrences(of: ".", with: "_")
                repeat {
                    counters[base, default: 0] += 1
                    id = "\(base)_\(counters[base, default: 1])"
                } while steps.contains { $0.id == id }
            }
            var step = FlowDraft.Step(id: id, script: script(of: call))
            for (name, value) in namedArguments(of: call, step: &step) {
                if let reference = reference(to: value, in: earlier, statement: entry.statement) {
                    step.arguments[name] = .javascript(FlowExpression(reference))
                    notes.append("\(id).\(name) = ${{ \(reference) }}")
                } else {
                    step.arguments[name] = .static(value)
                }
            }
            steps.append(step)
            earlier.append((id, entry.binding, call.result))
        }
        return (steps, notes)
    }

    private static func validID(_ name: String) -> String? {
        guard let first = name.first, first == "_" || first.isLetter, name.allSatisfy({ $0 == "_" || $0.isLetter || $0.isNumber }) else {
            return nil
        }
        return name
    }

    private static func script(of call: ActionLog.Call) -> String {
        if call.name == "run", case .string(let path)? = call.arguments.first { return path }
        return "hops:" + call.name
    }

    /// The call's positional arguments as the step's named ones: `sh(command, {timeout})`,
    /// `http.x(url, {headers, body, timeout})`, `run(path, {args…})`. A timeout becomes the step's option.
    private static func namedArguments(of call: ActionLog.Call, step: inout FlowDraft.Step) -> [(String, Value)] {
        let first = call.arguments.first ?? .undefined
        let options: ObjectValue = {
            if call.arguments.count > 1, case .object(let object) = call.arguments[1] { return object }
            return ObjectValue()
        }()
        var named: [(String, Value)] = []
        switch call.name {
        case "run":
            return options.entries.map { ($0.0, $0.1) }
        case "sh":
            named.append(("command", first))
        default:
            named.append(("url", first))
            for key in ["headers", "body"] { if let value = options[key] { named.append((key, value)) } }
        }
        if case .number(let seconds)? = options["timeout"] { step.timeout = seconds }
        return named
    }

    /// `steps.<id>.result…` when `value` is (a part of) an earlier result: first among the steps whose
    /// variable the statement names, then, for values too particular to be a coincidence, any earlier step.
    static func reference(to value: Value, in earlier: [(id: String, binding: String?, result: Value)], statement: String) -> String? {
        let named = earlier.reversed().filter { $0.binding.map { mentions(statement, $0) } ?? false }
        for candidate in named {
            if let path = path(to: value, in: candidate.result, depth: 0) { return "steps.\(candidate.id).result" + path }
        }
        guard isParticular(value) else { return nil }
        for candidate in earlier.reversed() {
            if let path = path(to: value, in: candidate.result, depth: 0) { return "steps.\(candidate.id).result" + path }
        }
        return nil
    }

    /// The member path (`.stdout`, `[0].name`) at which `value` sits in `container`.
    private static func path(to value: Value, in container: Value, depth: Int) -> String? {
        if container.jsonString() == value.jsonString(), value.jsonString() != nil { return "" }
        guard depth < 5 else { return nil }
        switch container {
        case .object(let object):
            for (key, member) in object.entries {
                if let rest = path(to: value, in: member, depth: depth + 1) { return accessor(key) + rest }
            }
        case .array(let items):
            for (index, item) in items.enumerated().prefix(100) {
                if let rest = path(to: value, in: item, depth: depth + 1) { return "[\(index)]" + rest }
            }
        default:
            break
        }
        return nil
    }

    private static func accessor(_ key: String) -> String {
        if let first = key.first, first == "_" || first.isLetter, key.allSatisfy({ $0 == "_" || $0.isLetter || $0.isNumber }) {
            return "." + key
        }
        return "[" + (Value.string(key).jsonString() ?? "\"\(key)\"") + "]"
    }

    /// Whether the statement uses `name` as a word of its code.
    private static func mentions(_ statement: String, _ name: String) -> Bool {
        let characters = Array(statement)
        let target = Array(name)
        guard target.count <= characters.count else { return false }
        for start in 0...(characters.count - target.count) where Array(characters[start..<(start + target.count)]) == target {
            let before = start == 0 ? " " : characters[start - 1]
            let afterIndex = start + target.count
            let after = afterIndex < characters.count ? characters[afterIndex] : " "
            let isWord: (Character) -> Bool = { $0 == "_" || $0 == "$" || $0.isLetter || $0.isNumber }
            if !isWord(before) && before != "." && !isWord(after) { return true }
        }
        return false
    }

    /// Long strings, and non-empty arrays and objects: values that match an earlier result by chance only rarely.
    private static func isParticular(_ value: Value) -> Bool {
        switch value {
        case .string(let text): text.count >= 8
        case .array(let items): !items.isEmpty
        case .object(let object): object.count > 0
        default: false
        }
    }
}

extension ShellCommand {
    /// `:compose NAME`: a draft flow of the actions run so far at this prompt.
    public static let composeActions = ShellCommand(
        name: "compose", usage: ":compose [CATEGORY/]NAME",
        summary: "Make a draft flow of the actions run at this prompt (sh, http.*, run), in order",
        action: { shell, arguments in
            let name = arguments.trimmingWhitespace()
            guard !name.isEmpty, !name.contains(" ") else { throw CommandError("usage: :compose [CATEGORY/]NAME") }
            let entries = shell.actionLog.entries
            guard !entries.isEmpty else {
                throw CommandError("no actions were run at this prompt yet (sh(...), http.get(...), run(...)); nothing to compose")
            }
            let draft = FlowDraft(name: name)
            let (steps, notes) = ActionComposer.steps(from: entries)
            draft.steps = steps
            shell.draft = draft
            var lines = ["composed draft \(draft.category)/\(draft.name) from \(entries.count) action\(entries.count == 1 ? "" : "s")"]
            lines.append(draft.flow.treeDescription())
            if !notes.isEmpty { lines.append("references to earlier results: " + notes.joined(separator: "; ")) }
            shell.print(lines.joined(separator: "\n"))
            return .continue
        })
}
