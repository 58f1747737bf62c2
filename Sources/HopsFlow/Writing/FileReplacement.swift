import Foundation

/// Writes `bytes` to a new file beside `path` with `mode`, then renames it over `path`: a reader
/// sees the old file or the new one, never a part. Not synced: a crash of the machine may lose
/// the new file, never leave half of it under `path`'s name. nil when done, else why not.
public func replaceFile(_ path: String, with bytes: some ContiguousBytes, mode: mode_t) -> String? {
    let temporary = (path as NSString).deletingLastPathComponent
        + "/.\((path as NSString).lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
    let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
    guard descriptor >= 0 else { return String(cString: strerror(errno)) }
    var failure: String?
    bytes.withUnsafeBytes { buffer in
        var offset = 0
        while offset < buffer.count {
            let written = Foundation.write(descriptor, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                failure = String(cString: strerror(errno))
                return
            }
            offset += written
        }
    }
    // The mode exactly as asked, whatever the umask.
    if failure == nil, fchmod(descriptor, mode) != 0 { failure = String(cString: strerror(errno)) }
    if close(descriptor) != 0, failure == nil { failure = String(cString: strerror(errno)) }
    if failure == nil, rename(temporary, path) != 0 { failure = String(cString: strerror(errno)) }
    if failure != nil { unlink(temporary) }
    return failure
}
