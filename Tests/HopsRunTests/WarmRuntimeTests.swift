import Foundation
import HopsLang
import Testing

@testable import HopsRun

/// Warm deno and python3 processes: one per script and run, a fresh module instance per step.
@Suite struct WarmRuntimeTests {
    /// A repository holding the script `file` (and `more` files), a runner of warm processes, and the script.
    func warmScript(_ file: String, _ source: String, more: [String: String] = [:]) throws -> (TestRepository, ScriptRunner, Script) {
        let repository = try TestRepository(files: more.merging([file: source]) { _, new in new })
        do {
            return (repository, repository.runner(), try Script.file(repository.root + "/" + file))
        } catch {
            repository.remove()
            throw error
        }
    }

    /// A script counting its own calls in top-level state, returning the count and its process id.
    static let counters = [
        ("count.ts", "let calls = 0;\nexport function main(n: number) {\n  calls++;\n  console.log(`step ${n}`);\n  return { calls, n, pid: Deno.pid };\n}\n"),
        ("count.py", "import os\ncalls = 0\ndef main(n):\n    global calls\n    calls += 1\n    print(f'step {n}')\n    return {'calls': calls, 'n': n, 'pid': os.getpid()}\n"),
    ]

    @Test(arguments: counters)
    func eachStepGetsAFreshModuleInTheSameProcess(file: String, source: String) throws {
        let (repository, runner, script) = try warmScript(file, source)
        defer { repository.remove() }
        var pids: Set<Int> = []
        for n in 1...3 {
            let outcome = runner.run(script, arguments: object([("n", .number(Double(n)))]), timeout: 60)
            #expect(outcome.error == nil, "\(outcome.error.map { "\($0)" } ?? "")")
            guard case .object(let result)? = outcome.result else {
                Issue.record("no result: \(outcome)")
                continue
            }
            #expect(json(result["calls"]) == "1", "top-level state leaked into step \(n)")
            #expect(json(result["n"]) == "\(n)")
            #expect(outcome.stdout == "step \(n)\n")
            if case .number(let pid)? = result["pid"] { pids.insert(Int(pid)) }
        }
        #expect(pids.count == 1, "the steps ran in \(pids.count) processes")
    }

    @Test(arguments: counters)
    func isolatedStepsEachGetAProcess(file: String, source: String) throws {
        let repository = try TestRepository(files: [file: source])
        defer { repository.remove() }
        let runner = ScriptRunner(context: repository.context(), isolate: true)
        let script = try Script.file(repository.root + "/" + file)
        let pids = (1...2).compactMap { n -> Double? in
            guard case .object(let result)? = runner.run(script, arguments: object([("n", .number(Double(n)))]), timeout: 60).result,
                case .number(let pid)? = result["pid"]
            else { return nil }
            return pid
        }
        #expect(pids.count == 2 && pids[0] != pids[1])
    }

    static let crashers = [
        ("crash.ts", "export function main(crash: boolean) {\n  if (crash) Deno.exit(3);\n  return Deno.pid;\n}\n"),
        ("crash.py", "import os\ndef main(crash):\n    if crash:\n        os._exit(3)\n    return os.getpid()\n"),
    ]

    @Test(arguments: crashers)
    func aCrashFailsOnlyTheRunningStepAndTheNextGetsANewProcess(file: String, source: String) throws {
        let (repository, runner, script) = try warmScript(file, source)
        defer { repository.remove() }
        let first = runner.run(script, arguments: object([("crash", .bool(false))]), timeout: 60)
        #expect(first.error == nil)
        let crashed = runner.run(script, arguments: object([("crash", .bool(true))]), timeout: 60)
        let error = try #require(crashed.error)
        #expect(error.kind == .exitStatus)
        #expect(error.message.contains("exited with status 3"), "\(error)")
        let next = runner.run(script, arguments: object([("crash", .bool(false))]), timeout: 60)
        #expect(next.error == nil, "\(next.error.map { "\($0)" } ?? "")")
        #expect(next.result != nil && json(next.result) != json(first.result), "the step after a crash ran in the crashed process")
    }

    /// A warm process that exits while idle, after its step (from a timer the script left): the next
    /// step gets a new process instead of writing to a pipe nobody reads, which ended hops.
    @Test func aProcessThatEndsWhileIdleIsReplacedForTheNextStep() throws {
        // The harness writes the outcome before a timer runs: the exit comes after it.
        let (repository, runner, script) = try warmScript(
            "leave.ts", "export function main() {\n  setTimeout(() => Deno.exit(0), 0);\n  return Deno.pid;\n}\n")
        defer { repository.remove() }
        let first = runner.run(script, arguments: ObjectValue(), timeout: 60)
        #expect(first.error == nil, "\(first.error.map { "\($0)" } ?? "")")
        guard case .number(let pid)? = first.result else {
            Issue.record("no result: \(first)")
            return
        }
        #expect(!processStaysAlive(pid_t(pid)), "the harness did not exit after the step")
        let next = runner.run(script, arguments: ObjectValue(), timeout: 60)
        #expect(next.error == nil, "\(next.error.map { "\($0)" } ?? "")")
        #expect(next.result != nil && json(next.result) != json(first.result), "the step was sent to the process that had ended")
    }

    /// Scripts that close their standard output, each returning its process id.
    static let closers = [
        ("close.ts", "export function main() {\n  Deno.stdout.close();\n  return Deno.pid;\n}\n"),
        ("close.py", "import os, sys\ndef main():\n    sys.stdout.close()\n    return os.getpid()\n"),
        ("closefd.py", "import os\ndef main():\n    os.close(1)\n    return os.getpid()\n"),
    ]

    /// A step that closes its stdout gets its result, as it would on Windmill, and the next step a
    /// new process: its output could not be told from the one before.
    @Test(arguments: closers)
    func aStepThatClosesItsOutputKeepsItsResultAndTheNextGetsANewProcess(file: String, source: String) throws {
        let (repository, runner, script) = try warmScript(file, source)
        defer { repository.remove() }
        let outcomes = (1...2).map { _ in runner.run(script, arguments: ObjectValue(), timeout: 60) }
        for outcome in outcomes {
            #expect(outcome.error == nil, "\(outcome.error.map { "\($0)" } ?? "")")
            if case .number? = outcome.result {} else { Issue.record("no process id: \(outcome)") }
        }
        #expect(json(outcomes[0].result) != json(outcomes[1].result), "the second step ran in the process whose output was closed")
    }

    /// Scripts that move to another folder and set a variable when asked, returning what they found.
    static let movers = [
        ("move.ts", "export function main(move: boolean) {\n  const seen = { folder: Deno.cwd(), leak: Deno.env.get(\"HOPS_TEST_LEAK\") ?? null, pid: Deno.pid };\n  if (move) {\n    Deno.chdir(\"sub\");\n    Deno.env.set(\"HOPS_TEST_LEAK\", \"yes\");\n  }\n  return seen;\n}\n"),
        ("move.py", "import os\ndef main(move):\n    seen = {'folder': os.getcwd(), 'leak': os.environ.get('HOPS_TEST_LEAK'), 'pid': os.getpid()}\n    if move:\n        os.chdir('sub')\n        os.environ['HOPS_TEST_LEAK'] = 'yes'\n    return seen\n"),
    ]

    /// A step's change of folder or environment does not reach the next step in the same process,
    /// as it would not in a process of its own.
    @Test(arguments: movers)
    func eachStepStartsInTheFolderAndEnvironmentOfTheFirst(file: String, source: String) throws {
        let (repository, runner, script) = try warmScript(file, source, more: ["sub/.keep": ""])
        defer { repository.remove() }
        let first = runner.run(script, arguments: object([("move", .bool(true))]), timeout: 60)
        let second = runner.run(script, arguments: object([("move", .bool(false))]), timeout: 60)
        guard case .object(let before)? = first.result, case .object(let after)? = second.result else {
            Issue.record("no results: \(first) \(second)")
            return
        }
        #expect(json(after["pid"]) == json(before["pid"]), "the steps ran in two processes")
        #expect(json(after["folder"]) == json(before["folder"]), "the first step's chdir reached the second")
        #expect(json(after["leak"]) == "null", "the first step's variable reached the second")
    }

    @Test func aTimeoutKillsTheWarmProcessAndWhatItStarted() throws {
        let repository = try TestRepository()
        defer { repository.remove() }
        let pidFile = repository.root + "/child.pid"
        let script = try Script.inline(
            """
            import os, subprocess, time
            def main(hang):
                if not hang:
                    return os.getpid()
                child = subprocess.Popen(['sleep', '300'])
                with open(\(Value.string(pidFile).jsonString() ?? ""), 'w') as f:
                    f.write(str(child.pid))
                print('hanging', flush=True)
                time.sleep(300)
            """, language: "python3", name: "hang")
        let runner = repository.runner()
        let before = runner.run(script, arguments: object([("hang", .bool(false))]), timeout: 60)
        #expect(before.error == nil)
        let outcome = runner.run(script, arguments: object([("hang", .bool(true))]), timeout: 2)
        #expect(outcome.error?.kind == .timeout)
        #expect(outcome.error?.message == "timed out after 2s")
        #expect(outcome.stdout == "hanging\n")
        let child = try #require(pid_t(try String(contentsOfFile: pidFile, encoding: .utf8)))
        #expect(!processStaysAlive(child), "the script's child outlived the timeout")
        if case .number(let pid)? = before.result { #expect(!processStaysAlive(pid_t(pid)), "the warm process outlived the timeout") }
        let after = runner.run(script, arguments: object([("hang", .bool(false))]), timeout: 60)
        #expect(after.error == nil)
        #expect(json(after.result) != json(before.result))
    }

    @Test func aSecretReadInAWarmStepIsMaskedInItsLog() throws {
        let repository = try TestRepository(files: [
            ".env": "f/x/token=s3cr3t-value\n",
            "read.py": "import wmill\ndef main():\n    print(wmill.get_variable('f/x/token'))\n    return 1\n",
        ])
        defer { repository.remove() }
        let runner = repository.runner()
        let script = try Script.file(repository.root + "/read.py")
        for _ in 1...2 {
            let outcome = runner.run(script, arguments: ObjectValue(), timeout: 60)
            #expect(outcome.error == nil)
            #expect(!outcome.stdout.contains("s3cr3t-value") && !outcome.stdout.isEmpty, "\(outcome.stdout)")
        }
    }

    @Test func aPyenvShimResolvesAsPyenvResolvesIt() throws {
        let repository = try TestRepository(files: [
            "pyenv/shims/python3": "#!/bin/sh\n", "pyenv/version": "3.99.1\n",
            "pyenv/versions/3.99.1/bin/python3": "#!/bin/sh\n", "pyenv/versions/3.98.0/bin/python3": "#!/bin/sh\n",
            "project/.python-version": "# pinned for this project\n3.98.0\n", "project/sub/notes.txt": "",
        ])
        defer { repository.remove() }
        for file in ["pyenv/shims/python3", "pyenv/versions/3.99.1/bin/python3", "pyenv/versions/3.98.0/bin/python3"] {
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: repository.root + "/" + file)
        }
        let shim = repository.root + "/pyenv/shims/python3"
        let versions = repository.root + "/pyenv/versions/"
        func resolve(_ environment: [String: String], in folder: String) -> String? {
            Interpreters.pyenvInterpreter(shim: shim, environment: environment, folder: repository.root + folder)
        }
        #expect(resolve([:], in: "/project/sub") == versions + "3.98.0/bin/python3")
        #expect(resolve([:], in: "/pyenv") == versions + "3.99.1/bin/python3")
        #expect(resolve(["PYENV_VERSION": "system:3.99.1"], in: "/project") == versions + "3.99.1/bin/python3")
        // What only pyenv itself can decide goes through the shim.
        #expect(resolve(["PYENV_VERSION": "3.99"], in: "/project") == nil)
        #expect(resolve(["PYENV_VERSION": "system"], in: "/project") == nil)
        #expect(Interpreters.pyenvInterpreter(shim: "/usr/bin/python3", environment: [:], folder: repository.root) == nil)
    }
}
