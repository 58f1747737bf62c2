import Foundation
import HopsStore
import Testing

@testable import HopsRun

/// A runner reads each script file once, and again as soon as it changed.
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
        func read() throws -> (script: Script, contentHash: String) { try #require(try files.script(atFirstOf: [file])) }
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
}
