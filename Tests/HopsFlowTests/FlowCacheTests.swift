import Foundation
import Testing

@testable import HopsFlow

@Suite("Readings of flows kept between commands")
struct FlowCacheTests {
    /// Everything a reading holds, as text: every stored field of the flow (`dump` reaches them all,
    /// locations included) and each diagnostic as rendered, source line and caret included. Only an
    /// object's index of its keys is left out: a dictionary, listed in an order of its own.
    static func everything(_ result: FlowLoadResult) -> String {
        var dumped = ""
        dump(result.flow, to: &dumped)
        var lines: [Substring] = []
        var skippingDeeperThan: Int?
        for line in dumped.split(separator: "\n") {
            let indentation = line.prefix { $0 == " " }.count
            if let depth = skippingDeeperThan, indentation > depth { continue }
            skippingDeeperThan = nil
            if line.contains("positions: Optional([") {
                skippingDeeperThan = indentation
                continue
            }
            lines.append(line)
        }
        return (lines + result.diagnostics.map { Substring($0.rendered()) }).joined(separator: "\n")
    }

    /// Every flow file of the corpus and the fixtures: both formats, with warnings and errors.
    static func flowFiles() throws -> [String] {
        let roots = [TestPaths.corpus, TestPaths.fixtures, TestPaths.testsFolder.appendingPathComponent("CheckFixtures").path]
        return roots.flatMap { root in
            (FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String } ?? [])
                .filter { $0.hasSuffix(".yaml") && !$0.hasSuffix("wmill.yaml") && !$0.contains("/resources/") }
                .map { (root as NSString).appendingPathComponent($0) }
        }.sorted()
    }

    @Test func everyFlowReadsBackFromTheCacheAsItWasRead() throws {
        let cache = FlowCache(directory: try TestPaths.temporaryFolder())
        let files = try Self.flowFiles()
        #expect(files.count >= 30)
        var kept = 0
        for file in files {
            let read = FlowLoader.read(path: file, cache: cache)
            let text = try String(contentsOfFile: file, encoding: .utf8)
            guard let reading = cache.reading(of: file, text: text) else {
                Issue.record("\(file): not kept")
                continue
            }
            kept += 1
            #expect(Self.everything(reading) == Self.everything(read), "\(file)")
            #expect(Self.everything(FlowLoader.read(path: file, cache: cache)) == Self.everything(read), "\(file)")
        }
        #expect(kept == files.count)
        // One private file per flow (it holds the flow's text), and no temporary file left behind.
        let entries = try FileManager.default.contentsOfDirectory(atPath: cache.directory)
        #expect(entries.count == files.count)
        for entry in entries {
            #expect(entry.hasSuffix(".flow") && !entry.hasPrefix("."), "\(entry)")
            let mode = try FileManager.default.attributesOfItem(atPath: cache.directory + "/" + entry)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(entry)")
        }
    }

    /// A seed tree: `windmill/flows/f.yaml` running `windmill/scripts/a.sh`; the flow's path.
    static func seedTree(script: Bool = true) throws -> String {
        let root = try TestPaths.temporaryFolder()
        try FileManager.default.createDirectory(atPath: root + "/windmill/flows", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root + "/windmill/scripts", withIntermediateDirectories: true)
        if script { try "echo a\n".write(toFile: root + "/windmill/scripts/a.sh", atomically: true, encoding: .utf8) }
        let flow = root + "/windmill/flows/f.yaml"
        try "summary: first\nsteps:\n  - id: one\n    script: a.sh\n".write(toFile: flow, atomically: true, encoding: .utf8)
        return flow
    }

    @Test func anEditedFlowIsReadAgain() throws {
        let cache = FlowCache(directory: try TestPaths.temporaryFolder())
        let flow = try Self.seedTree()
        #expect(FlowLoader.read(path: flow, cache: cache).flow?.summary == "first")
        #expect(FlowLoader.read(path: flow, cache: cache).flow?.summary == "first")
        try "summary: second\nsteps:\n  - id: one\n    script: a.sh\n".write(toFile: flow, atomically: true, encoding: .utf8)
        #expect(FlowLoader.read(path: flow, cache: cache).flow?.summary == "second")
    }

    @Test func aScriptThatAppearsOrGoesIsLookedUpAgain() throws {
        let cache = FlowCache(directory: try TestPaths.temporaryFolder())
        let flow = try Self.seedTree(script: false)
        let script = ((flow as NSString).deletingLastPathComponent as NSString).deletingLastPathComponent + "/scripts/a.sh"
        func resolved() -> (file: String?, warnings: [String]) {
            let result = FlowLoader.read(path: flow, cache: cache)
            guard case .script(let path)? = result.flow?.modules.first?.value else { return (nil, ["no script step"]) }
            return (path.resolvedFile, result.warnings.map(\.message))
        }
        #expect(resolved().file == nil)
        #expect(resolved().warnings.contains { $0.contains("script 'a.sh' of step 'one' not found") })
        try "echo a\n".write(toFile: script, atomically: true, encoding: .utf8)
        #expect(resolved().file == script)
        #expect(resolved().warnings.isEmpty)
        try FileManager.default.removeItem(atPath: script)
        #expect(resolved().file == nil)
    }

    @Test func anEditedInlineFileIsReadAgain() throws {
        let cache = FlowCache(directory: try TestPaths.temporaryFolder())
        let folder = try TestPaths.temporaryFolder() + "/f.flow"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try """
            summary: inline
            value:
              modules:
                - id: a
                  value:
                    type: rawscript
                    language: python3
                    content: '!inline a.py'
                    input_transforms: {}
            """.write(toFile: folder + "/flow.yaml", atomically: true, encoding: .utf8)
        func content() -> String? {
            guard case .rawScript(let script)? = FlowLoader.read(path: folder, cache: cache).flow?.modules.first?.value else { return nil }
            return script.content
        }
        try "def main():\n    return 1\n".write(toFile: folder + "/a.py", atomically: true, encoding: .utf8)
        #expect(content() == "def main():\n    return 1\n")
        #expect(content() == "def main():\n    return 1\n")
        try "def main():\n    return 2\n".write(toFile: folder + "/a.py", atomically: true, encoding: .utf8)
        #expect(content() == "def main():\n    return 2\n")
    }

    @Test func aDamagedEntryIsReadAsAMiss() throws {
        let directory = try TestPaths.temporaryFolder()
        let cache = FlowCache(directory: directory)
        let flow = try Self.seedTree()
        let read = Self.everything(FlowLoader.read(path: flow, cache: cache))
        let entries = try FileManager.default.contentsOfDirectory(atPath: directory)
        #expect(entries.count == 1)
        let entry = directory + "/" + (entries.first ?? "")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: entry))
        for damaged in [bytes.prefix(bytes.count / 2), bytes.prefix(bytes.count - 1), Data(repeating: 0xff, count: bytes.count)] {
            try damaged.write(to: URL(fileURLWithPath: entry))
            #expect(Self.everything(FlowLoader.read(path: flow, cache: cache)) == read)
            // The miss kept the reading anew.
            #expect(try Data(contentsOf: URL(fileURLWithPath: entry)) == bytes)
        }
    }

    @Test func theCacheKeepsTheNewestEntriesOnly() throws {
        let directory = try TestPaths.temporaryFolder()
        let cache = FlowCache(directory: directory)
        let flow = try Self.seedTree()
        let folder = (flow as NSString).deletingLastPathComponent
        for index in 0...FlowCache.maxEntries {
            let copy = folder + "/f\(index).yaml"
            try FileManager.default.copyItem(atPath: flow, toPath: copy)
            _ = FlowLoader.read(path: copy, cache: cache)
        }
        let kept = try FileManager.default.contentsOfDirectory(atPath: directory)
        #expect(kept.count == FlowCache.maxEntries * 3 / 4)
        // The newest is among them.
        let last = folder + "/f\(FlowCache.maxEntries).yaml"
        #expect(cache.reading(of: last, text: try String(contentsOfFile: last, encoding: .utf8)) != nil)
    }
}
