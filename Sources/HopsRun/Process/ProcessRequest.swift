import Foundation
import HopsStore

/// What to run: an executable, its arguments, environment, working directory, input and time limit.
public struct ProcessRequest: Sendable {
    /// Bytes of each output stream kept by default (10 MB); the rest is counted and marked as cut.
    public static let defaultOutputLimit = 10_000_000

    /// Bytes kept of each of a step's output streams: `HOPS_OUTPUT_LIMIT`, else 10 MB.
    static func outputLimit(environment: [String: String]) -> Int {
        environment["HOPS_OUTPUT_LIMIT"].flatMap { Int($0) }.map { max($0, 1024) } ?? defaultOutputLimit
    }

    /// A path, or a bare name looked up on `PATH`.
    public var executable: String
    public var arguments: [String]
    /// The child's whole environment; nil inherits this process's environment.
    public var environment: [String: String]?
    public var workingDirectory: String?
    public var standardInput: Data
    /// Seconds before the whole process tree is ended; nil waits forever.
    public var timeout: Double?
    /// Bytes kept of stdout and of stderr, each.
    public var outputLimit: Int
    /// A folder of files for this process only, removed by its leader should hops die first.
    public var workFolder: String?

    public init(
        executable: String, arguments: [String] = [], environment: [String: String]? = nil,
        workingDirectory: String? = nil, standardInput: Data = Data(), timeout: Double? = nil,
        outputLimit: Int = ProcessRequest.defaultOutputLimit
    ) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.standardInput = standardInput
        self.timeout = timeout
        self.outputLimit = outputLimit
        self.workFolder = nil
    }
}

/// How a process ended and what it wrote.
public struct ProcessResult: Sendable {
    /// The exit code when the process exited normally.
    public var exitCode: Int32?
    /// The signal that ended the process, when one did.
    public var signal: Int32?
    /// What was kept of stdout: its start and its end, with a line saying how much was cut between.
    public var standardOutput: Data
    public var standardError: Data
    /// Bytes of stdout and stderr not kept (0 when all was).
    public var standardOutputCut = 0
    public var standardErrorCut = 0
    /// Wall-clock seconds from spawn to the end of output.
    public var duration: Double

    public var succeeded: Bool { exitCode == 0 }
    /// Both streams as they were kept.
    var captured: (stdout: CapturedOutput, stderr: CapturedOutput) {
        (CapturedOutput(bytes: standardOutput, cut: standardOutputCut),
         CapturedOutput(bytes: standardError, cut: standardErrorCut))
    }

    /// The output as text to show (see `OutputText.escaped`).
    public var stdout: String { OutputText.escaped(standardOutput) }
    public var stderr: String { OutputText.escaped(standardError) }
}

/// Why a process could not be run to its end.
public enum ProcessError: Error, Sendable, Equatable, CustomStringConvertible {
    case executableNotFound(String)
    case spawnFailed(executable: String, code: Int32)
    case timedOut(seconds: Double, partial: PartialOutput)
    case cancelled(partial: PartialOutput)
    case workFolder(path: String, code: Int32)

    /// What the process had written before it was ended.
    public struct PartialOutput: Sendable, Equatable {
        public var stdout: String
        public var stderr: String
    }

    public var description: String {
        switch self {
        case .executableNotFound(let name): "executable not found: \(name)"
        case .spawnFailed(let executable, let code):
            "could not start \(executable): \(String(cString: strerror(code)))"
        case .timedOut(let seconds, _): "timed out after \(ProcessError.format(seconds))s"
        case .cancelled: "cancelled"
        case .workFolder(let path, let code): "cannot create the work folder \(path): \(String(cString: strerror(code)))"
        }
    }

    static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(format: "%.1f", seconds)
    }
}
