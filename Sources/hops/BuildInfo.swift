/// The version of hops and the Git commit it was built from, for `hops --version`.
///
/// `make` writes `BuildInfo+Commit.swift` (git-ignored) with the commit of the tree it builds; the
/// member declared there takes precedence over the default below, so a plain `swift build`, or a
/// copy of the sources without Git, builds too and says it does not know its commit.
enum BuildInfo: BuildCommitStamp {
    static let version = "0.1.0"

    /// `0.1.0 (commit 1a2b3c4d5e6f)`, or `0.1.0 (commit unknown)`.
    static var versionLine: String { "\(version) (commit \(commit ?? "unknown"))" }
}

/// The commit a build was made from; `BuildInfo+Commit.swift` overrides the default.
protocol BuildCommitStamp {
    static var commit: String? { get }
}

extension BuildCommitStamp {
    static var commit: String? { nil }
}
