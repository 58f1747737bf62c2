import Foundation
import Testing

/// A flow of built-in actions (`hops:sh`, `hops:http.get`) and the same flow exported to the wmill
/// layout, where the actions are inline bash and Deno scripts, run to the same step results, check
/// clean and dry-run to the same plan.
@Suite struct BuiltinActionExportTests {
    func stepResults(_ output: String) throws -> [String: Any] {
        let report = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        let steps = try #require(report["steps"] as? [[String: Any]])
        var results: [String: Any] = [:]
        for step in steps {
            let id = try #require(step["id"] as? String)
            guard var result = step["result"] as? [String: Any] else {
                results[id] = step["status"] ?? "?"
                continue
            }
            // Timing and the server's date header differ from run to run.
            result["duration_ms"] = nil
            result["headers"] = (result["headers"] as? [String: Any])?["content-type"]
            results[id] = result
        }
        return results
    }

    @Test func exportedActionsRunAsTheyDidHere() throws {
        let tree = try HopsProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tree) }
        let served = tree.appendingPathComponent("served")
        try FileManager.default.createDirectory(at: served, withIntermediateDirectories: true)
        try #"{"hosts": ["nas", "pi"], "count": 2}"#.write(to: served.appendingPathComponent("hosts.json"), atomically: true, encoding: .utf8)
        let server = try LoopbackServer(serving: served)
        defer { server.stop() }

        let folder = tree.appendingPathComponent("windmill/flows/ops")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let seed = folder.appendingPathComponent("actions.yaml")
        try """
            summary: built-in actions
            steps:
              - id: greet
                script: hops:sh
                args:
                  command: "printf 'a \\"quoted\\"\\\\tline\\\\n'; printf '\\\\001bell\\\\\\\\ü\\\\n'; echo oops >&2; exit 3"
              - id: hosts
                script: hops:http.get
                args:
                  url: http://127.0.0.1:\(server.port)/hosts.json
              - id: count
                script: hops:sh
                args:
                  command: ${{ `echo ${steps.hosts.result.body.count} hosts, greet ended ${steps.greet.result.exit_code}` }}

            """.write(to: seed, atomically: true, encoding: .utf8)
        let environment = ["HOPS_STORE": tree.appendingPathComponent("runs.db").path]

        let export = try HopsProcess.run(["export", seed.path, "--to", "windmill", "--out", tree.appendingPathComponent("windmill").path])
        #expect(export.status == 0, "\(export.error)")
        let exported = tree.appendingPathComponent("windmill/f/ops/actions.flow")
        let flowYAML = try String(contentsOf: exported.appendingPathComponent("flow.yaml"), encoding: .utf8)
        #expect(!flowYAML.contains("hops:") && flowYAML.contains("language: bash") && flowYAML.contains("language: deno"))

        var results: [[String: Any]] = []
        for flow in [seed.path, exported.path] {
            let check = try HopsProcess.run(["check", flow])
            #expect(check.status == 0, "\(flow): \(check.output)\(check.error)")
            let run = try HopsProcess.run(["flow", "run", flow, "--json"], environment: environment)
            #expect(run.status == 0, "\(flow): \(run.error)")
            results.append(try stepResults(run.output))
        }
        let greet = try #require(results[0]["greet"] as? [String: Any])
        #expect(greet["stdout"] as? String == "a \"quoted\"\tline\n\u{1}bell\\ü\n")
        #expect(greet["stderr"] as? String == "oops\n" && greet["exit_code"] as? Int == 3)
        let hosts = try #require(results[0]["hosts"] as? [String: Any])
        #expect((hosts["body"] as? [String: Any])?["count"] as? Int == 2)
        #expect((results[0]["count"] as? [String: Any])?["stdout"] as? String == "2 hosts, greet ended 3\n")
        for id in ["greet", "hosts", "count"] {
            let here = try JSONSerialization.data(withJSONObject: results[0][id] ?? [:], options: .sortedKeys)
            let there = try JSONSerialization.data(withJSONObject: results[1][id] ?? [:], options: .sortedKeys)
            #expect(here == there, "\(id): \(String(decoding: here, as: UTF8.self)) vs \(String(decoding: there, as: UTF8.self))")
        }

        // The dry run plans the same steps for both.
        var plans: [[String]] = []
        for flow in [seed.path, exported.path] {
            let plan = try HopsProcess.run(["dry-run", flow], environment: environment)
            #expect(plan.status == 0, "\(plan.output)\(plan.error)")
            plans.append(["greet", "hosts", "count"].map { id in
                plan.output.split(separator: "\n").first { $0.contains(id) }.map { line in
                    line.contains("would run") ? "run" : line.contains("skip") ? "skip" : String(line)
                } ?? "missing"
            })
        }
        #expect(plans[0] == plans[1], "\(plans)")
    }
}
