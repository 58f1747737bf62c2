import Foundation
import HopsStore
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The script files a runner has read, with their content hashes: a file is read and hashed again
/// only when it changed, so a loop or a resumed flow of many steps of one script reads it once,
/// and a script edited while a flow runs is the edited one from its next step on.
final class ScriptFiles: Sendable {
    /// A script as read, and what `stat` said of its file then.
    private struct Entry {
        var file: FileIdentity
        var script: Script
        var contentHash: String
    }

    /// Device, inode, size and the times of the last change: another value means another content.
    private struct FileIdentity: Equatable {
        var device: UInt64
        var inode: UInt64
        var size: Int64
        var modified: timespec
        var changed: timespec

        /// What `stat` says of `path`; nil when it is not there or is a folder.
        init?(path: String) {
            var info = stat()
            guard stat(path, &info) == 0, info.st_mode & S_IFMT != S_IFDIR else { return nil }
            device = UInt64(info.st_dev)
            inode = UInt64(info.st_ino)
            size = Int64(info.st_size)
            modified = info.st_mtim
            changed = info.st_ctim
        }

        static func == (left: FileIdentity, right: FileIdentity) -> Bool {
            left.device == right.device && left.inode == right.inode && left.size == right.size
                && left.modified.tv_sec == right.modified.tv_sec && left.modified.tv_nsec == right.modified.tv_nsec
                && left.changed.tv_sec == right.changed.tv_sec && left.changed.tv_nsec == right.changed.tv_nsec
        }

        /// Whether the file changed in the second before `date` or since: the file system's clock is
        /// coarse, so a write in that time could leave the times as they were.
        func changedShortly(before date: timespec) -> Bool {
            changed.tv_sec >= date.tv_sec - 1
        }
    }

    private let entries = Mutex<[String: Entry]>([:])

    /// The script in the first of `candidates` that is a file (its language from its extension) and
    /// the content hash of its text; nil when none is.
    func script(atFirstOf candidates: some Sequence<String>) throws -> (script: Script, contentHash: String)? {
        for path in candidates {
            // One `stat` finds the file and tells whether it changed.
            guard let identity = FileIdentity(path: path) else { continue }
            if let entry = entries.withLock({ $0[path] }), entry.file == identity {
                return (entry.script, entry.contentHash)
            }
            var now = timespec()
            clock_gettime(CLOCK_REALTIME, &now)
            let script = try Script.file(path)
            let contentHash = CacheKey.contentHash(script.content)
            // A file read in the second it changed is read again next time: what was read may be older
            // than a write the times do not show.
            if !identity.changedShortly(before: now) {
                entries.withLock { $0[path] = Entry(file: identity, script: script, contentHash: contentHash) }
            }
            return (script, contentHash)
        }
        return nil
    }
}
