import Foundation
import Testing

/// A store that cannot be written, is damaged or is read-only: the user is told, with the file's
/// name and exit status 74, and what can be read still is.
@Suite(.serialized) struct StoreFailureTests {
    static let quickFlow = """
        summary: one quick step
        value:
          modules:
            - id: hello
              value:
                type: rawscript
                language: bash
                content: |
                  echo hello
                input_transforms: {}
        """

    static let loudFlow = """
        summary: a step that prints more than the disk holds
        value:
          modules:
            - id: loud
              value:
                type: rawscript
                language: bash
                content: |
                  head -c 400000 /dev/zero | tr '\\0' x
                  echo
                  echo done
                input_transforms: {}
        """

    /// A small tmpfs mounted on a fresh folder (the tests run as root); unmounted by `unmount`.
    struct SmallDisk {
        let folder: URL

        init(kilobytes: Int) throws {
            folder = try HopsProcess.temporaryDirectory()
            let status = try Self.command("/bin/mount", ["-t", "tmpfs", "-o", "size=\(kilobytes)k", "tmpfs", folder.path])
            // No silent skip: without the mount there is no test.
            #expect(status == 0, "mount a tmpfs (root is needed) on \(folder.path)")
            if status != 0 { throw HarnessError("cannot mount a tmpfs on \(folder.path)") }
        }

        func remountReadOnly() throws {
            let status = try Self.command("/bin/mount", ["-o", "remount,ro", folder.path])
            if status != 0 { throw HarnessError("cannot remount \(folder.path) read-only") }
        }

        func unmount() {
            _ = try? Self.command("/bin/umount", [folder.path])
            try? FileManager.default.removeItem(at: folder)
        }

        @discardableResult
        static func command(_ executable: String, _ arguments: [String]) throws -> Int32 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
            try process.run()
            process.waitUntilExit()
            return process.terminationStatus
        }
    }

    static func writeFlow(_ text: String, in folder: URL) throws -> String {
        let path = folder.appendingPathComponent("flow.yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func aFullDiskFailsTheRunWithTheStoreExitStatus() throws {
        let work = try HopsProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        let disk = try SmallDisk(kilobytes: 160)
        defer { disk.unmount() }
        let store = disk.folder.appendingPathComponent("store.db").path
        let flow = try Self.writeFlow(Self.loudFlow, in: work)
        let result = try HopsProcess.run(["flow", "run", flow, "--store", store])
        #expect(result.status == 74)
        #expect(result.error.contains("cannot write the hops store \(store): the disk is full"))
        #expect(!result.error.contains("flow succeeded"))
    }

    @Test func aFullDiskFailsANotebookRunWithTheStoreExitStatus() throws {
        let work = try HopsProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        let disk = try SmallDisk(kilobytes: 160)
        defer { disk.unmount() }
        let store = disk.folder.appendingPathComponent("store.db").path
        let notebook = work.appendingPathComponent("big.hops").path
        try "# %%\nlet big = \"x\".repeat(400000)\nbig.length\n".write(toFile: notebook, atomically: true, encoding: .utf8)
        let result = try HopsProcess.run(["run", notebook, "--store", store])
        #expect(result.status == 74)
        #expect(result.error.contains("cannot write the hops store \(store): the disk is full"))
    }

    @Test func aCorruptPageIsAnErrorNamingTheFile() throws {
        let work = try HopsProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        let store = work.appendingPathComponent("store.db").path
        let flow = try Self.writeFlow(Self.quickFlow, in: work)
        for _ in 0..<2 { #expect(try HopsProcess.run(["flow", "run", flow, "--store", store]).status == 0) }
        // Everything into the main file, then garbage over the page at the root of the runs table.
        let root = try sqlite(store, "PRAGMA wal_checkpoint(TRUNCATE); SELECT rootpage FROM sqlite_master WHERE name = 'runs'")
        let page = try #require(Int(root.split(separator: "\n").last ?? ""))
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: store))
        try handle.seek(toOffset: UInt64((page - 1) * 4096 + 8))
        try handle.write(contentsOf: Data(repeating: 0xA5, count: 1000))
        try handle.close()

        let run = try HopsProcess.run(["flow", "run", flow, "--store", store])
        #expect(run.status == 74)
        #expect(run.error.contains("\(store) is not a usable hops store"))
        let listing = try HopsProcess.run(["runs", "--store", store])
        #expect(listing.status == 74)
        #expect(listing.error.contains("\(store) is not a usable hops store"))
    }

    @Test func aReadOnlyStoreCanBeListedAndShown() throws {
        let work = try HopsProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        let disk = try SmallDisk(kilobytes: 4096)
        defer { disk.unmount() }
        let store = disk.folder.appendingPathComponent("store.db").path
        let flow = try Self.writeFlow(Self.quickFlow, in: work)
        #expect(try HopsProcess.run(["flow", "run", flow, "--store", store]).status == 0)
        try disk.remountReadOnly()

        let listing = try HopsProcess.run(["runs", "--store", store])
        #expect(listing.status == 0, "\(listing.error)")
        #expect(listing.output.contains("flow.yaml") && listing.output.contains("succeeded"))
        let shown = try HopsProcess.run(["show", "last", "hello", "--store", store])
        #expect(shown.status == 0, "\(shown.error)")
        #expect(shown.output.contains("hello"))
        let run = try HopsProcess.run(["flow", "run", flow, "--store", store])
        #expect(run.status == 74)
        #expect(run.error.contains(store))
    }

    @Test func aNewStoreIsPrivateToItsOwner() throws {
        let work = try HopsProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        let folder = work.appendingPathComponent("repo/.hops")
        let store = folder.appendingPathComponent("hops.db").path
        let flow = try Self.writeFlow(Self.quickFlow, in: work)
        #expect(try HopsProcess.run(["flow", "run", flow, "--store", store]).status == 0)
        for (path, mode) in [(folder.path, 0o700), (store, 0o600)] {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            #expect((attributes[.posixPermissions] as? Int) == mode, "mode of \(path)")
        }
    }

    private func sqlite(_ store: String, _ sql: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sqlite3", store, sql]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
