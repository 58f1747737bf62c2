import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Readings of flows kept between commands, one file each in `directory`: a resume or a run of a flow
/// whose text has not changed skips composing its YAML and reading its steps (most of what a flow of
/// a thousand steps costs to load).
///
/// A kept reading is used only by the hops binary that made it, for the same file (a relative path
/// named from the same folder), while the flow's text is the same byte for byte and every file the
/// reading looked up (scripts, `!inline` files, the folders that mark a repository or a Windmill
/// tree) is found as it was. Anything else, or an entry that cannot be read, is a miss: the flow is
/// read again and kept anew. A cache that cannot be written only costs that.
public struct FlowCache: Sendable {
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    /// The reading of `file` kept here, if it still holds for `text` and the files it looked up.
    func reading(of file: String, text: String) -> FlowLoadResult? {
        let name = Self.name(of: file)
        guard let binary = Self.binary, let data = FileManager.default.contents(atPath: entryPath(named: name)) else { return nil }
        var reader = ModelReader(Array(data))
        do {
            guard try reader.rawString() == Self.header, try reader.rawString() == binary,
                try reader.rawString() == name, try reader.sameText(text)
            else { return nil }
            let lookups = try reader.array { try FileLookups.Lookup(from: &$0) }
            guard FileLookups.stillHold(lookups) else { return nil }
            return try FlowLoadResult(from: &reader, file: file, text: text)
        } catch {
            return nil
        }
    }

    /// Keeps `result`, the reading of `file` as `text`, which looked up `lookups`.
    func keep(_ result: FlowLoadResult, of file: String, text: String, lookups: [FileLookups.Lookup]) {
        guard let binary = Self.binary else { return }
        let name = Self.name(of: file)
        var writer = ModelWriter()
        do {
            for part in [Self.header, binary, name, text] {
                writer.rawString(part)
            }
            writer.array(lookups) { $1.write(to: &$0) }
            try result.write(to: &writer, file: file, text: text)
        } catch {
            return  // a value a flow's YAML does not make (a function): not kept
        }
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            return
        }
        // Not synced: an entry a crash of the machine cut short reads as damaged, which is a miss.
        guard replaceFile(entryPath(named: name), with: writer.bytes, mode: 0o600) == nil else { return }
        trim()
    }

    /// Entries kept at most; past it, the least recently written go first.
    static let maxEntries = 256

    /// Removes the oldest entries, down to three quarters of `maxEntries`, once there are more than that.
    private func trim() {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory), names.count > Self.maxEntries else {
            return
        }
        let entries = names.map { directory + "/" + $0 }.map { path -> (path: String, written: Date) in
            let attributes = try? FileManager.default.attributesOfItem(atPath: path)
            return (path, attributes?[.modificationDate] as? Date ?? .distantPast)
        }
        for entry in entries.sorted(by: { $0.written < $1.written }).prefix(names.count - Self.maxEntries * 3 / 4) {
            unlink(entry.path)
        }
    }

    /// The entry of a file by its `name(of:)`: a hash of the name (the entry holds the name too, and
    /// is a miss for another name that hashes the same).
    private func entryPath(named name: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a
        for byte in name.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return directory + "/" + String(hash, radix: 16) + ".flow"
    }

    /// `file` as a reading of it depends on: an absolute path alone, a relative one with the
    /// current folder (the names and paths in the reading are as given).
    private static func name(of file: String) -> String {
        file.hasPrefix("/") ? file : FileManager.default.currentDirectoryPath + "\0" + file
    }

    /// Changed when what an entry holds changes shape.
    private static let header = "hops flow reading 1"

    /// The running binary, as its file and modification time: another build may read flows otherwise.
    /// Nil when it cannot be told, and then nothing is kept.
    private static let binary: String? = {
        var status = stat()
        #if os(Linux)
            let executable = "/proc/self/exe"
        #else
            let executable = CommandLine.arguments.first ?? ""
        #endif
        guard stat(executable, &status) == 0 else { return nil }
        #if os(Linux)
            let modified = status.st_mtim
        #else
            let modified = status.st_mtimespec
        #endif
        return "\(status.st_dev) \(status.st_ino) \(status.st_size) \(modified.tv_sec).\(modified.tv_nsec)"
    }()
}
