import Foundation
import Testing

/// Script dependencies as Windmill installs them, through `hops flow run`: a Python step's lock
/// installs from PyPI into a cached virtual environment that later runs and other flows reuse; a
/// package pip cannot install, and a Deno import that cannot be fetched, are errors naming them.
@Suite(.serialized) struct ScriptDependencyTests {
    /// A wmill flow folder with one Python step whose lock is `lock`.
    func pythonFlow(in tree: URL, name: String, lock: String) throws -> String {
        let folder = tree.appendingPathComponent("f/deps/\(name).flow")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try """
            summary: a python step with a lock
            value:
              modules:
                - id: shout
                  value:
                    type: rawscript
                    language: python3
                    content: '!inline shout.py'
                    lock: '!inline shout.lock'
                    input_transforms:
                      word:
                        type: static
                        value: hello
            schema:
              type: object
              properties: {}

            """.write(to: folder.appendingPathComponent("flow.yaml"), atomically: true, encoding: .utf8)
        try """
            import six


            def main(word: str):
                return {"six": six.__version__, "shout": six.ensure_str(word).upper()}

            """.write(to: folder.appendingPathComponent("shout.py"), atomically: true, encoding: .utf8)
        try lock.write(to: folder.appendingPathComponent("shout.lock"), atomically: true, encoding: .utf8)
        return folder.path
    }

    @Test func aLockedPythonPackageInstallsOnceAndIsReused() throws {
        let tree = try HopsProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tree) }
        let environment = ["HOPS_HOME": tree.appendingPathComponent("home").path, "HOPS_STORE": tree.appendingPathComponent("runs.db").path]
        let first = try pythonFlow(in: tree, name: "first", lock: "# py311\nsix==1.16.0\n")
        let run = try HopsProcess.run(["flow", "run", first, "--json"], environment: environment)
        #expect(run.status == 0, "\(run.error)")
        #expect(run.output.contains("\"six\": \"1.16.0\"") && run.output.contains("\"shout\": \"HELLO\""), "\(run.output)")
        #expect(run.error.contains("installing Python packages for shout: six==1.16.0"), "\(run.error)")
        #expect(run.error.contains("Successfully installed six-1.16.0"), "\(run.error)")

        // Again, and from another flow with the same lock: the environment is there, nothing is installed.
        let second = try pythonFlow(in: tree, name: "second", lock: "six==1.16.0\n")
        for flow in [first, second] {
            let again = try HopsProcess.run(["flow", "run", flow, "--json"], environment: environment)
            #expect(again.status == 0, "\(again.error)")
            #expect(again.output.contains("\"shout\": \"HELLO\""))
            #expect(!again.error.contains("installing"), "\(again.error)")
        }
        let environments = try FileManager.default.contentsOfDirectory(atPath: tree.appendingPathComponent("home/python").path)
        #expect(environments.filter { !$0.hasSuffix(".lock") }.count == 1, "\(environments)")
    }

    @Test func aPackageThatCannotBeInstalledIsNamed() throws {
        let tree = try HopsProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tree) }
        let home = tree.appendingPathComponent("home")
        let flow = try pythonFlow(in: tree, name: "missing", lock: "hops-no-such-package-zz9==1.0\n")
        let run = try HopsProcess.run(
            ["flow", "run", flow], environment: ["HOPS_HOME": home.path, "HOPS_STORE": tree.appendingPathComponent("runs.db").path])
        #expect(run.status == 1)
        #expect(run.error.contains("cannot install the Python package 'hops-no-such-package-zz9==1.0' from PyPI"), "\(run.error)")
        // Nothing half-installed is kept: the next run tries again.
        let kept = (try? FileManager.default.contentsOfDirectory(atPath: home.appendingPathComponent("python").path)) ?? []
        #expect(kept.allSatisfy { $0.hasSuffix(".lock") }, "\(kept)")
    }

    @Test func aDenoImportThatCannotBeFetchedIsNamed() throws {
        let tree = try HopsProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tree) }
        let folder = tree.appendingPathComponent("f/deps/imports.flow")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try """
            summary: imports that cannot be fetched
            value:
              modules:
                - id: remote
                  continue_on_error: true
                  value:
                    type: rawscript
                    language: deno
                    content: |
                      // a module on a port nothing listens on
                      import { x } from "http://127.0.0.1:9/mod.ts";
                      export function main() { return x; }
                    input_transforms: {}
                - id: package
                  value:
                    type: rawscript
                    language: deno
                    content: |
                      import pad from "npm:hops-no-such-package-zz9@1.0.0";
                      export function main() { return pad; }
                    input_transforms: {}
            schema:
              type: object
              properties: {}

            """.write(to: folder.appendingPathComponent("flow.yaml"), atomically: true, encoding: .utf8)
        let run = try HopsProcess.run(
            ["flow", "run", folder.path],
            environment: ["HOPS_STORE": tree.appendingPathComponent("runs.db").path, "DENO_DIR": tree.appendingPathComponent("deno").path])
        #expect(run.status == 1)
        #expect(run.error.contains("remote … failed"), "\(run.error)")
        #expect(run.error.contains("cannot fetch the import 'http://127.0.0.1:9/mod.ts' (line 2 of the script)"), "\(run.error)")
        #expect(run.error.contains("cannot fetch the import 'npm:hops-no-such-package-zz9@1.0.0' (line 1 of the script)"), "\(run.error)")
        #expect(!run.error.contains("hops-step-"), "\(run.error)")
    }
}
