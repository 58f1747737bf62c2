#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reading whole files (or standard input, named `-`) as bytes, fast and without Foundation.
public enum FileContents {
    /// A file that could not be read, with the system's reason.
    public struct ReadError: Error, Sendable, CustomStringConvertible {
        public var path: String
        public var reason: String

        public var description: String { "cannot read \(path): \(reason)" }
    }

    /// The bytes of the file at `path`; `-` reads standard input to its end.
    public static func bytes(atPath path: String) throws(ReadError) -> [UInt8] {
        let descriptor = path == "-" ? STDIN_FILENO : open(path, O_RDONLY)
        guard descriptor >= 0 else { throw ReadError(path: path, reason: String(cString: strerror(errno))) }
        defer { if descriptor != STDIN_FILENO { close(descriptor) } }
        var info = stat()
        var capacity = 1 << 16
        if fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            throw ReadError(path: path, reason: "it is a directory")
        }
        if fstat(descriptor, &info) == 0, info.st_size > 0 { capacity = Int(info.st_size) + 1 }
        var result = [UInt8](repeating: 0, count: capacity)
        var count = 0
        while true {
            if count == result.count { result.append(contentsOf: repeatElement(0, count: result.count)) }
            let got = result.withUnsafeMutableBytes { buffer in
                read(descriptor, buffer.baseAddress.map { $0 + count }, buffer.count - count)
            }
            if got < 0 {
                if errno == EINTR { continue }
                throw ReadError(path: path, reason: String(cString: strerror(errno)))
            }
            if got == 0 { break }
            count += got
        }
        result.removeSubrange(count...)
        return result
    }

    /// Calls `body` with the bytes of the file at `path` (`-` for standard input). A regular file is
    /// mapped rather than read, so that a large one is neither zero-filled nor copied first.
    public static func withBytes<Result>(
        atPath path: String, _ body: (UnsafeBufferPointer<UInt8>) throws -> Result
    ) throws -> Result {
        let descriptor = path == "-" ? -1 : open(path, O_RDONLY)
        if descriptor >= 0 {
            defer { close(descriptor) }
            var info = stat()
            if fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_size > 0 {
                let length = Int(info.st_size)
                if let mapped = mmap(nil, length, PROT_READ, MAP_PRIVATE, descriptor, 0), mapped != MAP_FAILED {
                    defer { munmap(mapped, length) }
                    return try body(UnsafeBufferPointer(start: mapped.assumingMemoryBound(to: UInt8.self), count: length))
                }
            }
        }
        return try bytes(atPath: path).withUnsafeBufferPointer(body)
    }

    /// The text of the file at `path` (`-` for standard input), decoded as UTF-8.
    public static func text(atPath path: String) throws(ReadError) -> String {
        String(decoding: try bytes(atPath: path), as: UTF8.self)
    }
}
