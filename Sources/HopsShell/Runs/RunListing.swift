import Foundation
import HopsLang
import HopsStore

/// `hops runs` and `:runs`: the recorded runs as an aligned table or as JSON.
public enum RunListing {
    /// One row per run, newest first: id, kind, flow, status, started (local time), duration, failed step.
    public static func table(_ runs: [RunSummary], colored: Bool = false) -> String {
        guard !runs.isEmpty else { return "no runs recorded" }
        let header = ["ID", "KIND", "FLOW", "STATUS", "STARTED", "DURATION", "FAILED STEP"]
        let rows = runs.map { run in
            [
                run.id.rawValue, run.kind.rawValue, displaySource(run.source), run.status.rawValue,
                localTime(run.startedAt), run.duration.map(duration) ?? (run.status == .running ? "running" : "-"),
                run.failedStep ?? "",
            ]
        }
        return alignedTable(header: header, rows: rows, colored: colored) { column, text in
            column == 3 ? statusStyle(text) : nil
        }
    }

    /// The runs as a JSON array of objects: `id`, `kind`, `flow`, `status`, `started_at`, `finished_at`,
    /// `duration_ms`, `failed_step`, `parent`, `steps`.
    public static func json(_ runs: [RunSummary]) -> Value {
        .array(
            runs.map { run in
                .object(
                    ObjectValue([
                        ("id", .string(run.id.rawValue)), ("kind", .string(run.kind.rawValue)),
                        ("flow", run.source.map(Value.string) ?? .null), ("status", .string(run.status.rawValue)),
                        ("started_at", .string(isoTime(run.startedAt))),
                        ("finished_at", run.finishedAt.map { .string(isoTime($0)) } ?? .null),
                        ("duration_ms", run.duration.map { .number(($0 * 1000).rounded()) } ?? .null),
                        ("failed_step", run.failedStep.map(Value.string) ?? .null),
                        ("parent", run.parent.map { .string($0.rawValue) } ?? .null),
                        ("steps", .number(Double(run.stepCount))),
                    ]))
            })
    }

    /// The store's size and what takes the room.
    public static func sizeReport(_ report: SizeReport) -> String {
        let perStep = report.steps > 0 ? " (\(bytes(report.fileBytes / Int64(report.steps))) per step)" : ""
        return """
            store      \(report.path)
            file       \(bytes(report.fileBytes))\(perStep)
            runs       \(report.runs)
            steps      \(report.steps)
            results    \(bytes(report.resultBytes))
            output     \(bytes(report.outputBytes)) (stdout and stderr)
            arguments  \(bytes(report.argumentBytes)) (arguments and inputs)
            """
    }

    /// A flow path as recorded, shown from the current folder when it lies below it.
    static func displaySource(_ source: String?) -> String {
        guard let source else { return "(prompt)" }
        return source.hasPrefix("/") ? FlowFiles.displayPath(source) : source
    }

    /// `2024-05-01 14:03:22` in the local time zone.
    public static func localTime(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        localtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday)) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))"
    }

    /// ISO 8601 in UTC with milliseconds.
    public static func isoTime(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }

    /// `340 ms`, `2.4 s`, `3 min 12 s`.
    public static func duration(_ seconds: TimeInterval) -> String {
        if seconds < 1 { return "\(Int((seconds * 1000).rounded())) ms" }
        if seconds < 60 { return String(format: "%.1f s", seconds) }
        let whole = Int(seconds.rounded())
        if whole < 3600 { return "\(whole / 60) min \(whole % 60) s" }
        return "\(whole / 3600) h \(whole % 3600 / 60) min"
    }

    /// `812 B`, `4.0 KB`, `1.5 MB` (1024-based).
    public static func bytes(_ count: Int64) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var value = Double(count)
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(count) B" : String(format: "%.1f %@", value, units[unit])
    }

    static func statusStyle(_ status: String) -> TextStyle? {
        switch status {
        case "failed", "interrupted": .error
        case "succeeded": .string
        case "reused": .function
        case "running": .number
        default: nil
        }
    }

    /// Columns padded to their widest cell (counted in characters), two spaces apart.
    static func alignedTable(
        header: [String], rows: [[String]], colored: Bool, style: (Int, String) -> TextStyle? = { _, _ in nil }
    ) -> String {
        var widths = header.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count { widths[index] = max(widths[index], cell.count) }
        }
        func line(_ cells: [String], isHeader: Bool) -> String {
            var parts: [String] = []
            for (index, cell) in cells.enumerated() {
                let padded = index == cells.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - cell.count)
                if isHeader {
                    parts.append(TextStyle.keyword.apply(padded, colored: colored))
                } else if let textStyle = style(index, cell) {
                    parts.append(textStyle.apply(padded, colored: colored))
                } else {
                    parts.append(padded)
                }
            }
            var text = parts.joined(separator: "  ")
            while text.hasSuffix(" ") { text.removeLast() }
            return text
        }
        return ([line(header, isHeader: true)] + rows.map { line($0, isHeader: false) }).joined(separator: "\n")
    }
}
