import Foundation
import HopsLang
import HopsStore
import Synchronization

/// The recorded steps of an earlier run that a resumed run may reuse, and why each step was reused or ran.
///
/// A step is reused when the original run has a succeeded (or reused) attempt of it at the same place
/// whose cache key equals the key of this run's attempt: the same runner, script and resolved
/// arguments. Like Nextflow's `-resume`, a reused result feeds later steps, so a step after one
/// whose result changed gets other arguments, another key, and runs.
///
/// Unchecked: `freshSteps` is set before the run starts and only read while it runs.
public final class ResumeSource: @unchecked Sendable {
    /// Whether a step was reused and why, as `hops resume` reports it.
    public struct Decision: Sendable, Equatable {
        public var reused: Bool
        /// `key matches`, `no record`, `script changed`, `arguments changed`, `runner changed`,
        /// `failed before`, `interrupted before`, `--fresh`, `result held a secret`.
        public var reason: String
        /// The recorded attempt whose result was taken.
        public var from: StepRecordID?

        public init(reused: Bool, reason: String, from: StepRecordID? = nil) {
            self.reused = reused
            self.reason = reason
            self.from = from
        }
    }

    /// The run being resumed; the new run records it as its parent.
    public let original: RunID
    /// Ignore every recorded result (and `cache_ttl`): run everything.
    public let fresh: Bool
    /// Steps to run again although their record would be reused (`--fresh-step ID`), every attempt of them.
    public var freshSteps: Set<String> = []

    /// Every recorded attempt; the two maps below hold places in it (a record is large, and a
    /// thousand of them copied into maps that grow was a fifth of the memory a resume touched).
    private let steps: [StepRecord]
    private let succeeded: [String: Int]
    private let lastAttempts: [String: Int]
    /// Written from loop threads; room for a decision for each recorded step from the start.
    private let decisions: Mutex<[String: Decision]>

    /// Reads what `original` recorded.
    public convenience init(store: RunStore, original: RunID, fresh: Bool = false) throws {
        guard let record = try store.run(original) else { throw RunStoreError.unknownRun(original) }
        self.init(original: original, steps: record.steps, fresh: fresh)
    }

    /// `steps`: every recorded attempt of the original run, in the order they began.
    public init(original: RunID, steps: [StepRecord], fresh: Bool = false) {
        self.original = original
        self.fresh = fresh
        var succeeded = [String: Int](minimumCapacity: steps.count)
        var last = [String: Int](minimumCapacity: steps.count)
        for (index, step) in steps.enumerated() {
            let key = Self.key(step.stepID, step.place)
            last[key] = index
            if step.status == .succeeded || step.status == .reused { succeeded[key] = index }
        }
        self.steps = steps
        self.succeeded = succeeded
        self.lastAttempts = last
        decisions = Mutex([String: Decision](minimumCapacity: last.count))
    }

    static func key(_ stepID: String, _ place: String) -> String { place.isEmpty ? stepID : place + "/" + stepID }

    /// Decides for one attempt of a step about to run; returns the recorded attempt to reuse, if any.
    func decide(stepID: String, place: String, cacheKey: String, scriptHash: String?, runner: String) -> StepRecord? {
        let key = Self.key(stepID, place)
        let decision: Decision
        var reusable: StepRecord?
        if fresh || freshSteps.contains(stepID) {
            decision = Decision(reused: false, reason: fresh ? "--fresh" : "--fresh-step")
        } else if let index = succeeded[key] {
            // Read in place: a record is copied only to be reused.
            if steps[index].cacheKey == cacheKey {
                if let result = steps[index].resultJSON, SecretRedactor.holdsMask(result) {
                    decision = Decision(reused: false, reason: "result held a secret")
                } else {
                    decision = Decision(reused: true, reason: "key matches", from: steps[index].id)
                    reusable = steps[index]
                }
            } else if steps[index].scriptHash != scriptHash {
                decision = Decision(reused: false, reason: "script changed")
            } else if let recordedRunner = steps[index].runner, recordedRunner != runner {
                decision = Decision(reused: false, reason: "runner changed")
            } else {
                decision = Decision(reused: false, reason: "arguments changed")
            }
        } else if let last = lastAttempts[key].map({ steps[$0] }) {
            decision = Decision(reused: false, reason: last.status == .failed ? "failed before" : "\(last.status.rawValue) before")
        } else {
            decision = Decision(reused: false, reason: "no record")
        }
        decisions.withLock { $0[key] = decision }
        return reusable
    }

    /// What was decided for the step at `place`; nil for a step that never reached its runner
    /// (identity, mocks, loops and branches themselves, steps skipped or never started).
    public func decision(stepID: String, place: String) -> Decision? {
        decisions.withLock { $0[Self.key(stepID, place)] }
    }
}

extension FlowRunResult {
    /// `value` with each step's `reused` and `reason`, as `hops resume --json` prints it.
    public func resumeValue(_ source: ResumeSource) -> Value {
        let resumed = value(ofStep: { step in
            let decision = source.decision(stepID: step.id, place: step.place)
            return .object(
                ObjectValue(
                    step.entries + [
                        ("reused", .bool(step.state == .cached)),
                        ("reason", .string(decision?.reason ?? Self.reasonWithoutRecord(step))),
                    ]))
        })
        guard case .object(var object) = resumed else { return resumed }
        object["resumed_from"] = .string(source.original.rawValue)
        return .object(object)
    }

    /// Why a step that has no cache decision ran (or did not).
    public static func reasonWithoutRecord(_ step: StepReport) -> String {
        switch step.state {
        case .skipped: "skipped"
        case .cached: "cache_ttl"
        default: "no script of its own (loop, branch, identity or mock)"
        }
    }
}

extension ResumeSource {
    /// Records that `cache_ttl` served the step although the resumed run's record did not.
    func noteCacheHit(stepID: String, place: String, from step: StepRecordID) {
        decisions.withLock { $0[Self.key(stepID, place)] = Decision(reused: true, reason: "cache_ttl", from: step) }
    }
}
