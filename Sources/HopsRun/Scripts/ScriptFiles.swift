import Foundation
import HopsStore
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The script files a runner has read, with their content hashes: a file is read and hashed again
/// only when it changed, so a loop or a resumed flow of many steps of one script reads it once.
///
/// A file is looked at (`stat`) once a pass. A pass ends when a step ran, which may have written a
/// script, and when the user asks for the next step or run (`lookAgain`): a script edited while a
/// flow runs is the edited one from the next step after a step that ran, and the steps a resume or
/// a cache reuses in between, which take no time, see one state of the tree.
final class ScriptFiles: Sendable {
    /// A script as read, and what `stat` said of its file then.
    private struct Entry {
        var file: FileIdentity
        var script: Script
        var contentHash: String
        /// The pass in which the file was last looked at.
        var pass: UInt64
        /// Whether a later pass may take the script as read when the file looks the same: not when
        /// it was read in the second it changed (the file system's clock is coarse, so what was read
        /// may be older than a write the times do not show).
        var lasts: Bool
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

        /// Whether the file changed in the second before `date` or since.
        func changedShortly(before date: timespec) -> Bool {
            changed.tv_sec >= date.tv_sec - 1
        }
    }

    private struct State {
        var entries: [String: Entry] = [:]
        /// The paths found missing (or a folder) in this pass.
        var missing: Set<String> = []
        var pass: UInt64 = 0
    }

    private let state = Mutex(State())

    /// What the pass knows of a path.
    private enum Seen {
        case missing
        case read(Entry)
        case notThisPass(Entry?)
    }

    /// Ends the pass: each file is looked at again when a step next asks for it.
    func lookAgain() {
        state.withLock { state in
            state.pass &+= 1
            state.missing.removeAll(keepingCapacity: true)
        }
    }

    /// The script in the first of `candidates` that is a file (its language from its extension) and
    /// the content hash of its text; nil when none is.
    func script(atFirstOf candidates: some Sequence<String>) throws -> (script: Script, contentHash: String)? {
        for path in candidates {
            // The pass as the file is looked at: a pass that ends meanwhile looks at it again.
            let (seen, pass): (Seen, UInt64) = state.withLock { state in
                if state.missing.contains(path) { return (.missing, state.pass) }
                guard let entry = state.entries[path] else { return (.notThisPass(nil), state.pass) }
                return (entry.pass == state.pass ? .read(entry) : .notThisPass(entry), state.pass)
            }
            let earlier: Entry?
            switch seen {
            case .missing: continue
            case .read(let entry): return (entry.script, entry.contentHash)
            case .notThisPass(let entry): earlier = entry
            }
            // One `stat` finds the file and tells whether it changed.
            guard let identity = FileIdentity(path: path) else {
                state.withLock { state in
                    if state.pass == pass { state.missing.insert(path) }
                    state.entries[path] = nil
                }
                continue
            }
            var entry: Entry
            if let earlier, earlier.lasts, earlier.file == identity {
                entry = earlier
            } else {
                var now = timespec()
                clock_gettime(CLOCK_REALTIME, &now)
                let script = try Script.file(path)
                entry = Entry(
                    file: identity, script: script, contentHash: CacheKey.contentHash(script.content), pass: pass,
                    lasts: !identity.changedShortly(before: now))
            }
            entry.pass = pass
            state.withLock { $0.entries[path] = entry }
            return (entry.script, entry.contentHash)
        }
        return nil
    }
}
