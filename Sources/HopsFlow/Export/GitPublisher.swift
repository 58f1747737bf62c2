import Foundation

/// Commits exported files on a new feature branch, touching nothing else of the user's work.
///
/// The branch is made from HEAD and checked out; only the given paths are added and committed
/// (`git commit --only -- paths`), so other staged or unstaged changes stay as they were.
public struct GitPublisher: Sendable {
    public var repositoryRoot: String
    /// The git executable; `git` on PATH by default.
    public var gitExecutable: String

    public init(repositoryRoot: String, gitExecutable: String = "git") {
        self.repositoryRoot = repositoryRoot
        self.gitExecutable = gitExecutable
    }

    /// Refuses before anything is written: the branch exists, the name is invalid, or one of the
    /// paths holds uncommitted changes of the user (which an export would overwrite).
    public func preflight(branch: String, paths: [String]) throws(GitPublishError) {
        _ = try git(["rev-parse", "--show-toplevel"])
        guard (try? git(["check-ref-format", "--branch", branch])) != nil else { throw .invalidBranchName(branch) }
        if (try? git(["rev-parse", "--verify", "--quiet", "refs/heads/\(branch)"])) != nil { throw .branchExists(branch) }
        let relative = try relativePaths(paths)
        let status = try git(["status", "--porcelain", "--untracked-files=all", "--"] + relative)
        let changed = status.split(separator: "\n").map { String($0.dropFirst(3)) }
        if !changed.isEmpty { throw .uncommittedChanges(changed) }
    }

    /// Creates `branch` from HEAD, checks it out, and commits exactly `paths` with `message`; returns the commit id.
    @discardableResult
    public func publish(branch: String, paths: [String], message: String) throws(GitPublishError) -> String {
        guard (try? git(["check-ref-format", "--branch", branch])) != nil else { throw .invalidBranchName(branch) }
        if (try? git(["rev-parse", "--verify", "--quiet", "refs/heads/\(branch)"])) != nil { throw .branchExists(branch) }
        let relative = try relativePaths(paths)
        guard !relative.isEmpty else { throw .nothingToCommit }
        // Switching to a new branch made from HEAD keeps every working-tree and index change as it is.
        _ = try git(["checkout", "-b", branch])
        _ = try git(["add", "--"] + relative)
        _ = try git(["commit", "--quiet", "--only", "-m", message, "--"] + relative)
        return try git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// "Add flow monitoring/system-health (5 steps)", or "Update …" when the flow is already in HEAD.
    public func commitMessage(for flow: Flow, placement: FlowExporter.Placement, paths: [String]) -> String {
        let existing = ((try? relativePaths(paths)) ?? []).contains { path in
            (try? git(["cat-file", "-e", "HEAD:\(path)"])) != nil
        }
        let count = flow.modules.count
        let steps = "\(count) step\(count == 1 ? "" : "s")"
        var message = "\(existing ? "Update" : "Add") flow \(placement.group)/\(placement.name) (\(steps))"
        if let summary = flow.summary, !summary.isEmpty { message += "\n\n\(summary)" }
        return message
    }

    /// Paths relative to the repository's top level; refuses a path outside it.
    func relativePaths(_ paths: [String]) throws(GitPublishError) -> [String] {
        let top = URL(fileURLWithPath: try git(["rev-parse", "--show-toplevel"]).trimmingCharacters(in: .whitespacesAndNewlines))
            .resolvingSymlinksInPath().path
        return try paths.map { (path: String) throws(GitPublishError) -> String in
            let absolute = path.hasPrefix("/") ? path : (repositoryRoot as NSString).appendingPathComponent(path)
            // Resolve the folder (the file may not exist yet) so that symlinked temp folders compare equal.
            let folder = URL(fileURLWithPath: (absolute as NSString).deletingLastPathComponent).resolvingSymlinksInPath().path
            let resolved = (folder as NSString).appendingPathComponent((absolute as NSString).lastPathComponent)
            guard resolved.hasPrefix(top + "/") else { throw .outsideRepository(path) }
            return String(resolved.dropFirst(top.count + 1))
        }
    }

    /// Runs git in the repository; throws with its error output when it fails.
    func git(_ arguments: [String]) throws(GitPublishError) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [gitExecutable, "-C", repositoryRoot] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["GIT_TERMINAL_PROMPT"] = "0"
        environment["GIT_EDITOR"] = "true"
        process.environment = environment
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        do {
            try process.run()
        } catch {
            throw .gitFailed(command: arguments.joined(separator: " "), message: "cannot run git: \(error.localizedDescription)")
        }
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let message = String(decoding: errorData, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw .gitFailed(command: "git " + arguments.joined(separator: " "), message: message)
        }
        return String(decoding: outputData, as: UTF8.self)
    }
}

/// Why publishing on a branch was refused or failed.
public enum GitPublishError: Error, Sendable, Equatable, CustomStringConvertible {
    case branchExists(String)
    case invalidBranchName(String)
    /// These paths have changes of the user that are not committed; exporting over them would lose them.
    case uncommittedChanges([String])
    case outsideRepository(String)
    case nothingToCommit
    case gitFailed(command: String, message: String)

    public var description: String {
        switch self {
        case .branchExists(let branch): "branch '\(branch)' already exists; choose another name"
        case .invalidBranchName(let branch): "'\(branch)' is not a valid branch name"
        case .uncommittedChanges(let paths):
            "uncommitted changes in \(paths.joined(separator: ", ")); commit or stash them first, nothing was written"
        case .outsideRepository(let path): "\(path) is outside the repository"
        case .nothingToCommit: "no files to commit"
        case .gitFailed(let command, let message): "\(command) failed: \(message)"
        }
    }
}
