extension FlowExporter {
    /// Exports on a new feature branch: checks the flow, refuses if the branch exists or the target
    /// files hold uncommitted changes, writes, then commits only the written files.
    public static func exportOnBranch(
        _ flow: Flow, format: ExportFormat, into treeRoot: String, branch: String, publisher: GitPublisher,
        group: String? = nil, name: String? = nil, repositoryRoot: String? = nil
    ) throws -> (paths: [String], commit: String) {
        let files = try render(flow, format: format, into: treeRoot, group: group, name: name, repositoryRoot: repositoryRoot)
        let paths = files.map(\.path)
        try publisher.preflight(branch: branch, paths: paths)
        let written = try export(flow, format: format, into: treeRoot, group: group, name: name, repositoryRoot: repositoryRoot)
        let placement = try place(flow, format: format, group: group, name: name)
        let message = publisher.commitMessage(for: flow, placement: placement, paths: written)
        let commit = try publisher.publish(branch: branch, paths: written, message: message)
        return (written, commit)
    }
}
