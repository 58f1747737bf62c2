import Foundation
import HopsLang
import HopsStore

/// `hops show RUN [STEP]` and `:show`: one run with its steps, or one step attempt in full.
public enum RunDetail {
    /// Why `show` cannot answer.
    public struct LookupError: Error, CustomStringConvertible, Equatable {
        public var description: String
    }

    /// The run a reference names (`r-…`, a unique prefix, `last`, `-N`), or an error saying what there is.
    public static func resolve(_ reference: String, in store: RunStore) throws -> RunRecord {
        guard let record = try store.run(reference) else {
            let hint = try store.runs(limit: 1).isEmpty ? "the store holds no runs" : "`hops runs` lists them"
            throw LookupError(description: "no run '\(reference)' in \(store.path) (\(hint))")
        }
        return record
    }

    /// The step attempt `reference` names in `run`: `#N` (its sequence number), `ID@PLACE`, or a step
    /// id (its latest attempt, at any place).
    public static func step(_ reference: String, in run: RunRecord) throws -> StepRecord {
        var found: StepRecord?
        if reference.hasPrefix("#"), let sequence = Int(reference.dropFirst()) {
            found = run.steps.first { $0.sequence == sequence }
        } else if let at = reference.firstIndex(of: "@") {
            let id = String(reference[..<at])
            let place = String(reference[reference.index(after: at)...])
            found = run.steps.last { $0.stepID == id && $0.place == place }
        } else {
            found = run.steps.last { $0.stepID == reference }
        }
        guard let found else {
            var ids: [String] = []
            for step in run.steps where !ids.contains(step.stepID) { ids.append(step.stepID) }
            let known = ids.isEmpty ? "it recorded no steps" : "its steps: " + ids.joined(separator: ", ")
            throw LookupError(description: "run \(run.id) has no step '\(reference)' (\(known))")
        }
        return found
    }

    /// The run: its source, inputs, status, error, and one line per step attempt.
    public static func text(_ run: RunRecord, colored: Bool = false) -> String {
        var lines: [String] = []
        let heading = "run \(run.id)  \(run.kind.rawValue)  \(RunListing.displaySource(run.source))"
        lines.append(TextStyle.keyword.apply(heading, colored: colored))
        if let parent = run.parent { lines.append("resumes   \(parent)") }
        if let job = run.remoteJob { lines.append("job       \(job) (ran on a Windmill server)") }
        let status = RunListing.statusStyle(run.status.rawValue).map { $0.apply(run.status.rawValue, colored: colored) }
        lines.append("status    \(status ?? run.status.rawValue)")
        lines.append("started   \(RunListing.localTime(run.startedAt))")
        lines.append("duration  \(run.duration.map(RunListing.duration) ?? "-")")
        if let inputs = run.inputsJSON, inputs != "{}" { lines.append("inputs    \(inputs)") }
        if let error = run.error { lines.append("error     \(firstLine(error))") }
        guard !run.steps.isEmpty else {
            lines.append("no steps recorded")
            return lines.joined(separator: "\n")
        }
        lines.append("")
        let rows = run.steps.map { step in
            [
                "\(step.sequence)", step.stepID, step.place, step.status.rawValue, "\(step.attempt)",
                step.durationMs.map { RunListing.duration(Double($0) / 1000) } ?? "-", origin(step, in: run),
                step.error.map(firstLine) ?? "",
            ]
        }
        lines.append(
            RunListing.alignedTable(
                header: ["#", "STEP", "PLACE", "STATUS", "ATTEMPT", "DURATION", "RAN/REUSED", "ERROR"], rows: rows,
                colored: colored
            ) { column, text in column == 3 ? RunListing.statusStyle(text) : nil })
        return lines.joined(separator: "\n")
    }

    /// `ran`, or `reused #ID` naming the attempt whose result was taken.
    static func origin(_ step: StepRecord, in run: RunRecord) -> String {
        switch step.status {
        case .reused: step.reusedFrom.map { "reused #\($0)" } ?? "reused"
        case .skipped: "-"
        default: "ran"
        }
    }

    /// The run as JSON: its fields and every step attempt (arguments and results as JSON values).
    public static func json(_ run: RunRecord) -> Value {
        .object(
            ObjectValue([
                ("id", .string(run.id.rawValue)), ("kind", .string(run.kind.rawValue)),
                ("flow", run.source.map(Value.string) ?? .null), ("status", .string(run.status.rawValue)),
                ("parent", run.parent.map { .string($0.rawValue) } ?? .null),
                ("remote_job", run.remoteJob.map(Value.string) ?? .null),
                ("started_at", .string(RunListing.isoTime(run.startedAt))),
                ("finished_at", run.finishedAt.map { .string(RunListing.isoTime($0)) } ?? .null),
                ("duration_ms", run.duration.map { .number(($0 * 1000).rounded()) } ?? .null),
                ("inputs", parsed(run.inputsJSON)), ("result", parsed(run.resultJSON)),
                ("error", run.error.map(Value.string) ?? .null),
                ("steps", .array(run.steps.map { json($0, full: false) })),
            ]))
    }

    /// One step attempt as JSON; `full` adds its stdout and stderr.
    public static func json(_ step: StepRecord, full: Bool = true) -> Value {
        var object = ObjectValue([
            ("seq", .number(Double(step.sequence))), ("id", .string(step.stepID)), ("place", .string(step.place)),
            ("attempt", .number(Double(step.attempt))), ("status", .string(step.status.rawValue)),
            ("runner", step.runner.map(Value.string) ?? .null),
            ("duration_ms", step.durationMs.map { .number(Double($0)) } ?? .null),
            ("reused", .bool(step.status == .reused)),
            ("reused_from", step.reusedFrom.map { .number(Double($0.rawValue)) } ?? .null),
            ("cache_key", step.cacheKey.map(Value.string) ?? .null),
            ("args", parsed(step.argsJSON)), ("result", parsed(step.resultJSON)),
            ("error", step.error.map(Value.string) ?? .null),
        ])
        if full {
            object["stdout"] = step.stdout.map(Value.string) ?? .null
            object["stderr"] = step.stderr.map(Value.string) ?? .null
        }
        return .object(object)
    }

    /// One step attempt in full: resolved arguments, result, error, stdout and stderr.
    public static func text(_ step: StepRecord, of run: RunRecord, colored: Bool = false) -> String {
        var lines: [String] = []
        let place = step.place.isEmpty ? "" : " at \(step.place)"
        lines.append(TextStyle.keyword.apply("step \(step.stepID)\(place) of run \(run.id)", colored: colored))
        let status = RunListing.statusStyle(step.status.rawValue).map { $0.apply(step.status.rawValue, colored: colored) }
        lines.append("status    \(status ?? step.status.rawValue) (attempt \(step.attempt), \(origin(step, in: run)))")
        if let runner = step.runner { lines.append("runner    \(runner)") }
        lines.append("started   \(RunListing.localTime(step.startedAt))")
        lines.append("duration  \(step.durationMs.map { RunListing.duration(Double($0) / 1000) } ?? "-")")
        if let key = step.cacheKey { lines.append("cache key \(key.prefix(16))…") }
        lines.append(section("arguments", step.argsJSON.map(pretty)))
        if step.status != .failed || step.resultJSON != nil { lines.append(section("result", step.resultJSON.map(pretty))) }
        if let error = step.error { lines.append(section("error", error)) }
        if let stdout = step.stdout, !stdout.isEmpty { lines.append(section("stdout", stdout)) }
        if let stderr = step.stderr, !stderr.isEmpty { lines.append(section("stderr", stderr)) }
        return lines.joined(separator: "\n")
    }

    /// `name:` then the text indented by two spaces; `(none)` when there is none.
    static func section(_ name: String, _ text: String?) -> String {
        guard let text, !text.isEmpty else { return "\(name): (none)" }
        var body = text
        while body.hasSuffix("\n") { body.removeLast() }
        return "\(name):\n" + body.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n")
    }

    /// JSON text indented, or as it is when it does not parse.
    static func pretty(_ json: String) -> String {
        guard let value = try? Value(parsingJSON: json) else { return json }
        return value.jsonString(indent: 2) ?? json
    }

    static func parsed(_ json: String?) -> Value {
        guard let json else { return .null }
        return (try? Value(parsingJSON: json)) ?? .string(json)
    }

    static func firstLine(_ text: String) -> String {
        let line = text.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? text
        return line.count > 80 ? String(line.prefix(79)) + "…" : line
    }
}
