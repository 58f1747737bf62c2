import Foundation
import HopsLang
import Testing

@testable import HopsRun

@Suite struct ScriptRunnerTests {
    static let typeScript = """
        export async function main(name: string, count: number = 3, options: { loud: boolean } = { loud: false }) {
          console.log("hello from deno");
          return { greeting: `hi ${name}`, count, loud: options.loud };
        }
        """
    static let python = """
        def main(name: str, count: int = 3, loud: bool = False):
            print("hello from python")
            return {"greeting": f"hi {name}", "count": count, "loud": loud}
        """

    @Test(arguments: [("greet.ts", typeScript), ("greet.py", python)])
    func argumentsByNameWithDefaults(file: String, source: String) throws {
        let repository = try TestRepository(files: ["scripts/" + file: source])
        defer { repository.remove() }
        let script = try Script.file(repository.root + "/scripts/" + file)
        let outcome = repository.runner().run(script, arguments: object([("name", .string("ada"))]), timeout: 60)
        #expect(outcome.error == nil, "\(outcome.error.map { "\($0)" } ?? "")")
        #expect(json(outcome.result) == #"{"count":3,"greeting":"hi ada","loud":false}"#)
        #expect(outcome.stdout.contains("hello from"))

        let loud: Value = file.hasSuffix(".ts") ? .object(object([("loud", .bool(true))])) : .bool(true)
        let key = file.hasSuffix(".ts") ? "options" : "loud"
        let second = repository.runner().run(
            script, arguments: object([(key, loud), ("count", .number(7)), ("name", .string("bo"))]), timeout: 60)
        #expect(json(second.result) == #"{"count":7,"greeting":"hi bo","loud":true}"#)
    }

    @Test func bashArgumentsFollowTheScriptsNamedPositions() throws {
        let repository = try TestRepository()
        defer { repository.remove() }
        // Windmill names bash parameters by `name="$N"` lines; the step gives them in another order.
        let script = try Script.inline(
            "message=\"$1\"\nlevel=\"${2:-info}\"\necho \"\\\"$level:$message:$3\\\"\"\n", language: "bash", name: "n")
        let outcome = repository.runner().run(
            script, arguments: object([("extra", .string("e")), ("level", .string("error")), ("message", .string("down"))]))
        #expect(json(outcome.result) == #""error:down:e""#)
        let defaulted = repository.runner().run(script, arguments: object([("message", .string("up"))]))
        #expect(json(defaulted.result) == #""info:up:""#)
    }

    @Test func bashTakesPositionalArgumentsAndReturnsItsLastLine() throws {
        let repository = try TestRepository()
        defer { repository.remove() }
        let script = try Script.inline(
            "echo \"log: $1\"\necho \"{\\\"first\\\": \\\"$1\\\", \\\"second\\\": $2}\"\n", language: "bash", name: "b")
        let outcome = repository.runner().run(
            script, arguments: object([("a", .string("x y")), ("b", .array([.number(1), .number(2)]))]))
        #expect(json(outcome.result) == #"{"first":"x y","second":[1,2]}"#)
        #expect(outcome.stdout.hasPrefix("log: x y"))

        let text = repository.runner().run(try Script.inline("echo not json", language: "bash", name: "t"), arguments: ObjectValue())
        #expect(json(text.result) == #""not json""#)
    }

    @Test(arguments: [
        ("t.ts", "export function main() { throw new TypeError('bad input'); }", StepError.Kind.thrown, "bad input"),
        ("t.py", "def main():\n    raise ValueError('bad input')\n", .thrown, "bad input"),
        ("t.sh", "echo failing >&2\nexit 4\n", .exitStatus, "exited with status 4"),
        ("t.ts", "export function main() { return 10n; }", .result, "not JSON-serialisable"),
        ("t.py", "def main():\n    return {1, 2}\n", .result, "not JSON-serialisable"),
        ("t.ts", "export function notMain() { return 1; }", .missingMain, "does not export a function named main"),
        ("t.py", "def other():\n    return 1\n", .missingMain, "does not define a function named main"),
    ])
    func failuresAreClear(file: String, source: String, kind: StepError.Kind, message: String) throws {
        let repository = try TestRepository(files: [file: source])
        defer { repository.remove() }
        let outcome = repository.runner().run(try Script.file(repository.root + "/" + file), arguments: ObjectValue(), timeout: 60)
        let error = try #require(outcome.error)
        #expect(error.kind == kind)
        #expect(error.message.contains(message), "\(error)")
        if file.hasSuffix(".sh") { #expect(error.stderrTail == "failing") }
    }

    @Test func aMissingScriptIsNamed() throws {
        #expect(throws: RunError.scriptNotFound("/nowhere/x.ts")) { try Script.file("/nowhere/x.ts") }
    }

    @Test func unsupportedLanguage() {
        #expect(throws: RunError.unsupportedLanguage("go")) { try Script.inline("", language: "go", name: "g") }
        #expect("\(RunError.unsupportedLanguage("go"))" == "language go is not supported by hops")
    }

    @Test func timeoutKillsTheScript() throws {
        let repository = try TestRepository()
        defer { repository.remove() }
        let script = try Script.inline(
            "import time\ndef main():\n    print('working', flush=True)\n    time.sleep(30)\n", language: "python3", name: "slow")
        let started = Date()
        let outcome = repository.runner().run(script, arguments: ObjectValue(), timeout: 1)
        #expect(outcome.error?.kind == .timeout)
        #expect(outcome.error?.message == "timed out after 1s")
        #expect(outcome.stdout == "working\n")
        #expect(Date().timeIntervalSince(started) < 10)
    }

    @Test func denoIsNotFoundClearly() throws {
        let runtimes = Runtimes(
            repositoryRoot: "/nonexistent", environment: ["PATH": "/nonexistent"], binaryDirectory: "/nonexistent")
        #expect(throws: RunError.denoNotFound) { try runtimes.deno() }
        #expect("\(RunError.denoNotFound)" == "deno not found: run `make deps` or set HOPS_DENO")
    }
}
