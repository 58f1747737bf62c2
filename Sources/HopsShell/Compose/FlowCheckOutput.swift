import Foundation
import HopsFlow

/// How `hops check` prints what it found.
public enum FlowCheckFormat: String, CaseIterable, Sendable {
    /// `file:line:col: error: message`, the source line and a caret, then the summary line.
    case text
    /// One JSON object per finding, one per line (JSON Lines).
    case json
    /// GitHub Actions workflow commands (`::error file=…,line=…,col=…::message`), then the summary.
    case github
    /// One SARIF 2.1.0 log, for code-scanning tools.
    case sarif
}

/// What `hops check` found in a set of flows, printed in one of the `FlowCheckFormat`s.
public struct FlowCheckOutput: Sendable {
    /// One problem or note, with the file it belongs to and its place when known.
    public struct Finding: Sendable, Equatable {
        public var file: String
        /// `error`, `warning` or `note` (a schedule's next fire times).
        public var severity: String
        public var message: String
        public var line: Int?
        public var column: Int?
        /// The column just past what the finding underlines.
        public var endColumn: Int?
    }

    public var findings: [Finding] = []
    public var summary = FlowCheckSummary()
    /// The reports as `text` prints them, one entry per flow with something to say.
    private var renderedReports: [(text: String, plain: String)] = []

    /// Checks each flow file or folder.
    public static func check(paths: [String], repositoryRoot: String, now: Date = Date()) -> FlowCheckOutput {
        var output = FlowCheckOutput()
        for path in paths {
            output.add(FlowChecker.check(path: path, repositoryRoot: repositoryRoot, now: now), of: path)
        }
        return output
    }

    /// Adds the report of the flow at `path`.
    public mutating func add(_ report: FlowCheckReport, of path: String) {
        summary.add(report)
        for diagnostic in report.diagnostics {
            let location = diagnostic.location
            findings.append(
                Finding(
                    file: location?.file ?? path, severity: diagnostic.severity.rawValue, message: diagnostic.message,
                    line: location?.line, column: location?.column,
                    endColumn: location.map { $0.column + diagnostic.length }))
        }
        if let schedule = report.schedule {
            let times = schedule.nextFireTimes.isEmpty ? "never" : schedule.formattedTimes.joined(separator: ", ")
            findings.append(
                Finding(
                    file: schedule.location?.file ?? path, severity: "note",
                    message: "schedule '\(schedule.cron)' (\(schedule.timeZone.identifier)) next fires: \(times)",
                    line: schedule.location?.line, column: schedule.location?.column, endColumn: nil))
        }
        let plain = report.rendered(colored: false)
        if !plain.isEmpty { renderedReports.append((report.rendered(colored: true), plain)) }
    }

    /// The whole output in `format`; `toolVersion` goes into the SARIF log.
    public func rendered(_ format: FlowCheckFormat, colored: Bool = false, toolVersion: String = "") -> String {
        switch format {
        case .text:
            let reports = renderedReports.map { colored ? $0.text : $0.plain }
            return (reports + [summary.line]).joined(separator: "\n") + "\n"
        case .json:
            return findings.map { Self.jsonLine($0) + "\n" }.joined()
        case .github:
            return (findings.map(Self.workflowCommand) + [summary.line]).joined(separator: "\n") + "\n"
        case .sarif:
            return sarifLog(toolVersion: toolVersion) + "\n"
        }
    }

    // MARK: - JSON Lines

    private struct JSONFinding: Encodable {
        var file: String
        var line: Int?
        var column: Int?
        var endColumn: Int?
        var severity: String
        var message: String
    }

    private static func jsonLine(_ finding: Finding) -> String {
        encode(
            JSONFinding(
                file: finding.file, line: finding.line, column: finding.column, endColumn: finding.endColumn,
                severity: finding.severity, message: finding.message), pretty: false)
    }

    private static func encode(_ value: some Encodable, pretty: Bool) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        // Encoding these plain structs of strings and integers cannot fail.
        guard let data = try? encoder.encode(value) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    // MARK: - GitHub workflow commands

    /// `::error file=F,line=L,col=C,endColumn=E,title=hops check::message` (`notice` for a note).
    static func workflowCommand(_ finding: Finding) -> String {
        let command = finding.severity == "note" ? "notice" : finding.severity
        var properties = ["file=" + escapeProperty(finding.file)]
        if let line = finding.line { properties.append("line=\(line)") }
        if let column = finding.column { properties.append("col=\(column)") }
        if let endColumn = finding.endColumn { properties.append("endColumn=\(endColumn)") }
        properties.append("title=hops check")
        return "::\(command) \(properties.joined(separator: ","))::\(escapeData(finding.message))"
    }

    /// The escaping GitHub's runner undoes in a command's message.
    static func escapeData(_ text: String) -> String {
        text.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D")
            .replacingOccurrences(of: "\n", with: "%0A")
    }

    /// The escaping of a property value, which also may not hold `:` or `,`.
    static func escapeProperty(_ text: String) -> String {
        escapeData(text).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }

    // MARK: - SARIF 2.1.0

    private struct SarifLog: Encodable {
        var schema = "https://json.schemastore.org/sarif-2.1.0.json"
        var version = "2.1.0"
        var runs: [SarifRun]
        enum CodingKeys: String, CodingKey {
            case schema = "$schema"
            case version, runs
        }
    }
    private struct SarifRun: Encodable {
        var tool: SarifTool
        var results: [SarifResult]
    }
    private struct SarifTool: Encodable { var driver: SarifDriver }
    private struct SarifDriver: Encodable {
        var name = "hops"
        var version: String?
        var rules: [SarifRule]
    }
    private struct SarifRule: Encodable {
        var id: String
        var shortDescription: SarifMessage
    }
    private struct SarifMessage: Encodable { var text: String }
    private struct SarifResult: Encodable {
        var ruleId: String
        var level: String
        var message: SarifMessage
        var locations: [SarifLocation]
    }
    private struct SarifLocation: Encodable { var physicalLocation: SarifPhysicalLocation }
    private struct SarifPhysicalLocation: Encodable {
        var artifactLocation: SarifArtifactLocation
        var region: SarifRegion?
    }
    private struct SarifArtifactLocation: Encodable {
        var uri: String
        var uriBaseId: String?
    }
    private struct SarifRegion: Encodable {
        var startLine: Int
        var startColumn: Int?
        var endColumn: Int?
    }

    /// The two rules a result refers to: a flow problem, and a schedule's fire times.
    private static let rules = [
        SarifRule(id: "flow-check", shortDescription: SarifMessage(text: "A problem hops check found in a flow")),
        SarifRule(id: "schedule", shortDescription: SarifMessage(text: "A flow's schedule and its next fire times")),
    ]

    private func sarifLog(toolVersion: String) -> String {
        let results = findings.map { finding in
            SarifResult(
                ruleId: finding.severity == "note" ? "schedule" : "flow-check", level: finding.severity,
                message: SarifMessage(text: finding.message),
                locations: [
                    SarifLocation(
                        physicalLocation: SarifPhysicalLocation(
                            artifactLocation: Self.artifactLocation(finding.file),
                            region: finding.line.map {
                                SarifRegion(startLine: $0, startColumn: finding.column, endColumn: finding.endColumn)
                            }))
                ])
        }
        let driver = SarifDriver(version: toolVersion.isEmpty ? nil : toolVersion, rules: Self.rules)
        return Self.encode(SarifLog(runs: [SarifRun(tool: SarifTool(driver: driver), results: results)]), pretty: true)
    }

    /// A relative path as a URI relative to the checked tree (`%SRCROOT%`), an absolute one as a file URI.
    private static func artifactLocation(_ path: String) -> SarifArtifactLocation {
        if path.hasPrefix("/") { return SarifArtifactLocation(uri: URL(fileURLWithPath: path).absoluteString) }
        let escaped = path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? path
        return SarifArtifactLocation(uri: escaped, uriBaseId: "%SRCROOT%")
    }
}
