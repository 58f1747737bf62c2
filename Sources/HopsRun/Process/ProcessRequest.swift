import Foundation

/// What to run: an executable, its arguments, environment, working directory, input and time limit.
public struct ProcessRequest: Sendable {
    /// A path, or a bare name looked up on `PATH`.
    public var executable: String
    public var arguments: [String]
    /// The child's whole environment; nil inherits this process's environment.
    public var environment: [String: String]?
    public var workingDirectory: String?
    public var standardInput: Data
    /// Seconds before the whole process group is killed; nil waits forever.
    public var timeout: Double?

    public init(
        executable: String, arguments: [String] = [], environment: [String: String]? = nil,
        workingDirectory: String? = nil, standardInput: Data = Data(), timeout: Double? = nil
    ) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.standardInput = standardInput
        self.timeout = timeout
    }
}

/// How a process ended and what it wrote.
public struct ProcessResult: Sendable {
    /// The exit code when the process exited normally.
    public var exitCode: Int32?
    /// The signal that ended the process, when one did.
    public var signal: Int32?
    public var standardOutput: Data
    public var standardError: Data
    /// Wall-clock seconds from spawn to the end of output.
    public var duration: Double

    public var succeeded: Bool { exitCode == 0 }
    public var stdout: String { String(decoding: standardOutput, as: UTF8.self) }
    public var stderr: String { String(decoding: standardError, as: UTF8.self) }
}

/// Why a process could not be run to its end.
public enum ProcessError: Error, Sendable, Equatable, CustomStringConvertible {
    case executableNotFound(String)
    case spawnFailed(executable: String, code: Int32)
    case timedOut(seconds: Double, partial: PartialOutput)
    case cancelled(partial: PartialOutput)

    /// What the process had written before it was killed.
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
        }
    }

    static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(format: "%.1f", seconds)
    }
}
