import Foundation

/// Replaces every occurrence of known secret values in a text with `***` before it is stored.
///
/// Arguments reach the store with secrets already replaced by their reference (`$var:f/x/token`);
/// the redactor is the second line of defence for what a script prints, returns or raises.
/// Each secret is also matched in its JSON-escaped form, so a secret inside a JSON string is caught.
public struct SecretRedactor: Sendable, Equatable {
    /// What a secret is replaced with.
    public static let mask = "***"

    /// The byte patterns to replace, longest first so that a secret containing another is masked whole.
    private var patterns: [[UInt8]] = []

    /// A redactor for `secrets`; empty strings are ignored (they would match everywhere).
    public init(secrets: some Sequence<String> = [String]()) {
        add(secrets)
    }

    /// Whether there is nothing to redact.
    public var isEmpty: Bool { patterns.isEmpty }

    /// Adds secrets learnt later, e.g. when a step resolves a variable.
    public mutating func add(_ secrets: some Sequence<String>) {
        var all = Set(patterns)
        for secret in secrets where !secret.isEmpty {
            all.insert(Array(secret.utf8))
            let escaped = Self.jsonEscaped(secret)
            if escaped != secret { all.insert(Array(escaped.utf8)) }
        }
        patterns = all.sorted { $0.count != $1.count ? $0.count > $1.count : $0.lexicographicallyPrecedes($1) }
    }

    /// `text` with every secret replaced by `***`.
    public func redact(_ text: String) -> String {
        if patterns.isEmpty { return text }
        var bytes = Array(text.utf8)
        var changed = false
        for pattern in patterns {
            if let replaced = Self.replace(pattern, in: bytes) {
                bytes = replaced
                changed = true
            }
        }
        return changed ? String(decoding: bytes, as: UTF8.self) : text
    }

    /// `text` redacted, nil staying nil.
    public func redact(_ text: String?) -> String? { text.map { redact($0) } }

    /// `bytes` with each occurrence of `pattern` masked, or nil when there is none (the common case, no copy).
    private static func replace(_ pattern: [UInt8], in bytes: [UInt8]) -> [UInt8]? {
        let mask = Array(Self.mask.utf8)
        return bytes.withUnsafeBytes { haystack -> [UInt8]? in
            pattern.withUnsafeBytes { needle -> [UInt8]? in
                guard let base = haystack.baseAddress, let needleBase = needle.baseAddress else { return nil }
                var output: [UInt8] = []
                var position = 0
                while position < haystack.count,
                    let offset = find(needleBase, count: needle.count, in: base, from: position, to: haystack.count)
                {
                    if output.isEmpty { output.reserveCapacity(haystack.count) }
                    output.append(contentsOf: haystack[position..<offset])
                    output.append(contentsOf: mask)
                    position = offset + needle.count
                }
                if position == 0 { return nil }
                output.append(contentsOf: haystack[position...])
                return output
            }
        }
    }

    /// The offset of the first occurrence of the needle at or after `start`: memchr for its first byte, then memcmp.
    private static func find(
        _ needle: UnsafeRawPointer, count: Int, in haystack: UnsafeRawPointer, from start: Int, to end: Int
    ) -> Int? {
        let first = Int32(needle.load(as: UInt8.self))
        var position = start
        while end - position >= count {
            guard let hit = memchr(haystack + position, first, end - position - count + 1) else { return nil }
            let offset = haystack.distance(to: UnsafeRawPointer(hit))
            if memcmp(haystack + offset, needle, count) == 0 { return offset }
            position = offset + 1
        }
        return nil
    }

    /// The secret as it appears inside a JSON string literal (without the quotes).
    private static func jsonEscaped(_ secret: String) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: [secret], options: [.withoutEscapingSlashes]),
            let array = String(data: data, encoding: .utf8)
        else { return secret }
        // `["…"]` → the part between the quotes.
        return String(array.dropFirst(2).dropLast(2))
    }
}
