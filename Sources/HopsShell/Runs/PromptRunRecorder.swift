import Foundation
import HopsLang
import HopsRun
import HopsStore

/// Records each action run at the prompt (`sh(...)`, `http.get(...)`) as a step of the session's
/// run in the store: the run of kind `prompt` is created with the first action.
///
/// Unchecked: the store and the run id are only touched while holding `lock`; an action may run on
/// another thread than the shell's.
public final class PromptRunRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private let storeOption: String?
    private var store: RunStore?
    private var run: RunID?
    private var count = 0
    /// Set once opening or writing the store failed: the session goes on without a record.
    private var unavailable = false

    /// `storeOption` is `--store`; nil takes HOPS_STORE, else the repository's `.hops/hops.db`.
    public init(storeOption: String? = nil) {
        self.storeOption = storeOption
    }

    /// Records one call: its arguments, and its result or error.
    func record(action: String, arguments: [Value], outcome: Result<Value, any Error>, started: Date) {
        lock.lock()
        defer { lock.unlock() }
        guard !unavailable else { return }
        do {
            if store == nil { store = try StoreLocation.open(option: storeOption) }
            guard let store else { return }
            if run == nil {
                run = try store.createRun(kind: .prompt, source: "<prompt>", sourceHash: nil, inputsJSON: nil, startedAt: started)
            }
            guard let run else { return }
            count += 1
            let step = try store.beginStep(
                run: run, stepID: "\(action)-\(count)",
                argsJSON: SensitiveHeaders.masked(.array(arguments)).canonicalJSON(),
                cacheKey: nil, runner: "hops:\(action)", startedAt: started)
            switch outcome {
            case .success(let value):
                try store.finishStep(step, status: .succeeded, resultJSON: SensitiveHeaders.masked(value).jsonString() ?? "null")
            case .failure(let error):
                try store.finishStep(step, status: .failed, error: "\(error)")
            }
        } catch {
            unavailable = true
            FileHandle.standardError.write(Data("warning: not recording this session's actions: \(error)\n".utf8))
        }
    }

    /// Marks the session's run finished, when it has one.
    public func finish() {
        lock.lock()
        defer { lock.unlock() }
        guard let store, let run else { return }
        try? store.finishRun(run, status: .succeeded)
    }
}
