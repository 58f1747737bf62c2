import Foundation
import Synchronization

/// Finds the programs and files scripts need: deno, python3, bash, and hops's `stdlib/`.
public struct Runtimes: Sendable {
    public let repositoryRoot: String
    public let environment: [String: String]
    /// Where hops itself is installed: the folders above its binary, searched for `stdlib/` and
    /// `tools/`.
    public let binaryDirectory: String

    public init(
        repositoryRoot: String, environment: [String: String] = ProcessInfo.processInfo.environment,
        binaryDirectory: String = Runtimes.executableDirectory
    ) {
        self.repositoryRoot = repositoryRoot
        self.environment = environment
        self.binaryDirectory = binaryDirectory
    }

    /// The folder of the running hops, links resolved, found once a process: from `/proc/self/exe`
    /// (the kernel's link has every link resolved already), since a hops found on PATH sees only
    /// its bare name in `argv[0]`; else from `argv[0]`.
    public static let executableDirectory: String = {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return (path as NSString).deletingLastPathComponent
        }
        return URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath().deletingLastPathComponent().path
    }()

    /// `HOPS_DENO`, then `deno` on PATH, then `tools/deno/bin/deno` of the repository or of hops's
    /// own installation.
    public func deno() throws -> String {
        if let configured = environment["HOPS_DENO"], !configured.isEmpty {
            guard let found = ProcessRunner.resolve(configured, path: environment["PATH"]) else {
                throw RunError.invalidArgument("HOPS_DENO names \(configured), which is not an executable")
            }
            return found
        }
        if let found = ProcessRunner.resolve("deno", path: environment["PATH"]) { return found }
        // The one `make deps` installed: in this repository, else beside hops's own stdlib/.
        var installations = [repositoryRoot]
        if let stdlib = stdlibDirectory() { installations.append((stdlib as NSString).deletingLastPathComponent) }
        for folder in installations where access(folder + "/tools/deno/bin/deno", X_OK) == 0 {
            return folder + "/tools/deno/bin/deno"
        }
        throw RunError.denoNotFound
    }

    /// The executable that runs `language`.
    public func executable(for language: ScriptLanguage) throws -> String {
        switch language {
        case .deno: return try deno()
        case .python3, .bash:
            let name = language == .bash ? "bash" : "python3"
            guard let found = ProcessRunner.resolve(name, path: environment["PATH"]) else {
                throw RunError.invalidArgument("\(name) not found on PATH")
            }
            return found
        }
    }

    /// `HOPS_STDLIB`, then `<repo>/stdlib`, then a `stdlib/` beside or above the hops executable.
    public func stdlibDirectory() -> String? {
        func holdsHarness(_ directory: String) -> Bool {
            FileManager.default.fileExists(atPath: directory + "/deno/harness.ts")
        }
        if let configured = environment["HOPS_STDLIB"], holdsHarness(configured) { return configured }
        if holdsHarness(repositoryRoot + "/stdlib") { return repositoryRoot + "/stdlib" }
        var directory = URL(fileURLWithPath: binaryDirectory)
        for _ in 0..<5 {
            if holdsHarness(directory.path + "/stdlib") { return directory.path + "/stdlib" }
            directory.deleteLastPathComponent()
        }
        return nil
    }

    /// The first line of `<program> --version`, measured once per program (and binary, see
    /// `RuntimeVersions`): part of the cache key.
    public func version(of executable: String) -> String {
        if let known = VersionCache.shared.value(for: executable) { return known }
        let remembered = RuntimeVersions(environment: environment)
        let identity = RuntimeVersions.identity(of: executable)
        if let identity, let known = remembered?.version(for: identity) {
            VersionCache.shared.set(known, for: executable)
            return known
        }
        let output = try? ProcessRunner.run(
            ProcessRequest(executable: executable, arguments: ["--version"], environment: environment, timeout: 20))
        let text = (output?.stdout.isEmpty ?? true) ? output?.stderr : output?.stdout
        let line = text?.split(separator: "\n").first.map(String.init) ?? "unknown"
        VersionCache.shared.set(line, for: executable)
        if let identity, output?.succeeded == true, line != "unknown" { remembered?.remember(line, for: identity) }
        return line
    }
}

/// Versions of programs already asked, shared by every runner of the process.
final class VersionCache: Sendable {
    static let shared = VersionCache()
    // Steps in parallel ask at the same time.
    private let versions = Mutex<[String: String]>([:])

    func value(for executable: String) -> String? {
        versions.withLock { $0[executable] }
    }

    func set(_ version: String, for executable: String) {
        versions.withLock { $0[executable] = version }
    }
}
