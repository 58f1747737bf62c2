import Foundation

/// The id of a run: short and readable, `r-YYYYMMDD-HHMMSS-xxxx` (UTC start time and 4 random hex digits).
///
/// Ids sort by start time, and any unambiguous prefix names a run (see `RunStore.resolveRun`).
public struct RunID: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The id as stored and shown.
    public let rawValue: String

    public init(_ rawValue: String) { self.rawValue = rawValue }

    public var description: String { rawValue }

    public static func < (lhs: RunID, rhs: RunID) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// The row id of one recorded step attempt.
public struct StepRecordID: Hashable, Sendable, CustomStringConvertible {
    /// The SQLite row id in `steps`.
    public let rawValue: Int64

    public init(_ rawValue: Int64) { self.rawValue = rawValue }

    public var description: String { String(rawValue) }
}

/// What started a run.
public enum RunKind: String, Sendable, CaseIterable {
    /// A flow run (`hops flow run`).
    case flow
    /// An interactive prompt session; each action at the prompt is one of its steps.
    case prompt
    /// A `.hops` notebook run in batch.
    case notebook
    /// A flow run again, reusing recorded steps of its parent run.
    case resume
}

/// Where a run stands.
public enum RunStatus: String, Sendable, CaseIterable {
    case running, succeeded, failed
    /// The hops process that ran it died (killed, crashed, machine off) before finishing it.
    case interrupted
}

/// Where a step attempt stands.
public enum StepStatus: String, Sendable, CaseIterable {
    case running, succeeded, failed, skipped
    /// Its result was taken from an earlier step with the same cache key instead of running it.
    case reused
    /// Its hops process died while it ran.
    case interrupted
}

/// One line of `hops runs`.
public struct RunSummary: Sendable, Equatable {
    public let id: RunID
    public let kind: RunKind
    /// The flow or notebook path; nil for a prompt session.
    public let source: String?
    public let status: RunStatus
    public let startedAt: Date
    public let finishedAt: Date?
    /// The run this one resumes, if any.
    public let parent: RunID?
    /// The step id of the last failed step attempt, if any.
    public let failedStep: String?
    /// Recorded step attempts.
    public let stepCount: Int

    /// Seconds from start to finish; nil while running or when interrupted without a finish time.
    public var duration: TimeInterval? { finishedAt.map { $0.timeIntervalSince(startedAt) } }
}

/// A run with everything recorded about it.
public struct RunRecord: Sendable, Equatable {
    public let id: RunID
    public let kind: RunKind
    public let source: String?
    /// Hex SHA-256 of the flow or notebook file when the run started.
    public let sourceHash: String?
    public let inputsJSON: String?
    public let parent: RunID?
    public let status: RunStatus
    public let startedAt: Date
    public let finishedAt: Date?
    public let error: String?
    public let resultJSON: String?
    /// The process id of the hops that ran it.
    public let processID: Int32?
    /// The Windmill job it ran as, for a run made on or imported from a server.
    public let remoteJob: String?
    /// Every step attempt, in the order they began.
    public let steps: [StepRecord]

    public var duration: TimeInterval? { finishedAt.map { $0.timeIntervalSince(startedAt) } }
}

/// One step attempt.
public struct StepRecord: Sendable, Equatable {
    public let id: StepRecordID
    public let run: RunID
    /// 1, 2, … in the order the attempts began within the run.
    public let sequence: Int
    /// The flow's step id (or a generated one for a prompt action).
    public let stepID: String
    /// Where inside loops and branches, e.g. `loop[3]/branch[1]`; "" at the top level.
    public let place: String
    /// 1 for the first try, 2 for the first retry, …
    public let attempt: Int
    public let status: StepStatus
    /// The resolved arguments as JSON, secrets replaced by their reference.
    public let argsJSON: String?
    public let resultJSON: String?
    public let error: String?
    /// stdout and stderr as text to show; output that was not plain text (binary, control
    /// characters) shows escaped, and the bytes it was are in `stdoutBytes` and `stderrBytes`.
    public let stdout: String?
    public let stderr: String?
    public let stdoutBytes: Data?
    public let stderrBytes: Data?
    public let startedAt: Date
    public let finishedAt: Date?
    public let durationMs: Int64?
    public let cacheKey: String?
    /// Hex SHA-256 of the script's content, to tell "script changed" from "arguments changed".
    public let scriptHash: String?
    /// The runner, e.g. `deno`, `python3`, `bash`, `http`.
    public let runner: String?
    /// For a reused step, the step attempt whose result it took.
    public let reusedFrom: StepRecordID?
}

/// A result found in the cache.
public struct CachedStep: Sendable, Equatable {
    /// The step attempt that produced it.
    public let step: StepRecordID
    public let run: RunID
    public let stepID: String
    public let resultJSON: String?
    /// When it was produced (what `cache_ttl` is measured from).
    public let finishedAt: Date
}

/// What `RunStore.gc` removed.
public struct GarbageCollection: Sendable, Equatable {
    public let runsDeleted: Int
    public let stepsDeleted: Int
    /// How much smaller the store's files are afterwards (never negative).
    public let bytesFreed: Int64
}

/// How big the store is and what takes the room.
public struct SizeReport: Sendable, Equatable {
    public let path: String
    /// The database file plus its write-ahead log.
    public let fileBytes: Int64
    public let runs: Int
    public let steps: Int
    /// Bytes of step results and run results.
    public let resultBytes: Int64
    /// Bytes of stdout and stderr.
    public let outputBytes: Int64
    /// Bytes of arguments and inputs.
    public let argumentBytes: Int64
}
