import Foundation
import HopsLang
import HopsStore

/// How one run of a step ended: its result or its error, with what it printed.
public struct StepOutcome: Sendable {
    /// The step's result; nil when it failed.
    public var result: Value?
    public var error: StepError?
    /// stdout and stderr as text to show, secrets already masked.
    public var stdout: String
    public var stderr: String
    /// The bytes of stdout and stderr when they are not plain text (binary output, control
    /// characters; `stdout` shows them escaped): what the store keeps. Masked too.
    public var stdoutBytes: Data?
    public var stderrBytes: Data?
    /// Seconds, wall clock.
    public var duration: Double
    /// The secret values the step read (resolved `$var:`/`$res:` arguments, client calls), for redaction.
    public var secretValues: [String]

    public var succeeded: Bool { error == nil }

    public init(
        result: Value? = nil, error: StepError? = nil, stdout: String = "", stderr: String = "", duration: Double = 0,
        secretValues: [String] = []
    ) {
        self.result = result
        self.error = error
        self.stdout = stdout
        self.stderr = stderr
        self.duration = duration
        self.secretValues = secretValues
    }

    static func failure(_ error: StepError, stdout: String = "", stderr: String = "", duration: Double = 0) -> StepOutcome {
        StepOutcome(error: error, stdout: stdout, stderr: stderr, duration: duration)
    }

    /// A failure with the output the step wrote before it.
    static func failure(_ error: StepError, output: (stdout: CapturedOutput, stderr: CapturedOutput)) -> StepOutcome {
        var outcome = StepOutcome(error: error)
        outcome.keep(output)
        return outcome
    }

    /// Takes stdout and stderr from the bytes the step wrote: text to show, and the bytes where they differ.
    mutating func keep(_ output: (stdout: CapturedOutput, stderr: CapturedOutput)) {
        (stdout, stdoutBytes) = OutputText.shown(output.stdout.bytes)
        (stderr, stderrBytes) = OutputText.shown(output.stderr.bytes)
    }
}

/// Why a step failed: a kind, a message, and the end of what it wrote to stderr.
public struct StepError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        /// The script threw (or raised); `name` holds the error's class.
        case thrown
        /// The process exited non-zero without reporting an error.
        case exitStatus
        case timeout
        case cancelled
        /// The result could not be turned into JSON.
        case result
        case scriptNotFound
        case missingMain
        /// Anything before the script ran: a missing variable, an unsupported language, an expression.
        case setup
        /// A `stop_after_if` with an error message stopped the flow.
        case stopped
        /// An approval step (`suspend`) ran and nobody has answered it yet: the run pauses.
        case waitingForApproval
    }

    public var kind: Kind
    /// The error's class as the script named it (`TypeError`, `ValueError`), when it did.
    public var name: String?
    public var message: String
    public var stack: String?
    /// The last lines of stderr.
    public var stderrTail: String
    /// The step that failed, once the executor knows it.
    public var stepID: String?

    public init(
        kind: Kind, name: String? = nil, message: String, stack: String? = nil, stderrTail: String = "",
        stepID: String? = nil
    ) {
        self.kind = kind
        self.name = name
        self.message = message
        self.stack = stack
        self.stderrTail = stderrTail
        self.stepID = stepID
    }

    /// `step check: TypeError: bad input`, then the tail of stderr, indented.
    public var description: String {
        var text = stepID.map { "step \($0): " } ?? ""
        if let name, !name.isEmpty, kind == .thrown { text += "\(name): " }
        text += message
        if !stderrTail.isEmpty {
            text += "\n  stderr:\n" + stderrTail.split(separator: "\n", omittingEmptySubsequences: false)
                .map { "    " + $0 }.joined(separator: "\n")
        }
        return text
    }

    /// The error as a flow sees it (`error` in a failure module, the result under continue_on_error).
    public var value: Value {
        var object = ObjectValue([("message", .string(message)), ("name", .string(name ?? kind.rawValue))])
        if let stepID { object["step_id"] = .string(stepID) }
        if let stack, !stack.isEmpty { object["stack"] = .string(stack) }
        if !stderrTail.isEmpty { object["stderr"] = .string(stderrTail) }
        return .object(object)
    }

    /// The last `lines` lines of `text`, without trailing blank lines.
    static func tail(_ text: String, lines: Int = 20) -> String {
        let all = text.split(separator: "\n", omittingEmptySubsequences: false)
        var end = all.count
        while end > 0, all[end - 1].trimmingCharacters(in: .whitespaces).isEmpty { end -= 1 }
        return all[max(0, end - lines)..<end].joined(separator: "\n")
    }
}
