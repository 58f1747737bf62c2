import Foundation
import Testing

@testable import HopsRun

/// The versions of runtime binaries remembered across commands, and what makes them forgotten.
@Suite struct RuntimeVersionsTests {
    @Test func aBinaryIsKnownByItsFileAndAScriptIsNot() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hops-versions-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let copy = folder.appendingPathComponent("true").path
        try FileManager.default.copyItem(atPath: "/bin/true", toPath: copy)
        let identity = try #require(RuntimeVersions.identity(of: copy))
        #expect(identity.hasPrefix(copy + ":"))
        // Through a link, the same file.
        let link = folder.appendingPathComponent("link").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: copy)
        #expect(RuntimeVersions.identity(of: link) == identity)
        // A shim is a script: it answers for whatever it starts, so it is never remembered.
        let shim = folder.appendingPathComponent("shim").path
        try "#!/bin/sh\nexec /bin/true \"$@\"\n".write(toFile: shim, atomically: true, encoding: .utf8)
        chmod(shim, 0o755)
        #expect(RuntimeVersions.identity(of: shim) == nil)
        #expect(RuntimeVersions.identity(of: folder.appendingPathComponent("missing").path) == nil)

        let versions = try #require(RuntimeVersions(environment: ["HOPS_HOME": folder.appendingPathComponent("home").path]))
        #expect(versions.version(for: identity) == nil)
        versions.remember("true 1.0", for: identity)
        #expect(versions.version(for: identity) == "true 1.0")
        // Another binary put in its place (here: the same one written again) is another file.
        try FileManager.default.removeItem(atPath: copy)
        try FileManager.default.copyItem(atPath: "/bin/true", toPath: copy)
        let replaced = try #require(RuntimeVersions.identity(of: copy))
        #expect(replaced != identity)
        #expect(versions.version(for: replaced) == nil)
        versions.remember("true 2.0", for: replaced)
        #expect(versions.version(for: replaced) == "true 2.0")
        // One line per path: the old binary's is gone.
        let text = try String(contentsOfFile: versions.file, encoding: .utf8)
        #expect(text.split(separator: "\n").count == 1)
        #expect(RuntimeVersions(environment: [:]) == nil)
    }
}
