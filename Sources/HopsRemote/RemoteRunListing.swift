import Foundation
import HopsLang

/// `hops runs --remote`: the server's top-level flow runs, newest first.
public enum RemoteRunListing {
    public struct Row: Sendable {
        public var job: String
        public var flow: String
        /// running, queued, succeeded, failed, cancelled, skipped.
        public var status: String
        public var startedAt: Date?
        public var durationMs: Double?
    }

    /// Lists the runs; `failed` keeps failures and cancellations, `since` those created after it.
    public static func fetch(
        _ client: WindmillClient, failed: Bool, flow: String?, since: Date?, limit: Int
    ) throws(RemoteError) -> [Row] {
        var filters: [(String, String)] = [
            ("job_kinds", "flow,flowpreview"), ("has_null_parent", "true"), ("per_page", String(limit)),
        ]
        if let flow { filters.append(("script_path_exact", flow)) }
        if let since {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime]
            filters.append(("created_after", formatter.string(from: since)))
        }
        let jobs: [Value]
        if failed {
            jobs = try client.completedJobs(filters + [("success", "false")])
        } else {
            jobs = try client.jobs(filters)
        }
        let rows = jobs.map(JobValue.init).map { job in
            Row(
                job: job.string("id") ?? "", flow: job.string("script_path") ?? "", status: status(of: job),
                startedAt: job.date("started_at") ?? job.date("created_at"), durationMs: job.number("duration_ms"))
        }
        // listJobs unions queued and completed jobs, each cut to per_page: sort and trim here.
        return Array(rows.sorted { ($0.startedAt ?? .distantFuture) > ($1.startedAt ?? .distantFuture) }.prefix(limit))
    }

    static func status(of job: JobValue) -> String {
        if job.string("type") == "QueuedJob" { return job.bool("running") ? "running" : "queued" }
        if job.bool("canceled") { return "cancelled" }
        if job.bool("is_skipped") { return "skipped" }
        return job.bool("success") ? "succeeded" : "failed"
    }

    public static func table(_ rows: [Row]) -> String {
        if rows.isEmpty { return "no runs" }
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        let body = rows.map { row in
            [
                row.job, row.flow, row.status, row.startedAt.map { formatter.string(from: $0) } ?? "",
                row.durationMs.map { duration($0 / 1000) } ?? "",
            ]
        }
        let header = ["JOB", "FLOW", "STATUS", "STARTED", "DURATION"]
        let widths = (0..<header.count).map { column in ([header] + body).map { $0[column].count }.max() ?? 0 }
        return ([header] + body).map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n")
    }

    public static func json(_ rows: [Row]) -> Value {
        let formatter = ISO8601DateFormatter()
        return .array(
            rows.map { row in
                .object(
                    ObjectValue([
                        ("job", .string(row.job)), ("flow", .string(row.flow)), ("status", .string(row.status)),
                        ("started_at", row.startedAt.map { .string(formatter.string(from: $0)) } ?? .null),
                        ("duration_ms", row.durationMs.map(Value.number) ?? .null),
                    ]))
            })
    }

    static func duration(_ seconds: Double) -> String {
        seconds < 1 ? "\(Int((seconds * 1000).rounded())) ms" : seconds < 60 ? String(format: "%.1f s", seconds) : "\(Int(seconds / 60)) min \(Int(seconds) % 60) s"
    }

    /// `30m`, `12h`, `2d`, `1w` → seconds.
    public static func parseAge(_ text: String) -> Double? {
        guard let unit = text.last, let number = Double(text.dropLast()), number >= 0 else { return nil }
        switch unit {
        case "s": return number
        case "m": return number * 60
        case "h": return number * 3600
        case "d": return number * 86400
        case "w": return number * 604_800
        default: return nil
        }
    }
}
