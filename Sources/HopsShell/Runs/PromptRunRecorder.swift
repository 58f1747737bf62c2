import Foundation
import HopsLang
import HopsRun
import HopsStore
import Synchronization

/// Records each action run at the prompt (`sh(...)`, `http.get(...)`) as a step of the session's
/// run in the store: the run of kind `prompt` is created with the first action.
public final class PromptRunRecorder: Sendable {
    private struct State {
        var store: RunStore?
        var run: RunID?
        var count = 0
        /// Set once opening or writing the store failed: the session goes on without a record.
        var unavailable = false
    }
    private let storeOption: String?
    // An action may run on another thread than the shell's.
    private let state = Mutex(State())

    /// `storeOption` is `--store`; nil takes HOPS_STORE, else the repository's `.hops/hops.db`.
    public init(storeOption: String? = nil) {
        self.storeOption = storeOption
    }

    /// Records one call: its arguments, and its result or error.
    func record(action: String, arguments: [Value], outcome: Result<Value, any Error>, started: Date) {
        state.withLock { state in
            guard !state.unavailable else { return }
            do {
                let store = try state.store ?? StoreLocation.open(option: storeOption)
                state.store = store
                let run = try state.run
                    ?? store.createRun(kind: .prompt, source: "<prompt>", sourceHash: nil, inputsJSON: nil, startedAt: started)
                state.run = run
                state.count += 1
                let step = try store.beginStep(
                    run: run, stepID: "\(action)-\(state.count)",
                    argsJSON: SensitiveHeaders.masked(.array(arguments)).canonicalJSON(),
                    cacheKey: nil, runner: "hops:\(action)", startedAt: started)
                switch outcome {
                case .success(let value):
                    try store.finishStep(step, status: .succeeded, resultJSON: SensitiveHeaders.masked(value).jsonString() ?? "null")
                case .failure(let error):
                    try store.finishStep(step, status: .failed, error: "\(error)")
                }
            } catch {
                state.unavailable = true
                FileHandle.standardError.write(Data("warning: not recording this session's actions: \(error)\n".utf8))
            }
        }
    }

    /// Marks the session's run finished, when it has one.
    public func finish() {
        state.withLock { state in
            guard let store = state.store, let run = state.run else { return }
            do {
                try store.finishRun(run, status: .succeeded)
            } catch {
                FileHandle.standardError.write(Data("error: this session's run could not be finished in the store: \(error)\n".utf8))
            }
        }
    }
}
