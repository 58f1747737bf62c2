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
        var hasher = SHA256()
        for part in ["hops-cache-key-v1", runner, runnerVersion] { update(&hasher, with: part) }
        scriptContent.withUnsafeBytes { update(&hasher, with: $0) }
        update(&hasher, with: argumentsCanonicalJSON)
        return hex(hasher.finalize())
    }

    /// The same key for a script given as text.
    public static func make(
        runner: String, runnerVersion: String, scriptContent: String, argumentsCanonicalJSON: String
    ) -> String {
        var hasher = SHA256()
        for part in ["hops-cache-key-v1", runner, runnerVersion, scriptContent, argumentsCanonicalJSON] {
            update(&hasher, with: part)
        }
        return hex(hasher.finalize())
    }

    /// Adds one part, prefixed with its length: its UTF-8 bytes, hashed where they lie (the key is made for every step).
    private static func update(_ hasher: inout SHA256, with part: String) {
        var part = part
        part.withUTF8 { update(&hasher, with: UnsafeRawBufferPointer($0)) }
    }

    private static func update(_ hasher: inout SHA256, with bytes: UnsafeRawBufferPointer) {
        var length = UInt64(bytes.count).bigEndian
        withUnsafeBytes(of: &length) { hasher.update(bufferPointer: $0) }
        hasher.update(bufferPointer: bytes)
    }

    /// Hex SHA-256 of `data` (a flow file's or a script's content hash).
    public static func contentHash(_ data: Data) -> String { hex(SHA256.hash(data: data)) }

    /// Hex SHA-256 of `text` as UTF-8.
    public static func contentHash(_ text: String) -> String { contentHash(Data(text.utf8)) }

    private static func hex(_ digest: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in digest {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
