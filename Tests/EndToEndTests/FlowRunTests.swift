import Foundation
import Testing

/// `hops flow run` on the flows of `windmill/` that run on any Linux machine, with their real results.
@Suite(.serialized) struct FlowRunTests {
    @Test func systemHealthChecksThisMachine() throws {
        let folder = try HopsProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (result, object) = try FlowSupport.runJSON(
            FlowSupport.windmillPath("flows/monitoring/system-health.yaml"),
            inputs: ["max_load_per_cpu=100", "disk_threshold=100", "memory_threshold=100", "process_count=3"], in: folder)
        #expect(result.status == 0, "\(result.error)")
        #expect(object["status"] as? String == "succeeded")
        #expect((object["run"] as? String)?.isEmpty == false)
        let disk = try #require(FlowSupport.step("check_disk", in: object)?["result"] as? [String: Any])
        let mounts = try #require(disk["mounts"] as? [[String: Any]])
        #expect(mounts.first?["used_percent"] is NSNumber)
        #expect(FlowSupport.step("check_memory", in: object)?["status"] as? String == "succeeded")
        let processes = FlowSupport.step("top_processes", in: object)?["result"]
        #expect(((processes as? [String: Any])?["processes"] as? [Any])?.count ?? (processes as? [Any])?.count == 3)
        let summary = try #require(FlowSupport.step("summarize", in: object)?["result"] as? [String: Any])
        #expect(summary["status"] as? String == "healthy")
        #expect(FlowSupport.step("notify_degraded", in: object)?["status"] as? String == "skipped")
        for step in object["steps"] as? [[String: Any]] ?? [] { #expect(step["duration_ms"] is NSNumber) }
        // Not a terminal: one plain progress line per step.
        #expect(result.error.contains("check_disk … ok "))
        #expect(result.error.contains("notify_degraded … skipped"))
    }

    @Test func systemHealthInTheWmillLayout() throws {
        let folder = try HopsProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (result, object) = try FlowSupport.runJSON(
            FlowSupport.windmillPath("f/homeops/system_health.flow"),
            inputs: ["max_load_per_cpu=100", "threshold=100", "memory_threshold=100"], in: folder)
        #expect(result.status == 0, "\(result.error)\n\(result.output)")
        #expect(object["status"] as? String == "succeeded")
        let steps = object["steps"] as? [[String: Any]] ?? []
        #expect(steps.count >= 3)
        #expect(!steps.contains { $0["status"] as? String == "failed" })
    }

    @Test func httpHealthCheckRecordsWhatIsDown() throws {
        let folder = try HopsProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("ok\n".utf8).write(to: folder.appendingPathComponent("health"))
        let server = try LoopbackServer(serving: folder)
        defer { server.stop() }
        let closed = try LoopbackServer.freePort()
        let urls = [
            "http://127.0.0.1:\(server.port)/health", "http://127.0.0.1:\(server.port)/missing", "http://127.0.0.1:\(closed)/",
        ]
        let list = "urls=[" + urls.map { "\"\($0)\"" }.joined(separator: ",") + "]"
        let (result, object) = try FlowSupport.runJSON(
            FlowSupport.windmillPath("flows/monitoring/http-health-check.yaml"), inputs: [list, "timeout_ms=3000"], in: folder)
        #expect(result.status == 0, "\(result.error)")
        let checks = try #require(FlowSupport.step("check_endpoints", in: object)?["result"] as? [[String: Any]])
        #expect(checks.count == 3)
        #expect(checks[0]["ok"] as? Bool == true)
        #expect(checks[0]["status"] as? Int == 200)
        #expect(checks[1]["ok"] as? Bool == false)
        #expect(checks[1]["status"] as? Int == 404)
        #expect(checks[2]["ok"] as? Bool == false)
        let summary = try #require(FlowSupport.step("summarize", in: object)?["result"] as? [String: Any])
        #expect(summary["status"] as? String == "degraded")
        #expect((summary["failures"] as? [Any])?.count == 2)
        #expect(FlowSupport.step("send_alerts", in: object)?["status"] as? String == "succeeded")
    }

    @Test func httpHealthCheckInTheWmillLayout() throws {
        let folder = try HopsProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("ok\n".utf8).write(to: folder.appendingPathComponent("health"))
        let server = try LoopbackServer(serving: folder)
        defer { server.stop() }
        // Endpoints that are up: the alert branch (whose notify step is covered by the seed flow) stays off.
        let list = "urls=[\"http://127.0.0.1:\(server.port)/health\",\"http://127.0.0.1:\(server.port)/\"]"
        let (result, object) = try FlowSupport.runJSON(
            FlowSupport.windmillPath("f/homeops/http_health_check.flow"), inputs: [list], in: folder)
        #expect(result.status == 0, "\(result.error)")
        let checks = try #require(FlowSupport.step("check_endpoints", in: object)?["result"] as? [[String: Any]])
        #expect(checks.map { $0["ok"] as? Bool } == [true, true])
        #expect(checks.map { $0["status"] as? Int } == [200, 200])
        #expect(FlowSupport.step("notify_down", in: object, place: "alert[0]") == nil)
    }

    @Test func cleanupOldLogsDryRunThenForReal() throws {
        let folder = try HopsProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        try makeFixtures(in: folder)
        let logs = folder.appendingPathComponent("logs")
        let flow = FlowSupport.windmillPath("flows/maintenance/cleanup-old-logs.yaml")
        let all = ["app.log", "worker.log", "app-2024-01.log", "archive/backup-job.log", "notes.txt"]
        // A folder outside the repository is the Deno sandbox's to refuse until the operator grants it.
        let refused = try HopsProcess.run(["flow", "run", flow, "-i", "folder=\(logs.path)", "--store", folder.appendingPathComponent("store.db").path])
        #expect(refused.status == 1)
        #expect(refused.error.contains("Requires read access to \"\(logs.path)\""), "\(refused.error)")
        #expect(refused.error.contains("HOPS_DENO_FLAGS"), "\(refused.error)")
        let granted = ["HOPS_DENO_FLAGS": "--allow-read=\(logs.path) --allow-write=\(logs.path)"]
        let (dry, dryObject) = try FlowSupport.runJSON(flow, inputs: ["folder=\(logs.path)"], in: folder, environment: granted)
        #expect(dry.status == 0, "\(dry.error)")
        let planned = try #require(FlowSupport.step("cleanup_logs", in: dryObject)?["result"] as? [String: Any])
        #expect(planned["dry_run"] as? Bool == true)
        #expect((planned["deleted"] as? [Any])?.count == 2)
        for name in all { #expect(FileManager.default.fileExists(atPath: logs.appendingPathComponent(name).path), "\(name)") }

        let (real, realObject) = try FlowSupport.runJSON(
            flow, inputs: ["folder=\(logs.path)", "dry_run=false"], in: folder, environment: granted)
        #expect(real.status == 0, "\(real.error)")
        let done = try #require(FlowSupport.step("cleanup_logs", in: realObject)?["result"] as? [String: Any])
        #expect(done["dry_run"] as? Bool == false)
        #expect((done["bytes_freed"] as? Int ?? 0) > 0)
        for name in ["app.log", "worker.log", "notes.txt"] {
            #expect(FileManager.default.fileExists(atPath: logs.appendingPathComponent(name).path), "\(name) kept")
        }
        for name in ["app-2024-01.log", "archive/backup-job.log"] {
            #expect(!FileManager.default.fileExists(atPath: logs.appendingPathComponent(name).path), "\(name) deleted")
        }
        let report = FlowSupport.step("report", in: realObject)
        #expect(report?["status"] as? String == "succeeded")
    }

    @Test func sqliteVacuumShrinksTheFixtureDatabase() throws {
        let folder = try HopsProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        try makeFixtures(in: folder)
        let database = folder.appendingPathComponent("homeops.db").path
        let (result, object) = try FlowSupport.runJSON(
            FlowSupport.windmillPath("flows/maintenance/sqlite-vacuum.yaml"), inputs: ["db_path=\(database)"], in: folder)
        #expect(result.status == 0, "\(result.error)")
        let vacuum = try #require(FlowSupport.step("vacuum", in: object)?["result"] as? [String: Any])
        let before = try #require(vacuum["size_before"] as? Int)
        let after = try #require(vacuum["size_after"] as? Int)
        #expect(after < before)
        let size = try FileManager.default.attributesOfItem(atPath: database)[.size] as? Int
        #expect(size == after)
    }

    @Test func dockerHealthSaysThereIsNoEngine() throws {
        let folder = try HopsProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try HopsProcess.run(
            [
                "flow", "run", FlowSupport.windmillPath("flows/infrastructure/docker-health-monitoring.yaml"), "-i", "project=web",
                "--store", folder.appendingPathComponent("s.db").path,
            ],
            environment: ["DOCKER_HOST": "unix://" + folder.appendingPathComponent("no-docker.sock").path])
        #expect(result.status == 1, "\(result.output)\n\(result.error)")
        #expect(result.error.contains("error: step list_services: "), "\(result.error)")
        #expect(result.error.contains("no Docker engine is reachable"), "\(result.error)")
        #expect(result.error.contains("flow failed"))
    }

    /// The deployment checks its project folder before it ever asks Docker (whose absence it then
    /// meets only after a minute of retries, too long for a test).
    @Test func deployServiceStopsAtItsPreDeployCheck() throws {
        let folder = try HopsProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let missing = folder.appendingPathComponent("no-such-project").path
        let result = try HopsProcess.run([
            "flow", "run", FlowSupport.windmillPath("flows/deployment/deploy-service.yaml"), "-i", "project_name=web",
            "-i", "project_dir=\(missing)", "--store", folder.appendingPathComponent("s.db").path,
        ], environment: ["HOPS_DENO_FLAGS": "--allow-read=\(folder.path)"])
        #expect(result.status == 1, "\(result.error)")
        #expect(result.error.contains("error: step pre_deploy_checks: "), "\(result.error)")
        #expect(result.error.contains("project folder does not exist: \(missing)"), "\(result.error)")
    }

    /// Runs windmill/fixtures/make-fixtures.py into `folder`.
    private func makeFixtures(in folder: URL) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", FlowSupport.windmillPath("fixtures/make-fixtures.py"), folder.path]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0)
    }
}
