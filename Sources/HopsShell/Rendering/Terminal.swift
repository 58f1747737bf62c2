import Foundation
import HopsStore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Facts about the standard streams and unbuffered writing to them.
public enum Terminal {
    /// Whether the file descriptor is a terminal.
    public static func isTerminal(_ descriptor: Int32) -> Bool { isatty(descriptor) == 1 }

    /// Colour only on a terminal, and only when `NO_COLOR` is unset or empty (no-color.org).
    public static func useColor(on descriptor: Int32) -> Bool {
        guard isTerminal(descriptor) else { return false }
        if let value = getenv("NO_COLOR"), value.pointee != 0 { return false }
        return true
    }

    /// Writes text to standard output, every secret learnt so far masked.
    public static func writeOutput(_ text: String) { write(SecretMask.redact(text), to: STDOUT_FILENO) }

    /// Writes text to standard error, every secret learnt so far masked.
    public static func writeError(_ text: String) { write(SecretMask.redact(text), to: STDERR_FILENO) }

    /// Writes bytes (a step's binary output) to standard output as they are, secrets masked.
    public static func writeOutput(_ bytes: Data) {
        SecretMask.redact(bytes).withUnsafeBytes { write($0, to: STDOUT_FILENO) }
    }

    /// Writes all of `text` to the descriptor, retrying short writes and interruptions.
    public static func write(_ text: String, to descriptor: Int32) {
        var text = text
        text.withUTF8 { write(UnsafeRawBufferPointer($0), to: descriptor) }
    }

    private static func write(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32) {
        guard let base = bytes.baseAddress else { return }
        var offset = 0
        while offset < bytes.count {
            let written = unistdWrite(descriptor, base + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            offset += written
        }
    }
}

private func unistdWrite(_ descriptor: Int32, _ pointer: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
        Glibc.write(descriptor, pointer, count)
    #else
        Darwin.write(descriptor, pointer, count)
    #endif
}
