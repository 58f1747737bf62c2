#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Collects what a piece of work writes to standard output, so a notebook can keep a command's output.
///
/// Standard output is pointed at an unlinked temporary file for the duration (a file, unlike a pipe,
/// never blocks a writer however much it writes), then restored and the file read back.
enum OutputCapture {
    /// Runs `body` with standard output captured; returns its result and the captured text.
    /// When capturing cannot be set up, `body` runs uncaptured and the text is empty.
    static func capture<T>(_ body: () throws -> T) rethrows -> (result: T, output: String) {
        var template = Array("/tmp/hops-output-XXXXXX".utf8CString)
        let file = template.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress.map { mkstemp($0) } ?? -1
        }
        guard file >= 0 else { return (try body(), "") }
        // Unlinked at once: the file vanishes when closed, even if hops is killed meanwhile.
        template.withUnsafeBufferPointer { buffer in _ = buffer.baseAddress.map { unlink($0) } }
        defer { close(file) }
        let saved = dup(STDOUT_FILENO)
        guard saved >= 0, dup2(file, STDOUT_FILENO) >= 0 else {
            if saved >= 0 { close(saved) }
            return (try body(), "")
        }
        func restore() {
            dup2(saved, STDOUT_FILENO)
            close(saved)
        }
        let result: T
        do {
            result = try body()
        } catch {
            restore()
            throw error
        }
        restore()
        return (result, readAll(file))
    }

    private static func readAll(_ file: Int32) -> String {
        lseek(file, 0, SEEK_SET)
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 14)
        while true {
            let got = buffer.withUnsafeMutableBytes { read(file, $0.baseAddress, $0.count) }
            if got < 0 && errno == EINTR { continue }
            if got <= 0 { break }
            bytes.append(contentsOf: buffer[0..<got])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
