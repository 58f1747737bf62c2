import Foundation
import Testing

/// Deno steps run with the permissions of Windmill's sandboxed workers, warm and `--isolate`d
/// alike: they read their repository and write their work and state folders, run only the programs
/// their source names, and are refused the rest with a message saying how to grant it.
@Suite(.serialized) struct DenoPermissionTests {
    /// `repo/windmill/f/p/probe.flow`: one Deno step whose `main` body is `body`; beside `repo`, a
    /// file `outside.txt` no step may read.
    func probe(_ body: String) throws -> (tree: URL, flow: String, outside: String) {
        let tree = try HopsProcess.temporaryDirectory()
        let outside = tree.appendingPathComponent("outside.txt")
        try "not for steps\n".write(to: outside, atomically: true, encoding: .utf8)
        let flow = try FlowSupport.writeWmillFlow(
            "f/p/probe",
            """
            summary: one Deno step
            value:
              modules:
                - id: probe
                  value:
                    type: rawscript
                    language: deno
                    content: '!inline probe.ts'
                    input_transforms:
                      target:
                        type: static
                        value: \(outside.path)
            schema:
              type: object
              properties: {}

            """, files: ["probe.ts": "export async function main(target: string) {\n\(body)\n}\n"],
            in: tree.appendingPathComponent("repo"))
        return (tree, flow, outside.path)
    }

    func run(_ flow: String, in tree: URL, isolate: Bool, environment: [String: String] = [:]) throws -> HopsProcess.Result {
        var arguments = ["flow", "run", flow, "--json"]
        if isolate { arguments.append("--isolate") }
        var environment = environment
        environment["HOPS_STORE"] = tree.appendingPathComponent("runs.db").path
        return try HopsProcess.run(arguments, environment: environment)
    }

    /// A relative TMPDIR is under the directory hops started in, as Foundation takes it: the step's
    /// work folder (its import map, its context) reaches the runtime, which runs in the repository,
    /// by its full path, and is removed after the run.
    @Test(arguments: [false, true]) func aRelativeTemporaryFolderIsTakenFromWhereHopsStarted(isolate: Bool) throws {
        let (tree, flow, _) = try probe("  return \"ran\";")
        defer { try? FileManager.default.removeItem(at: tree) }
        let temporary = tree.appendingPathComponent("tmp")
        try FileManager.default.createDirectory(at: temporary, withIntermediateDirectories: true)
        let result = try HopsProcess.run(
            ["flow", "run", flow, "--json"] + (isolate ? ["--isolate"] : []),
            environment: ["TMPDIR": "tmp", "HOPS_STORE": tree.appendingPathComponent("runs.db").path],
            currentDirectory: tree)
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.contains("\"result\": \"ran\""), "\(result.output)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: temporary.path).isEmpty)
    }

    @Test(arguments: [false, true]) func aFileOutsideTheRepositoryIsRefusedWithHowToGrantIt(isolate: Bool) throws {
        let (tree, flow, outside) = try probe("  return await Deno.readTextFile(target);")
        defer { try? FileManager.default.removeItem(at: tree) }
        let refused = try run(flow, in: tree, isolate: isolate)
        #expect(refused.status == 1)
        #expect(refused.error.contains("NotCapable: Requires read access to"), "\(refused.error)")
        #expect(refused.error.contains("HOPS_DENO_FLAGS"), "\(refused.error)")
        #expect(!refused.output.contains("not for steps"))

        // HOPS_DENO_FLAGS adds to the permissions, or with --allow-all stands for them all.
        for flags in ["--allow-read=\(outside)", "--allow-all"] {
            let granted = try run(flow, in: tree, isolate: isolate, environment: ["HOPS_DENO_FLAGS": flags])
            #expect(granted.status == 0, "\(flags): \(granted.error)")
            #expect(granted.output.contains("not for steps"), "\(granted.output)")
        }
    }

    @Test(arguments: [false, true]) func procIsRefusedAndTheSystemFiguresAreGranted(isolate: Bool) throws {
        let (tree, flow, _) = try probe(
            """
              const memory = Deno.systemMemoryInfo();
              let environ = "read";
              try { await Deno.readTextFile("/proc/self/environ"); } catch (error) { environ = (error as Error).name; }
              return { memory: memory.total > 0, load: Deno.loadavg().length, environ };
            """)
        defer { try? FileManager.default.removeItem(at: tree) }
        let result = try run(flow, in: tree, isolate: isolate)
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.contains("\"memory\": true") && result.output.contains("\"load\": 3"), "\(result.output)")
        #expect(result.output.contains("\"environ\": \"NotCapable\""), "\(result.output)")
    }

    @Test(arguments: [false, true]) func onlyProgramsTheSourceNamesRun(isolate: Bool) throws {
        let (tree, flow, _) = try probe(
            """
              const named = await new Deno.Command("true").output();
              const other = ["i", "d"].join("");
              let unnamed = "ran";
              try { await new Deno.Command(other).output(); } catch (error) { unnamed = (error as Error).message; }
              return { named: named.success, unnamed };
            """)
        defer { try? FileManager.default.removeItem(at: tree) }
        let result = try run(flow, in: tree, isolate: isolate)
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.contains("\"named\": true"), "\(result.output)")
        #expect(result.output.contains("Requires run access to \\\"id\\\""), "\(result.output)")
    }

    @Test(arguments: [false, true]) func writingIsForTheWorkAndStateFoldersOnly(isolate: Bool) throws {
        let (tree, flow, _) = try probe(
            """
              let repository = "written";
              try { await Deno.writeTextFile("planted.txt", "x"); } catch (error) { repository = (error as Error).name; }
              let outside = "written";
              try { await Deno.writeTextFile(target, "x"); } catch (error) { outside = (error as Error).name; }
              const wm = await import("windmill-client");
              await wm.setState({ seen: true });
              return { repository, outside, state: await wm.getState() };
            """)
        defer { try? FileManager.default.removeItem(at: tree) }
        let result = try run(flow, in: tree, isolate: isolate)
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.contains("\"repository\": \"NotCapable\""), "\(result.output)")
        #expect(result.output.contains("\"outside\": \"NotCapable\""), "\(result.output)")
        #expect(result.output.contains("\"seen\": true"), "\(result.output)")
        #expect(!FileManager.default.fileExists(atPath: tree.appendingPathComponent("repo/planted.txt").path))
        #expect(try String(contentsOf: tree.appendingPathComponent("outside.txt"), encoding: .utf8) == "not for steps\n")
    }
}
