import Crypto
import Foundation

/// The content-addressed cache key of a step, and content hashes of sources and scripts.
public enum CacheKey {
    /// Hex SHA-256 over the runner, its version, the script's content and the arguments.
    ///
    /// Each part is prefixed with its length, so no two different tuples share a key.
    /// `argumentsCanonicalJSON` must be canonical (object keys sorted, no whitespace) so that equal
    /// arguments give equal keys, and must hold secrets as their reference (`$var:f/x/token`), never
    /// their value: a key must not change when a secret rotates, nor reveal it.
    public static func make(
        runner: String, runnerVersion: String, scriptContent: Data, argumentsCanonicalJSON: String
    ) -> String {
        scriptContent.withUnsafeBytes {
            make(runner: runner, runnerVersion: runnerVersion, script: $0, argumentsCanonicalJSON: argumentsCanonicalJSON)
        }
    }

    /// The same key for a script given as text.
    public static func make(
        runner: String, runnerVersion: String, scriptContent: String, argumentsCanonicalJSON: String
    ) -> String {
        var scriptContent = scriptContent
        return scriptContent.withUTF8 {
            make(
                runner: runner, runnerVersion: runnerVersion, script: UnsafeRawBufferPointer($0),
                argumentsCanonicalJSON: argumentsCanonicalJSON)
        }
    }

    private static func make(
        runner: String, runnerVersion: String, script: UnsafeRawBufferPointer, argumentsCanonicalJSON: String
    ) -> String {
        let parts = ["hops-cache-key-v1", runner, runnerVersion]
        var message = KeyMessage(
            capacity: 8 * 5 + parts.reduce(0) { $0 + $1.utf8.count } + script.count + argumentsCanonicalJSON.utf8.count)
        for part in parts { message.append(part) }
        message.append(script)
        message.append(argumentsCanonicalJSON)
        return message.digest()
    }

    /// The bytes a key hashes, gathered first and hashed at once: each call into SHA-256 costs more
    /// than the few bytes most parts are (the key is made for every step). Each part is prefixed
    /// with its length, big-endian.
    private struct KeyMessage {
        var bytes: [UInt8] = []

        /// Room for `capacity` bytes at once: the message is not copied as it grows.
        init(capacity: Int) { bytes.reserveCapacity(capacity) }

        mutating func append(_ part: String) {
            var part = part
            part.withUTF8 { append(UnsafeRawBufferPointer($0)) }
        }

        mutating func append(_ part: UnsafeRawBufferPointer) {
            withUnsafeBytes(of: UInt64(part.count).bigEndian) { bytes += $0 }
            bytes += part
        }

        func digest() -> String { hex(SHA256.hash(data: bytes)) }
    }

    /// Hex SHA-256 of `data` (a flow file's or a script's content hash).
    public static func contentHash(_ data: Data) -> String { hex(SHA256.hash(data: data)) }

    /// Hex SHA-256 of `text` as UTF-8.
    public static func contentHash(_ text: String) -> String { contentHash(Data(text.utf8)) }

    /// The digest's bytes read at once: iterating a digest as a sequence was a quarter of a key's cost.
    private static func hex(_ digest: SHA256.Digest) -> String {
        digest.withUnsafeBytes { bytes in
            String(unsafeUninitializedCapacity: 2 * bytes.count) { buffer in
                for (index, byte) in bytes.enumerated() {
                    buffer[2 * index] = hexDigit(byte >> 4)
                    buffer[2 * index + 1] = hexDigit(byte & 0x0f)
                }
                return 2 * bytes.count
            }
        }
    }

    private static func hexDigit(_ value: UInt8) -> UInt8 { value < 10 ? 48 + value : 87 + value }
}
