import Foundation
import Testing

/// A throw-away repository for the run-store commands: a seed flow of three bash steps and a store.
///
/// `fetch` appends a line to `counter` each time it really runs and gives 40; `check` waits while
/// `hold` exists, fails until `fixed` exists, and gives its argument + 2; `report` gives `host:value`.
struct StoreWorkspace {
    let directory: URL
    var store: String { directory.appendingPathComponent("store.db").path }
    var flow: String { directory.appendingPathComponent("windmill/flows/demo.yaml").path }

    init() throws {
        directory = try HopsProcess.temporaryDirectory()
        try write("windmill/scripts/fetch.sh", "echo run >> \"$1/counter\"\necho 40\n")
        try write(
            "windmill/scripts/check.sh",
            """
            while [ -f "$1/hold" ]; do sleep 0.05; done
            test -f "$1/fixed" || { echo "not fixed yet" >&2; exit 3; }
            echo "$(( $2 + 2 ))"

            """)
        try write("windmill/scripts/report.sh", "echo \"$1:$2\"\n")
        try write(
            "windmill/flows/demo.yaml",
            """
            summary: a flow for the run store tests
            inputs:
              dir:
                type: string
                required: true
              host:
                type: string
                default: nas
            steps:
              - id: fetch
                script: fetch.sh
                args:
                  dir: ${{ inputs.dir }}
              - id: check
                script: check.sh
                args:
                  dir: ${{ inputs.dir }}
                  value: ${{ steps.fetch.result }}
              - id: report
                script: report.sh
                args:
                  host: ${{ inputs.host }}
                  value: ${{ steps.check.result }}

            """)
    }

    func write(_ relative: String, _ text: String) throws {
        let url = directory.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    func touch(_ name: String) throws { try write(name, "") }

    func remove(_ name: String) { try? FileManager.default.removeItem(at: directory.appendingPathComponent(name)) }

    /// Lines in `counter`: how often `fetch` really ran.
    var fetchRuns: Int {
        let text = (try? String(contentsOf: directory.appendingPathComponent("counter"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").count
    }

    /// `hops ARGUMENTS --store STORE`.
    func hops(_ arguments: [String], input: String = "") throws -> HopsProcess.Result {
        try HopsProcess.run(arguments + ["--store", store], input: input)
    }

    /// `hops flow run` of the demo flow; the run id it printed in JSON.
    @discardableResult
    func runFlow(_ inputs: [String] = []) throws -> (HopsProcess.Result, String) {
        var arguments = ["flow", "run", flow, "--json", "-i", "dir=\(directory.path)"]
        for input in inputs { arguments += ["-i", input] }
        let result = try hops(arguments)
        let object = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any]
        let run = try #require(object?["run"] as? String, "no run id in: \(result.output)\n\(result.error)")
        return (result, run)
    }

    /// The answer of `sqlite3 STORE SQL`, trimmed.
    func sqlite(_ sql: String, file: String? = nil) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sqlite3", file ?? store, sql]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A JSON document printed by hops.
    static func json(_ result: HopsProcess.Result) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(result.output.utf8))
    }

    func cleanUp() { try? FileManager.default.removeItem(at: directory) }
}
