import Foundation
import Testing

/// `hops show RUN --html FILE`, looked at in a real headless Chromium.
@Suite struct RunReportTests {
    static let secret = "s3cr3t-token-4711"

    /// A flow with a loop over three hosts, a branch, a step reading a secret variable, and a last
    /// step that fails with output on stderr.
    static let flow = """
        summary: Report fixture
        value:
          modules:
            - id: hosts
              value:
                type: rawscript
                language: python3
                content: |
                  def main(token: str):
                      print("fetching hosts with", token)
                      return ["nas", "router", "printer"]
                input_transforms:
                  token:
                    type: static
                    value: "$var:f/ops/api_token"
            - id: probe
              value:
                type: forloopflow
                iterator:
                  type: javascript
                  expr: results.hosts
                skip_failures: false
                modules:
                  - id: ping
                    value:
                      type: rawscript
                      language: bash
                      content: |
                        echo "\\"$1 up\\""
                      input_transforms:
                        host:
                          type: javascript
                          expr: flow_input.iter.value
            - id: route
              value:
                type: branchone
                branches:
                  - summary: many
                    expr: results.probe.length > 2
                    modules:
                      - id: summarize
                        value:
                          type: rawscript
                          language: bash
                          content: |
                            echo '"all hosts up"'
                          input_transforms: {}
                default: []
            - id: publish
              value:
                type: rawscript
                language: python3
                content: |
                  import sys
                  def main(items: list):
                      print("publishing", len(items), "items", file=sys.stderr)
                      raise RuntimeError("publish endpoint refused the report")
                input_transforms:
                  items:
                    type: javascript
                    expr: results.probe
        schema:
          type: object
          properties: {}
        """

    /// The test's output folder, kept after the run so the screenshot can be looked at.
    static func outputFolder() throws -> URL {
        let folder = HopsProcess.repositoryRoot.appendingPathComponent(".build/test-output/run-report")
        try? FileManager.default.removeItem(at: folder)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// Chromium from the distribution's package (`make deps` installs it).
    static func chromium() throws -> String {
        for name in ["chromium", "chromium-browser"] {
            for folder in ["/usr/bin", "/usr/local/bin"] where FileManager.default.isExecutableFile(atPath: "\(folder)/\(name)") {
                return "\(folder)/\(name)"
            }
        }
        throw HarnessError("no chromium on this machine: run `make deps`")
    }

    @Test func theReportOfAFailedRunIsDrawnInHeadlessChromium() throws {
        let tree = try HopsProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tree) }
        let flowFolder = tree.appendingPathComponent("windmill/f/ops/report.flow")
        try FileManager.default.createDirectory(at: flowFolder, withIntermediateDirectories: true)
        try Self.flow.write(to: flowFolder.appendingPathComponent("flow.yaml"), atomically: true, encoding: .utf8)
        try "f/ops/api_token=\(Self.secret)\n".write(to: tree.appendingPathComponent(".env"), atomically: true, encoding: .utf8)
        let store = tree.appendingPathComponent("store.db").path

        let run = try CheckFormatTests.command(
            [HopsProcess.binary(), "flow", "run", flowFolder.path, "--store", store], in: tree)
        #expect(run.status == 1, "\(run.error)")
        // A value that slipped past masking at record time: the report masks it all the same.
        let tamper = try CheckFormatTests.command(
            ["sqlite3", store, "UPDATE steps SET stdout = 'leaked \(Self.secret)' WHERE step_id = 'ping'"], in: tree)
        #expect(tamper.status == 0, "\(tamper.error)")

        let output = try Self.outputFolder()
        let page = output.appendingPathComponent("report.html")
        let show = try CheckFormatTests.command(
            [HopsProcess.binary(), "show", "last", "--html", page.path, "--store", store], in: tree)
        #expect(show.status == 0, "\(show.error)")
        #expect(show.output.isEmpty)
        let html = try String(contentsOf: page, encoding: .utf8)
        #expect(!html.contains(Self.secret))
        #expect(html.contains("leaked ***"))
        // Self-contained: nothing the page would fetch.
        #expect(html.range(of: #"(src|href)\s*=|url\(|@import"#, options: .regularExpression) == nil)
        #expect(html.contains("publish endpoint refused the report"))

        let browser = try Self.chromium()
        let profile = tree.appendingPathComponent("chromium-profile").path
        let flags = [
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=\(profile)",
            "--window-size=1280,1000", "--hide-scrollbars",
        ]
        let dump = try CheckFormatTests.command([browser] + flags + ["--dump-dom", page.absoluteString], in: tree)
        #expect(dump.status == 0, "\(dump.error)")
        let dom = dump.output
        // Rows: hosts, probe with its three iterations of ping, route with its branch and
        // summarize, publish; the script counted the bars Chromium laid out with a size.
        let drawn = try #require(dom.firstMatch(of: /data-bars-drawn="(\d+)"/), "the page's script did not run:\n\(dom.prefix(400))")
        let rows = dom.components(separatedBy: "<details class=\"node ").count - 1
        #expect(rows >= 10, "\(rows) rows")
        #expect(Int(drawn.output.1) == rows)
        for label in ["hosts", "probe", "[0]", "[1]", "[2]", "ping", "route", "summarize", "publish"] {
            #expect(dom.contains(">\(label)<"), "no row \(label)")
        }
        #expect(dom.contains("<details class=\"node step failed\" open=\"\" data-status=\"failed\">"))
        #expect(dom.components(separatedBy: "class=\"bar succeeded\"").count - 1 >= 6)

        let screenshot = output.appendingPathComponent("report.png")
        let shot = try CheckFormatTests.command(
            [browser] + flags + ["--screenshot=\(screenshot.path)", page.absoluteString], in: tree)
        #expect(shot.status == 0, "\(shot.error)")
        let png = try Data(contentsOf: screenshot)
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        #expect(png.count > 10_000, "\(png.count) bytes")
    }

    @Test func aStepReferenceWithHTMLIsAUsageError() throws {
        let tree = try HopsProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tree) }
        let store = tree.appendingPathComponent("store.db").path
        let notebook = tree.appendingPathComponent("n.hops")
        try "# %% one\nsh('echo hi')\n".write(to: notebook, atomically: true, encoding: .utf8)
        let run = try CheckFormatTests.command([HopsProcess.binary(), "run", notebook.path, "--store", store], in: tree)
        #expect(run.status == 0, "\(run.error)")
        let show = try CheckFormatTests.command(
            [HopsProcess.binary(), "show", "last", "#1", "--html", tree.appendingPathComponent("x.html").path, "--store", store],
            in: tree)
        #expect(show.status == 2)
        #expect(show.error.contains("--html writes a whole run"), "\(show.error)")
    }
}
