import CProcess
import Foundation
import HopsLang
import Synchronization
import Testing

@testable import HopsRun

/// A secret given to a bash step or a `hops:sh` command is on no command line while it runs, and
/// the step's work folder is private and gone afterwards.
@Suite struct SecretArgumentTests {
    static let secret = "SEKRET-tr1cky\"q/sl\\ü-\(UUID().uuidString.prefix(8))"
    /// What a `.env` line can hold without quoting rules.
    static let plainSecret = "SEKRET-ü-\(UUID().uuidString.prefix(8))"

    /// Every process's command line, read from /proc as any local user can.
    static func allCommandLines() -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.filter { Int($0) != nil }.compactMap { pid in
            FileManager.default.contents(atPath: "/proc/\(pid)/cmdline").map { String(decoding: $0, as: UTF8.self) }
        }
    }

    /// Waits (poll, 60 s at most) for the running step to write a line to `fifo`, then reads every
    /// command line while the step still runs; the step ends when the test writes back.
    static func commandLinesWhileRunning(fifo: String, release: String) throws -> [String] {
        let descriptor = open(fifo, O_RDWR)
        defer { close(descriptor) }
        var request = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        guard poll(&request, 1, 60_000) == 1 else { throw TestFailure("the step never said it was running") }
        var buffer = [UInt8](repeating: 0, count: 64)
        _ = read(descriptor, &buffer, buffer.count)
        let lines = allCommandLines()
        try "go\n".write(toFile: release, atomically: false, encoding: .utf8)
        return lines
    }

    struct TestFailure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    @Test func aBashStepsSecretArgumentIsOnNoCommandLine() throws {
        let repository = try TestRepository(files: [".env": "homeops/token=\(Self.plainSecret)\n"])
        defer { repository.remove() }
        let fifo = repository.root + "/ready"
        let release = repository.root + "/release"
        #expect(mkfifo(fifo, 0o600) == 0 && mkfifo(release, 0o600) == 0)
        let script = try Script.inline(
            """
            token="$1"
            ready="$2"
            release="$3"
            echo up > "$ready"
            read -r _ < "$release"
            echo "got $token"
            """, language: "bash", name: "holds-secret")
        let lines = Mutex<[String]>([])
        let outcome = Mutex<StepOutcome?>(nil)
        let finished = DispatchSemaphore(value: 0)
        let runner = repository.runner()
        Thread.detachNewThread {
            let result = runner.run(
                script,
                arguments: object([
                    ("token", .string("$var:f/homeops/token")), ("ready", .string(fifo)), ("release", .string(release)),
                ]), timeout: 60)
            outcome.withLock { $0 = result }
            finished.signal()
        }
        lines.withLock { $0 = (try? Self.commandLinesWhileRunning(fifo: fifo, release: release)) ?? [] }
        finished.wait()
        let seen = lines.withLock { $0 }
        #expect(seen.contains { $0.contains("holds-secret") || $0.contains("main.sh") }, "the step was seen running")
        #expect(!seen.contains { $0.contains(Self.plainSecret) }, "the secret is on no command line")
        let result = try #require(outcome.withLock { $0 })
        #expect(result.error == nil, "\(String(describing: result.error))")
        // The script got the secret whole: masked in its output as the exact value it is.
        #expect(result.stdout == "got ***\n")
    }

    @Test func aShCommandWithASecretIsOnNoCommandLine() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hops-sh-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let fifo = folder + "/ready"
        let release = folder + "/release"
        #expect(mkfifo(fifo, 0o600) == 0 && mkfifo(release, 0o600) == 0)
        let command = "token='\(Self.secret.replacingOccurrences(of: "'", with: "'\\''"))'; echo up > \(fifo); read -r _ < \(release); printf %s \"$token\" | wc -c | tr -d ' '"
        let result = Mutex<Value?>(nil)
        let finished = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            let value = try? BuiltinActions.sh(command, timeout: 60)
            result.withLock { $0 = value }
            finished.signal()
        }
        let seen = try Self.commandLinesWhileRunning(fifo: fifo, release: release)
        finished.wait()
        #expect(!seen.contains { $0.contains(Self.secret) })
        guard case .object(let object)? = result.withLock({ $0 }) else {
            Issue.record("sh returned no object")
            return
        }
        // Its length in bytes, which no locale changes (`${#token}` counts characters only in a UTF-8 one).
        #expect(json(object["stdout"]) == json(.string("\(Self.secret.utf8.count)\n")))
    }

    @Test func theWorkFolderIsPrivateAndRemoved() throws {
        let repository = try TestRepository()
        defer { repository.remove() }
        let script = try Script.inline(
            "def main():\n    import os, stat\n    folder = os.path.dirname(os.environ['HOPS_CONTEXT_FILE'])\n"
                + "    return {'folder': folder, 'modes': sorted({oct(stat.S_IMODE(os.stat(os.path.join(folder, n)).st_mode)) for n in os.listdir(folder)}),"
                + " 'self': oct(stat.S_IMODE(os.stat(folder).st_mode))}\n",
            language: "python3", name: "modes")
        let outcome = repository.runner().run(script, arguments: ObjectValue())
        guard case .object(let result)? = outcome.result, case .string(let folder)? = result["folder"] else {
            Issue.record("no result: \(String(describing: outcome.error))")
            return
        }
        #expect(json(result["self"]) == #""0o700""#)
        #expect(json(result["modes"]) == #"["0o600"]"#)
        #expect(!FileManager.default.fileExists(atPath: folder))
    }
}

/// Variables and state a script sets are private files, written whole.
@Suite struct StateFileTests {
    @Test(arguments: ["python3", "deno"])
    func setVariableAndStateWritePrivateFilesAtomically(language: String) throws {
        let repository = try TestRepository()
        defer { repository.remove() }
        let source =
            language == "python3"
            ? "import wmill\ndef main():\n    wmill.set_variable('u/me/token', 'SEKRET-1')\n    wmill.set_state({'n': 1})\n    return wmill.get_variable('u/me/token')\n"
            : "import * as wmill from 'windmill-client';\nexport async function main() {\n  await wmill.setVariable('u/me/token', 'SEKRET-1');\n  await wmill.setState({ n: 1 });\n  return await wmill.getVariable('u/me/token');\n}\n"
        let script = try Script.inline(source, language: language, name: "sets-\(language)")
        let outcome = repository.runner().run(script, arguments: ObjectValue())
        #expect(outcome.error == nil, "\(String(describing: outcome.error))")
        let context = repository.context()
        let folder = (context.variablesFile as NSString).deletingLastPathComponent
        let files = try FileManager.default.contentsOfDirectory(atPath: folder)
        #expect(!files.contains { $0.hasPrefix(".state-") }, "no temporary file left: \(files)")
        for path in [context.variablesFile, context.stateFile(for: "sets-\(language)")] {
            let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
            #expect(mode == 0o600, "mode of \(path)")
        }
        for path in [folder, (folder as NSString).deletingLastPathComponent] {
            let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
            #expect(mode == 0o700, "mode of \(path)")
        }
        let variables = try String(contentsOfFile: context.variablesFile, encoding: .utf8)
        #expect(variables.contains("SEKRET-1"))
    }
}

/// A script sees the variables and resources it names.
@Suite struct ScriptVisibilityTests {
    @Test func aScriptSeesOnlyTheVariablesItNames() throws {
        let repository = try TestRepository(files: [
            ".env": "homeops/asked=ASKED-1\nhomeops/other=OTHER-SEKRET-2\n",
            "windmill/resources/services/hook.yaml": "url: https://example.invalid/asked\n",
            "windmill/resources/services/other.yaml": "url: https://example.invalid/OTHER-RES-3\n",
        ])
        defer { repository.remove() }
        let script = try Script.inline(
            """
            import os, wmill
            def main():
                context = open(os.environ['HOPS_CONTEXT_FILE']).read()
                names = sorted(k for k in os.environ if k.startswith('WM_VAR_'))
                return {'asked': wmill.get_variable('f/homeops/asked'), 'hook': wmill.get_resource('f/services/hook')['url'],
                        'context': context, 'environment': names}
            """, language: "python3", name: "asks")
        let runner = repository.runner(extraEnvironment: ["WM_VAR_HOMEOPS_ASKED": "ASKED-1", "WM_VAR_HOMEOPS_UNASKED": "ENV-SEKRET-4"])
        let outcome = runner.run(script, arguments: ObjectValue())
        guard case .object(let result)? = outcome.result else {
            Issue.record("no result: \(String(describing: outcome.error))")
            return
        }
        #expect(json(result["asked"]) == #""ASKED-1""#)
        #expect(json(result["hook"]) == #""https://example.invalid/asked""#)
        let context = json(result["context"])
        #expect(!context.contains("OTHER-SEKRET-2") && !context.contains("OTHER-RES-3"))
        #expect(json(result["environment"]) == #"["WM_VAR_HOMEOPS_ASKED"]"#)
    }
}
