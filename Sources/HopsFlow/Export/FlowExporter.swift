import Foundation

/// The on-disk layouts a flow is exported to.
public enum ExportFormat: String, Sendable, CaseIterable {
    /// `windmill/flows/<category>/<name>.yaml` in the seed's format.
    case seed
    /// `f/<folder>/<name>.flow/flow.yaml` with inline scripts beside it, as `wmill sync push` reads it.
    case windmill
}

/// Why an export wrote nothing.
public enum FlowExportError: Error, Sendable, CustomStringConvertible {
    /// The flow does not pass check; the report says why.
    case checkFailed(FlowCheckReport)
    /// The flow uses what the target format cannot express.
    case notExpressible([String])
    /// No category (seed) or folder (Windmill) could be told from the flow; pass one.
    case missingPlace(String)
    /// A file would be written outside the tree (or its flow's folder), or could not be written.
    case refused(TreeWriteError)

    public var description: String {
        switch self {
        case .checkFailed(let report):
            let count = report.errors.count
            return "the flow does not pass check (\(count) error\(count == 1 ? "" : "s")); nothing was written\n" + report.rendered()
        case .notExpressible(let problems):
            return "the flow cannot be written in this format; nothing was written:\n" + problems.map { "  - \($0)" }.joined(separator: "\n")
        case .missingPlace(let message): return message
        case .refused(let error):
            if case .writeFailed = error { return "\(error)" }
            return "\(error); nothing was written"
        }
    }
}

/// Writes a validated flow into a tree: refuses one with check errors and then writes nothing.
public enum FlowExporter {
    /// Where the export will put the flow, relative to the tree root.
    public struct Placement: Sendable, Equatable {
        /// The seed category or the Windmill folder.
        public var group: String
        public var name: String

        public init(group: String, name: String) {
            self.group = group
            self.name = name
        }
    }

    /// Checks `flow`, then writes it under `treeRoot` in `format`; returns the written files' paths.
    /// Nothing is written outside `treeRoot`: a module id or inline file name that would leave it, or a
    /// symbolic link that leads out of it, refuses the whole export before the first file is written.
    ///
    /// - Parameters:
    ///   - group: the seed category or Windmill folder; by default taken from the flow's name or file.
    ///   - name: the flow's file name; by default the flow's own name.
    ///   - repositoryRoot: where the check looks for scripts; by default `treeRoot`.
    @discardableResult
    public static func export(
        _ flow: Flow, format: ExportFormat, into treeRoot: String, group: String? = nil, name: String? = nil,
        repositoryRoot: String? = nil, now: Date = Date()
    ) throws(FlowExportError) -> [String] {
        let files = try relativeFiles(flow, format: format, treeRoot: treeRoot, group: group, name: name, repositoryRoot: repositoryRoot, now: now)
        do {
            return try TreeWriter(root: treeRoot).write(files)
        } catch {
            throw .refused(error)
        }
    }

    /// The files an export would write (absolute paths and their text), after checking; writes nothing.
    public static func render(
        _ flow: Flow, format: ExportFormat, into treeRoot: String, group: String? = nil, name: String? = nil,
        repositoryRoot: String? = nil, now: Date = Date()
    ) throws(FlowExportError) -> [(path: String, text: String)] {
        let files = try relativeFiles(flow, format: format, treeRoot: treeRoot, group: group, name: name, repositoryRoot: repositoryRoot, now: now)
        let writer = TreeWriter(root: treeRoot)
        do {
            return try files.map { file throws(TreeWriteError) in (try writer.target(file.path), file.text) }
        } catch {
            throw .refused(error)
        }
    }

    /// The files of the export, by their paths below the tree root, each checked to stay in its folder.
    private static func relativeFiles(
        _ flow: Flow, format: ExportFormat, treeRoot: String, group: String?, name: String?, repositoryRoot: String?, now: Date
    ) throws(FlowExportError) -> [(path: String, text: String)] {
        // On Windmill, hops's built-in actions are the inline scripts that do the same.
        let flow = format == .windmill ? flow.replacingBuiltinActions() : flow
        let report = FlowChecker.check(flow, repositoryRoot: repositoryRoot ?? treeRoot, now: now)
        if report.hasErrors { throw .checkFailed(report) }
        let placement = try place(flow, format: format, group: group, name: name)
        if format == .seed {
            let problems = flow.seedFormatProblems()
            if !problems.isEmpty { throw .notExpressible(problems) }
        }
        let (flowYAML, inlineFiles) = format == .windmill ? flow.namingScriptsFromWmillRoot().openFlowYAML() : ("", [:])
        if inlineFiles["flow.yaml"] != nil {
            throw .notExpressible(["an inline script file is named flow.yaml, which would replace the flow's own file"])
        }
        do throws(TreeWriteError) {
            switch format {
            case .seed:
                let path = "windmill/flows/\(placement.group)/\(placement.name).yaml"
                try TreeWriter.checkName(path, in: treeRoot)
                return [(path, flow.seedYAML())]
            case .windmill:
                let base = "f/\(placement.group)/\(placement.name)"
                try TreeWriter.checkName(base + ".flow", in: treeRoot)
                var files: [(path: String, text: String)] = [(base + ".flow/flow.yaml", flowYAML)]
                for (file, text) in inlineFiles.sorted(by: { $0.key < $1.key }) {
                    // An inline script stays in its flow's folder, where `!inline` reads it.
                    try TreeWriter.checkName(file, in: base + ".flow")
                    files.append((base + ".flow/" + file, text))
                }
                if let schedule = flow.schedule {
                    files.append((base + ".schedule.yaml", scheduleYAML(schedule, flowPath: base, summary: flow.summary)))
                }
                return files
            }
        } catch {
            throw .refused(error)
        }
    }

    /// The category or folder and the name of the exported flow.
    public static func place(_ flow: Flow, format: ExportFormat, group: String? = nil, name: String? = nil) throws(FlowExportError) -> Placement {
        var inferredGroup: String?
        var inferredName: String?
        if let flowName = flow.name, !flowName.isEmpty {
            let parts = flowName.split(separator: "/").map(String.init)
            inferredName = parts.last
            // A Windmill path `f/<folder>/<name>`: the folder is what lies between.
            if parts.count >= 3, parts[0] == "f" { inferredGroup = parts[1..<(parts.count - 1)].joined(separator: "/") }
        }
        if inferredGroup == nil, flow.format == .seed, let file = flow.file {
            // A seed flow at `…/flows/<category>/<name>.yaml`.
            let folder = (file as NSString).deletingLastPathComponent
            if ((folder as NSString).deletingLastPathComponent as NSString).lastPathComponent == "flows" {
                inferredGroup = (folder as NSString).lastPathComponent
            }
        }
        let what = format == .seed ? "category" : "folder"
        guard let finalGroup = group ?? inferredGroup, !finalGroup.isEmpty, !finalGroup.contains("..") else {
            throw .missingPlace("cannot tell the \(what) of the flow \(flow.name ?? "(unnamed)"); give one")
        }
        guard let finalName = name ?? inferredName, !finalName.isEmpty, !finalName.contains("/") else {
            throw .missingPlace("the flow has no name; give one")
        }
        return Placement(group: finalGroup, name: finalName)
    }

    /// A Windmill schedule file for the flow, as `wmill sync` keeps it beside the flow.
    static func scheduleYAML(_ schedule: Schedule, flowPath: String, summary: String?) -> String {
        // Windmill's cron has a seconds field; a five-field expression fires at second 0.
        let fields = schedule.cron.split(whereSeparator: \.isWhitespace)
        let cron = fields.count == 5 ? "0 " + fields.joined(separator: " ") : schedule.cron
        let timeZone = schedule.timezone ?? TimeZone.current.identifier
        var lines = [
            "schedule: \(yamlString(cron))",
            "timezone: \(yamlString(timeZone))",
            "enabled: true",
            "script_path: \(yamlString(flowPath))",
            "is_flow: true",
            "args: {}",
        ]
        if let summary, !summary.isEmpty { lines.append("summary: \(yamlString(summary))") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A single-quoted YAML string, so that cron's `*` and `?` stay text.
    private static func yamlString(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }
}
