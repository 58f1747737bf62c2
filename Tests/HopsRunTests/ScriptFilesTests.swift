import Foundation
import HopsFlow
import HopsLang
import HopsStore
import Testing

@testable import HopsRun

/// A runner reads each script file once, and again as soon as it changed; it looks at a file once
/// a pass (until a step runs or the user asks for the next step).
@Suite struct ScriptFilesTests {
    /// Rewrites `file` in place: the same inode and, here, the same length.
    static func rewrite(_ file: String, _ text: String) throws {
        let handle = try #require(FileHandle(forWritingAtPath: file))
        try handle.write(contentsOf: Data(text.utf8))
        try handle.close()
    }

    @Test func aChangedScriptIsReadAgainEvenInTheSecondItWasRead() throws {
        let repository = try TestRepository(files: ["step.sh": "echo one\n"])
        defer { repository.remove() }
        let file = repository.root + "/step.sh"
        let files = ScriptFiles()
        func read() throws -> (script: Script, contentHash: String) {
            files.lookAgain()
            return try #require(try files.script(atFirstOf: [file]))
        }
        #expect(try read().script.content == "echo one\n")
        try Self.rewrite(file, "echo two\n")
        let changed = try read()
        #expect(changed.script.content == "echo two\n")
        #expect(changed.contentHash == CacheKey.contentHash("echo two\n"))

        // An older file is kept after its first read; a change of it is still seen.
        Thread.sleep(forTimeInterval: 1.1)
        #expect(try read().script.content == "echo two\n")
        #expect(try read().contentHash == CacheKey.contentHash("echo two\n"))
        try Self.rewrite(file, "echo six\n")
        let again = try read()
        #expect(again.script.content == "echo six\n")
        #expect(again.contentHash == CacheKey.contentHash("echo six\n"))
        #expect(again.script.language == .bash)
    }

    @Test func theFirstCandidateThatIsAFileIsRead() throws {
        let repository = try TestRepository(files: ["windmill/scripts/step.sh": "echo one\n"])
        defer { repository.remove() }
        let candidates = [repository.root + "/missing.sh", repository.root + "/windmill", repository.root + "/windmill/scripts/step.sh"]
        #expect(try ScriptFiles().script(atFirstOf: candidates)?.script.file == candidates[2])
        #expect(try ScriptFiles().script(atFirstOf: candidates.prefix(2)) == nil)
    }

    @Test func aFileIsLookedAtOnceAPass() throws {
        let repository = try TestRepository(files: ["step.sh": "echo one\n"])
        defer { repository.remove() }
        let file = repository.root + "/step.sh"
        let missing = repository.root + "/missing.sh"
        let files = ScriptFiles()
        #expect(try files.script(atFirstOf: [missing, file])?.script.content == "echo one\n")
        try Self.rewrite(file, "echo two\n")
        try repository.write("missing.sh", "echo new\n")
        #expect(try files.script(atFirstOf: [missing, file])?.script.content == "echo one\n")
        files.lookAgain()
        #expect(try files.script(atFirstOf: [missing, file])?.script.content == "echo new\n")
        try FileManager.default.removeItem(atPath: missing)
        files.lookAgain()
        #expect(try files.script(atFirstOf: [missing, file])?.script.content == "echo two\n")
    }

    /// Steps reused in between see one state of the tree; a step that ran ends the pass, so the
    /// steps after it hash (and so key) the script as that step left it.
    @Test func aScriptWrittenByAStepIsHashedAsWrittenByTheStepsAfterIt() throws {
        let repository = try TestRepository(files: ["windmill/scripts/say.sh": "echo one\n"])
        defer { repository.remove() }
        let store = try RunStore.open(path: repository.root + "/.hops/hops.db")
        let say = { (id: String) in FlowModule(id: id, value: .script(PathScript(path: "say.sh"))) }
        let flow = Flow(modules: [
            say("before"),
            bash("edit", "printf 'echo two\\n' > \"$1/windmill/scripts/say.sh\"; echo done", [("root", .static(.string(repository.root)))]),
            say("after"),
        ])
        let result = FlowExecutor(flow: flow, runner: repository.runner(), options: ExecutionOptions(store: store)).run()
        #expect(result.status == .succeeded, "\(result.error.map { "\($0)" } ?? "")")
        #expect(result.steps.map { json($0.result) } == [#""one""#, #""done""#, #""two""#])
        let runID = try #require(result.runID)
        let record = try #require(try store.run(runID))
        #expect(record.steps.map(\.scriptHash) == [
            CacheKey.contentHash("echo one\n"), record.steps[1].scriptHash, CacheKey.contentHash("echo two\n"),
        ])
    }

    /// A subflow that gives each step a process of its own (`dedicated_worker: false`) gets a runner
    /// of its own, which looks at files in the same passes: a step it runs ends the caller's pass.
    @Test func aSubflowsRunnerSharesTheFilesOfItsCaller() throws {
        let repository = try TestRepository()
        defer { repository.remove() }
        let runner = repository.runner()
        var isolating = Flow(modules: [])
        isolating.extras = JSONValue(.object(ObjectValue([("dedicated_worker", .bool(false))])))
        let isolated = runner.forFlow(isolating)
        #expect(isolated.warm == nil)
        #expect(isolated.scriptFiles === runner.scriptFiles)
    }
}
