import Foundation
import HopsLang
import HopsRun
import HopsStore

/// `hops show RUN --html FILE`: one self-contained HTML page of a recorded run.
///
/// The steps sit on a timeline (a bar from their start for their duration, coloured by status),
/// loop iterations and branches nested under their step and folded with it; a failed step's error
/// and output are shown at the top; every step's arguments, result and output fold open on a
/// click. The page loads nothing: its style and its one small script are inline. Every text from
/// the store passes through `mask`, so no secret known to the repository reaches the page.
public struct RunReport {
    let run: RunRecord
    let timeline: RunTimeline
    let mask: (String) -> String

    /// A report of `run`; `mask` replaces secrets in any text before it is written.
    public init(run: RunRecord, mask: @escaping (String) -> String) {
        self.run = run
        self.timeline = RunTimeline(run)
        self.mask = mask
    }

    /// The mask for a repository: the process's one masking layer (`SecretMask`), taught first the
    /// secrets the run may have met, the values of the repository's variables (`.env`, `WM_VAR_*`)
    /// and the secret fields of its resources, as resolving them at run time would have.
    public static func mask(forRepositoryAt root: String) -> (String) -> String {
        let context = WorkspaceContext(repositoryRoot: root)
        SecretMask.learn(context.fileVariables.values)
        SecretMask.learn(context.environment.filter { $0.key.hasPrefix("WM_VAR_") }.map(\.value))
        for path in context.resources.keys {
            // A resource whose own `$var:` reference does not resolve here gave no run its value
            // either; the secrets it does name are learnt on the way.
            if let found = try? context.resolvedResource(path) { SecretMask.learn(found.secrets) }
        }
        return { SecretMask.redact($0) }
    }

    /// The whole page.
    public func html() -> String {
        var page = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(text("hops run \(run.id) · \(run.status.rawValue)"))</title>
            <style>\(Self.style)</style>
            </head><body>

            """
        page += header()
        page += failure()
        page += timelineSection()
        page += "<script>\(Self.script)</script>\n</body></html>\n"
        return page
    }

    // MARK: - Parts of the page

    private func header() -> String {
        var rows: [(String, String)] = [("kind", run.kind.rawValue)]
        if let source = run.source { rows.append(("flow", source)) }
        if let parent = run.parent { rows.append(("resumes", parent.rawValue)) }
        rows.append(("started", RunListing.localTime(run.startedAt)))
        rows.append(("duration", run.duration.map(RunListing.duration) ?? "-"))
        rows.append(("steps", "\(run.steps.count) attempts"))
        var html = "<header><h1>run <code>\(text(run.id.rawValue))</code> "
        html += "<span class=\"badge \(run.status.rawValue)\">\(run.status.rawValue)</span></h1>\n<dl>"
        for (name, value) in rows { html += "<dt>\(name)</dt><dd>\(text(value))</dd>" }
        html += "</dl>\n"
        if let inputs = run.inputsJSON, inputs != "{}" { html += fold("inputs", RunDetail.pretty(inputs), open: false) }
        if let result = run.resultJSON { html += fold("result", RunDetail.pretty(result), open: false) }
        return html + "</header>\n"
    }

    /// The failed step (the last failed attempt): its error, stderr and stdout; else the run's own error.
    private func failure() -> String {
        guard let step = run.steps.last(where: { $0.status == .failed }) else {
            guard let error = run.error else { return "" }
            return "<section class=\"failure\"><h2>error</h2><pre>\(text(error))</pre></section>\n"
        }
        let place = step.place.isEmpty ? "" : " at \(step.place)"
        var html = "<section class=\"failure\"><h2>failed: <code>\(text(step.stepID))</code>\(text(place))"
        html += " <small>(attempt \(step.attempt))</small></h2>\n"
        html += "<pre class=\"error\">\(text(step.error ?? run.error ?? "no error recorded"))</pre>\n"
        if let stderr = step.stderr, !stderr.isEmpty { html += "<h3>stderr</h3><pre>\(text(stderr))</pre>\n" }
        if let stdout = step.stdout, !stdout.isEmpty { html += "<h3>stdout</h3><pre>\(text(stdout))</pre>\n" }
        return html + "</section>\n"
    }

    private func timelineSection() -> String {
        let total = max(timeline.end.timeIntervalSince(timeline.start), 0.001)
        var html = "<section class=\"timeline\"><h2>steps</h2>\n<div class=\"row scale\"><span class=\"label\"></span>"
        html += "<span class=\"track\">"
        for tick in 0...4 {
            let seconds = total * Double(tick) / 4
            html += "<span class=\"tick\" style=\"left:\(percent(seconds, of: total))\">\(RunListing.duration(seconds))</span>"
        }
        html += "</span><span class=\"time\"></span></div>\n"
        if timeline.roots.isEmpty { html += "<p>no steps recorded</p>\n" }
        for node in timeline.roots { html += row(node, depth: 0, total: total) }
        html += "<p class=\"legend\">"
        for status in ["succeeded", "failed", "reused", "skipped", "running", "interrupted"] {
            html += "<span class=\"swatch \(status)\"></span>\(status) "
        }
        return html + "</p></section>\n"
    }

    /// One node as a `<details>`: its bar in the summary, its attempt's record and its children inside.
    private func row(_ node: RunTimeline.Node, depth: Int, total: TimeInterval) -> String {
        let status = node.status
        let start = node.start ?? timeline.start
        let end = node.end ?? timeline.end
        let offset = start.timeIntervalSince(timeline.start)
        let duration = max(end.timeIntervalSince(start), 0)
        // Groups stay open so their steps show; a failed step opens on its error.
        let open = !node.children.isEmpty || status == "failed"
        var label = node.title
        if let step = node.step, step.attempt > 1 { label += " #\(step.attempt)" }
        let kind = node.step == nil ? "group" : "step"
        var html = "<details class=\"node \(kind) \(status)\"\(open ? " open" : "") data-status=\"\(status)\">"
        html += "<summary class=\"row\"><span class=\"label\" style=\"padding-left:\(depth * 18 + 4)px\">"
        html += "<span class=\"dot \(status)\"></span>\(text(label))</span>"
        html += "<span class=\"track\"><span class=\"bar \(status)\" title=\"\(text("\(label): \(status)"))\" "
        html += "style=\"left:\(percent(offset, of: total));width:\(percent(duration, of: total, least: 0.4))\"></span></span>"
        html += "<span class=\"time\">+\(RunListing.duration(offset)) · \(RunListing.duration(duration))</span></summary>\n"
        if let step = node.step { html += record(step) }
        for child in node.children { html += row(child, depth: depth + 1, total: total) }
        return html + "</details>\n"
    }

    /// An attempt's record: status line, arguments, result, error, stdout, stderr.
    private func record(_ step: StepRecord) -> String {
        var facts = ["\(step.status.rawValue), attempt \(step.attempt)"]
        if let runner = step.runner { facts.append("runner \(runner)") }
        if !step.place.isEmpty { facts.append("at \(step.place)") }
        if let reused = step.reusedFrom { facts.append("result of attempt #\(reused)") }
        facts.append("started \(RunListing.localTime(step.startedAt))")
        var html = "<div class=\"record\"><p class=\"facts\">\(text(facts.joined(separator: " · ")))</p>\n"
        html += fold("arguments", step.argsJSON.map(RunDetail.pretty) ?? "(none)", open: true)
        if let result = step.resultJSON { html += fold("result", RunDetail.pretty(result), open: true) }
        if let error = step.error { html += fold("error", error, open: true, className: "error") }
        if let stdout = step.stdout, !stdout.isEmpty { html += fold("stdout", stdout, open: false) }
        if let stderr = step.stderr, !stderr.isEmpty { html += fold("stderr", stderr, open: false) }
        return html + "</div>\n"
    }

    private func fold(_ name: String, _ body: String, open: Bool, className: String = "") -> String {
        "<details class=\"fold\"\(open ? " open" : "")><summary>\(name)</summary><pre class=\"\(className)\">\(text(body))</pre></details>\n"
    }

    // MARK: - Text

    /// Masked, then escaped for HTML text and attribute values.
    private func text(_ raw: String) -> String { Self.escape(mask(raw)) }

    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    private func percent(_ seconds: TimeInterval, of total: TimeInterval, least: Double = 0) -> String {
        String(format: "%.3f%%", min(max(seconds / total * 100, least), 100))
    }

    // MARK: - Style and script

    private static let style = """
        :root{--ok:#2e9d4f;--fail:#d0353f;--reuse:#3573d0;--skip:#9aa0a6;--run:#e0a020;--grid:#e6e8eb}
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#1d2228;background:#fff}
        h1{font-size:20px;margin:0 0 8px}h2{font-size:16px;margin:18px 0 8px}h3{font-size:13px;margin:10px 0 4px}
        code,pre{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
        pre{background:#f5f6f8;border:1px solid var(--grid);border-radius:4px;padding:8px;margin:4px 0;overflow:auto;max-height:360px;white-space:pre-wrap;word-break:break-word}
        pre.error{background:#fdf0f1;border-color:#f3c4c8;color:#8a1c24}
        dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:0 0 8px}dt{color:#5f6670}dd{margin:0}
        .badge{font-size:12px;padding:2px 8px;border-radius:10px;color:#fff;vertical-align:middle}
        .failure{border-left:4px solid var(--fail);padding:2px 12px 6px;background:#fffafa}
        .row{display:grid;grid-template-columns:260px 1fr 150px;align-items:center;gap:8px;min-height:22px}
        details.node>summary{list-style:none;cursor:pointer;border-bottom:1px solid var(--grid)}
        details.node>summary::-webkit-details-marker{display:none}
        details.node>summary:hover{background:#f3f6fb}
        .label{white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
        .group>summary .label{color:#5f6670;font-style:italic}
        .track{position:relative;height:14px;background:repeating-linear-gradient(90deg,transparent 0,transparent calc(25% - 1px),var(--grid) calc(25% - 1px),var(--grid) 25%)}
        .bar{position:absolute;top:2px;height:10px;border-radius:3px;min-width:2px}
        .group>summary .bar{opacity:.45}
        .time{font:12px ui-monospace,monospace;color:#5f6670;text-align:right;white-space:nowrap}
        .scale .track{background:none;height:16px}.tick{position:absolute;font-size:11px;color:#5f6670;white-space:nowrap;transform:translateX(-50%)}
        .tick:first-child{transform:none}.tick:last-child{transform:translateX(-100%)}
        .dot,.swatch{display:inline-block;width:9px;height:9px;border-radius:50%;margin-right:6px}
        .swatch{border-radius:2px;margin-left:10px}
        .record{margin:4px 0 10px 282px;padding:6px 10px;border-left:2px solid var(--grid)}
        .facts{margin:0 0 4px;color:#5f6670;font-size:12px}
        details.fold>summary{cursor:pointer;color:#3b4550;font-size:13px}
        .succeeded.bar,.succeeded.dot,.succeeded.swatch,.badge.succeeded{background:var(--ok)}
        .failed.bar,.failed.dot,.failed.swatch,.badge.failed{background:var(--fail)}
        .reused.bar,.reused.dot,.reused.swatch{background:var(--reuse)}
        .skipped.bar,.skipped.dot,.skipped.swatch{background:var(--skip)}
        .running.bar,.running.dot,.running.swatch,.interrupted.bar,.interrupted.dot,.interrupted.swatch,.badge.running,.badge.interrupted{background:var(--run)}
        .legend{color:#5f6670;font-size:12px}
        """

    /// Marks the page with how many bars the browser laid out, for tools that look at the page.
    private static let script = """
        (function(){var bars=document.querySelectorAll('.node>summary .bar'),drawn=0;
        for(var i=0;i<bars.length;i++){var box=bars[i].getBoundingClientRect();if(box.width>0&&box.height>0)drawn++;}
        document.body.setAttribute('data-bars-drawn',String(drawn));})();
        """
}
