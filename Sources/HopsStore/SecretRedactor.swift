import Foundation

/// Replaces every occurrence of known secret values in a text with `***` before it is stored.
///
/// Arguments reach the store with secrets already replaced by their reference (`$var:f/x/token`);
/// the redactor is the second line of defence for what a script prints, returns or raises.
/// Each secret is also matched in its JSON-escaped form, so a secret inside a JSON string is caught.
public struct SecretRedactor: Sendable, Equatable {
    /// What a secret is replaced with.
    public static let mask = "***"

    /// Whether `text` holds the mask: a stored result with a secret masked in it is not the result.
    public static func holdsMask(_ text: String) -> Bool {
        var text = text
        let mask = maskBytes
        return text.withUTF8 { bytes in
            // A plain scan: a result can be a hundred megabytes.
            var start = 0
            while start + mask.count <= bytes.count {
                var matched = 0
                while matched < mask.count, bytes[start + matched] == mask[matched] { matched += 1 }
                if matched == mask.count { return true }
                start += 1
            }
            return false
        }
    }

    private static let maskBytes = Array(mask.utf8)

    /// The byte patterns to replace, longest first so that a secret containing another is masked whole.
    private var patterns: [[UInt8]] = []

    /// A redactor of no secrets (yet).
    public init() {}

    /// A redactor for `secrets`; empty strings are ignored (they would match everywhere).
    public init(secrets: some Sequence<String>) {
        add(secrets)
    }

    /// Whether there is nothing to redact.
    public var isEmpty: Bool { patterns.isEmpty }

    /// Adds secrets learnt later, e.g. when a step resolves a variable.
    public mutating func add(_ secrets: some Sequence<String>) {
        var all = Set(patterns)
        for secret in secrets where !secret.isEmpty {
            for form in Self.encodings(of: secret) { all.insert(Array(form.utf8)) }
        }
        patterns = all.sorted { $0.count != $1.count ? $0.count > $1.count : $0.lexicographicallyPrecedes($1) }
    }

    /// The forms a secret takes once a program has printed it: as is, JSON-escaped (as JavaScript
    /// and Swift write it, and as Python's `json.dumps` writes it, with `\uXXXX` for non-ASCII),
    /// URL-encoded (`%20` and `+` for spaces), and base64 at each of the three alignments it can
    /// have inside a longer base64 text.
    static func encodings(of secret: String) -> Set<String> {
        let json = jsonEscaped(secret, asciiOnly: false)
        var forms: Set<String> = [
            secret, json, jsonEscaped(secret, asciiOnly: true), json.replacingOccurrences(of: "/", with: "\\/"),
        ]
        if let percent = secret.addingPercentEncoding(withAllowedCharacters: unreservedURLCharacters) {
            forms.insert(percent)
            forms.insert(percent.replacingOccurrences(of: "%20", with: "+"))
            forms.insert(percent.replacingOccurrences(of: "%2F", with: "/").replacingOccurrences(of: "%3A", with: ":"))
        }
        forms.formUnion(base64Fragments(of: Array(secret.utf8)))
        return forms.filter { !$0.isEmpty }
    }

    /// RFC 3986's unreserved characters: what `encodeURIComponent` and Python's `quote` leave as is.
    private static let unreservedURLCharacters = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// The base64 text that any encoding of a stream holding `bytes` contains, for each of the three
    /// offsets the secret can start at: only whole groups of three of the secret's own bytes, so the
    /// fragment does not depend on what comes before or after. Fragments under 8 characters are left
    /// out, as they would mask unrelated text. The whole secret's own encoding, padding included, is kept.
    static func base64Fragments(of bytes: [UInt8]) -> [String] {
        var fragments = [Data(bytes).base64EncodedString()]
        for skip in 1...2 where bytes.count > skip {
            let body = bytes.dropFirst(skip)
            let whole = body.prefix(body.count / 3 * 3)
            let fragment = Data(whole).base64EncodedString()
            if fragment.count >= 8 { fragments.append(fragment) }
        }
        let unpadded = bytes.prefix(bytes.count / 3 * 3)
        let fragment = Data(unpadded).base64EncodedString()
        if fragment.count >= 8 { fragments.append(fragment) }
        return fragments
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

    /// Output kept as bytes (not UTF-8 throughout) with every secret's bytes replaced by `***`.
    public func redact(_ bytes: Data) -> Data {
        if patterns.isEmpty { return bytes }
        var kept = Array(bytes)
        var changed = false
        for pattern in patterns {
            if let replaced = Self.replace(pattern, in: kept) {
                kept = replaced
                changed = true
            }
        }
        return changed ? Data(kept) : bytes
    }

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

    /// The secret as it appears inside a JSON string literal (without the quotes); with `asciiOnly`,
    /// every non-ASCII character as `\uXXXX` (surrogate pairs beyond the BMP), as Python writes it.
    static func jsonEscaped(_ secret: String, asciiOnly: Bool) -> String {
        var escaped = ""
        for scalar in secret.unicodeScalars {
            switch scalar {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            case "\t": escaped += "\\t"
            case "\u{08}": escaped += "\\b"
            case "\u{0C}": escaped += "\\f"
            default:
                if scalar.value < 0x20 || (asciiOnly && scalar.value > 0x7F) {
                    for unit in String(scalar).utf16 { escaped += String(format: "\\u%04x", unit) }
                } else {
                    escaped.unicodeScalars.append(scalar)
                }
            }
        }
        return escaped
    }
}
