import Foundation
import HopsLang
import HopsRun
import Synchronization

/// The actions (`sh(...)`, `http.get(...)`, `run(...)`) that statements of a prompt session ran,
/// in order, with their arguments and results: what `:compose` turns into a flow.
///
/// Action functions defined with `Shell.defineRecordedAction` report each call here; the shell
/// keeps the calls of a statement that succeeded and drops those of one that failed.
public final class ActionLog: Sendable {
    /// One call of an action.
    public struct Call: Sendable {
        /// The action's name as called: `sh`, `http.post`, `run`.
        public var name: String
        public var arguments: [Value]
        public var result: Value
    }

    /// A statement that ran an action.
    public struct Entry: Sendable {
        /// The statement's text, as typed.
        public var statement: String
        /// The variable the statement bound with `let` (or `const`), if any.
        public var binding: String?
        public var call: Call
    }

    private struct State {
        var recorded: [Entry] = []
        var names: Set<String> = []
        var pending: [Call] = []
    }
    // An action may run on another thread than the shell's.
    private let state = Mutex(State())

    /// The statements that ran actions, in order.
    public var entries: [Entry] { state.withLock { $0.recorded } }

    public init() {}

    /// The names of the recorded actions (`sh`, `http`): prompt builtins, not the user's variables.
    public var actionNames: Set<String> { state.withLock { $0.names } }

    func addActionName(_ name: String) {
        state.withLock { _ = $0.names.insert(name) }
    }

    /// Called by a recorded action after it returned.
    public func record(_ call: Call) {
        state.withLock { $0.pending.append(call) }
    }

    /// The statement `text` succeeded: its calls become entries.
    public func statementSucceeded(_ text: String) {
        state.withLock { state in
            let binding = state.pending.count == 1 ? Self.binding(in: text) : nil
            for call in state.pending { state.recorded.append(Entry(statement: text, binding: binding, call: call)) }
            state.pending = []
        }
    }

    /// The statement failed: what it called is not kept.
    public func statementFailed() {
        state.withLock { $0.pending = [] }
    }

    public func clear() {
        state.withLock { state in
            state.recorded = []
            state.pending = []
        }
    }

    /// `x` in `let x = …` or `const x = …`.
    static func binding(in text: String) -> String? {
        var rest = Substring(text).drop { $0.isWhitespace }
        for keyword in ["let ", "const "] where rest.hasPrefix(keyword) {
            rest = rest.dropFirst(keyword.count).drop { $0.isWhitespace }
            let name = rest.prefix { $0 == "_" || $0 == "$" || $0.isLetter || $0.isNumber }
            let after = rest.dropFirst(name.count).drop { $0.isWhitespace }
            guard !name.isEmpty, after.hasPrefix("="), !after.hasPrefix("==") else { return nil }
            return String(name)
        }
        return nil
    }
}

extension Shell {
    /// Defines an action whose calls are recorded in `actionLog` (for `:compose`).
    public func defineRecordedAction(_ name: String, _ function: FunctionValue) {
        actionLog.addActionName(name)
        interpreter.defineAction(name, recording(function, as: name))
    }

    /// Defines an object of actions (`http` with `get`, `post`, ...) whose calls are recorded.
    public func defineRecordedAction(_ name: String, _ object: ObjectValue) {
        var wrapped = ObjectValue()
        for (key, value) in object.entries {
            if case .function(let function) = value {
                wrapped[key] = .function(recording(function, as: "\(name).\(key)"))
            } else {
                wrapped[key] = value
            }
        }
        actionLog.addActionName(name)
        interpreter.defineAction(name, wrapped)
    }

    private func recording(_ function: FunctionValue, as name: String) -> FunctionValue {
        let log = actionLog
        let recorder = actionRecorder
        return FunctionValue(name: name) { arguments, context in
            let started = Date()
            let result: Value
            do {
                result = try context.call(function, arguments)
            } catch {
                recorder?.record(action: name, arguments: arguments, outcome: .failure(error), started: started)
                throw error
            }
            recorder?.record(action: name, arguments: arguments, outcome: .success(result), started: started)
            log.record(ActionLog.Call(name: name, arguments: arguments, result: result))
            return result
        }
    }
}

extension Shell {
    /// Defines `sh(...)` and `http.get/post/put/delete(...)` at the prompt, recorded for `:compose`.
    public func defineBuiltinActions(workingDirectory: String? = nil) {
        for (name, value) in BuiltinActions.bindings(workingDirectory: workingDirectory) {
            switch value {
            case .function(let function): defineRecordedAction(name, function)
            case .object(let object): defineRecordedAction(name, object)
            default: interpreter.setVariable(name, value)
            }
        }
    }
}
