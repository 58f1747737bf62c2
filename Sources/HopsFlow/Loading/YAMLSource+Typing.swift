import Yams

extension YAMLSource {
    /// The tag Yams's default resolver gives an untagged plain scalar: the first of its rules
    /// (bool, int, float, merge, null, timestamp, value) whose whole pattern the text matches.
    static func plainScalarTag(_ text: String) -> Tag.Name {
        guard let first = text.utf8.first else { return .null }
        // Text starting otherwise (an id, a path, a word) is a string: the common case, decided at once.
        switch first {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
            UInt8(ascii: "<"), UInt8(ascii: "="), UInt8(ascii: "~"), UInt8(ascii: "y"), UInt8(ascii: "Y"),
            UInt8(ascii: "n"), UInt8(ascii: "N"), UInt8(ascii: "t"), UInt8(ascii: "T"), UInt8(ascii: "f"),
            UInt8(ascii: "F"), UInt8(ascii: "o"), UInt8(ascii: "O"):
            break
        default:
            return .str
        }
        if booleans.contains(text) { return .bool }
        if nulls.contains(text) { return .null }
        if text == "<<" { return .merge }
        if text == "=" { return .value }
        var text = text
        return text.withUTF8 { bytes in
            if isInt(bytes) { return .int }
            if isFloat(bytes) { return .float }
            return isTimestamp(bytes) ? .timestamp : .str
        }
    }

    private static let booleans: Set<String> = [
        "yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE",
        "on", "On", "ON", "off", "Off", "OFF",
    ]
    private static let nulls: Set<String> = ["~", "null", "Null", "NULL"]
    private static let notANumber: [StaticString] = [".nan", ".NaN", ".NAN"]
    private static let infinity: [StaticString] = [".inf", ".Inf", ".INF"]

    /// `[-+]?` then `0b[0-1_]+`, `0o?[0-7_]+`, `0`, `[1-9][0-9_]*`, `0x[0-9a-fA-F_]+` or `[1-9][0-9_]*(:[0-5]?[0-9])+`.
    private static func isInt(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var scanner = ByteScanner(bytes)
        _ = scanner.take { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") }
        let start = scanner
        if scanner.take("0b"), scanner.takeMany(isBinary) > 0, scanner.atEnd { return true }
        scanner = start
        if scanner.take("0") {
            _ = scanner.take("o")
            if scanner.takeMany(isOctal) > 0, scanner.atEnd { return true }
        }
        scanner = start
        if scanner.take("0"), scanner.atEnd { return true }
        scanner = start
        if scanner.take("0x"), scanner.takeMany(isHexadecimal) > 0, scanner.atEnd { return true }
        scanner = start
        guard scanner.take(isNonZeroDigit) else { return false }
        _ = scanner.takeMany(isDigitOrUnderscore)
        if scanner.atEnd { return true }
        return scanner.takeSexagesimalParts() && scanner.atEnd
    }

    /// `[-+]?[0-9][0-9_]*(\.[0-9_]*)?([eE][-+]?[0-9]+)?`, `\.[0-9_]+([eE][-+][0-9]+)?`,
    /// `[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]*`, `[-+]?\.(inf|Inf|INF)` or `\.(nan|NaN|NAN)`.
    private static func isFloat(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var scanner = ByteScanner(bytes)
        if scanner.take("."), scanner.takeMany(isDigitOrUnderscore) > 0 {
            if scanner.atEnd { return true }
            if scanner.take({ $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }),
                scanner.take({ $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") }), scanner.takeMany(isDigit) > 0
            {
                return scanner.atEnd
            }
            return false
        }
        scanner = ByteScanner(bytes)
        if notANumber.contains(where: { scanner.take($0) }), scanner.atEnd { return true }
        scanner = ByteScanner(bytes)
        _ = scanner.take { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") }
        let signed = scanner
        if infinity.contains(where: { scanner.take($0) }), scanner.atEnd { return true }
        scanner = signed
        guard scanner.take(isDigit) else { return false }
        _ = scanner.takeMany(isDigitOrUnderscore)
        let integerPart = scanner
        if scanner.take(".") { _ = scanner.takeMany(isDigitOrUnderscore) }
        if scanner.take({ $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) {
            _ = scanner.take { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") }
            guard scanner.takeMany(isDigit) > 0 else { return false }
        }
        if scanner.atEnd { return true }
        scanner = integerPart
        guard scanner.takeSexagesimalParts(), scanner.take(".") else { return false }
        _ = scanner.takeMany(isDigitOrUnderscore)
        return scanner.atEnd
    }

    /// `YYYY-MM-DD`, or `YYYY-M-D` with a time `[Tt]` or blanks, `H:MM:SS`, a fraction and a zone (`Z`, `+H`, `-HH:MM`).
    private static func isTimestamp(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var scanner = ByteScanner(bytes)
        guard scanner.takeDigits(4), scanner.take("-") else { return false }
        let afterYear = scanner
        if scanner.takeDigits(2), scanner.take("-"), scanner.takeDigits(2), scanner.atEnd { return true }
        scanner = afterYear
        guard scanner.takeDigits(1, upTo: 2), scanner.take("-"), scanner.takeDigits(1, upTo: 2) else { return false }
        if !scanner.take({ $0 == UInt8(ascii: "T") || $0 == UInt8(ascii: "t") }), scanner.takeMany(isBlank) == 0 {
            return false
        }
        guard scanner.takeDigits(1, upTo: 2), scanner.take(":"), scanner.takeDigits(2), scanner.take(":"),
            scanner.takeDigits(2)
        else { return false }
        if scanner.take(".") { _ = scanner.takeMany(isDigit) }
        if scanner.atEnd { return true }
        _ = scanner.takeMany(isBlank)
        if scanner.take("Z") { return scanner.atEnd }
        guard scanner.take({ $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") }), scanner.takeDigits(1, upTo: 2) else {
            return false
        }
        if scanner.take(":") { guard scanner.takeDigits(2) else { return false } }
        return scanner.atEnd
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
    private static func isNonZeroDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "1") && byte <= UInt8(ascii: "9") }
    private static func isDigitOrUnderscore(_ byte: UInt8) -> Bool { isDigit(byte) || byte == UInt8(ascii: "_") }
    private static func isBinary(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "0") || byte == UInt8(ascii: "1") || byte == UInt8(ascii: "_")
    }
    private static func isOctal(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "7")) || byte == UInt8(ascii: "_")
    }
    private static func isHexadecimal(_ byte: UInt8) -> Bool {
        isDigitOrUnderscore(byte) || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "f"))
    }
    private static func isBlank(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }

    /// A cursor over the bytes of a scalar, for the patterns above.
    private struct ByteScanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var position = 0

        init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        var atEnd: Bool { position == bytes.count }

        /// Takes one byte that `matches`.
        mutating func take(_ matches: (UInt8) -> Bool) -> Bool {
            guard position < bytes.count, matches(bytes[position]) else { return false }
            position += 1
            return true
        }

        /// Takes `literal` when the bytes continue with it.
        mutating func take(_ literal: StaticString) -> Bool {
            let count = literal.utf8CodeUnitCount
            guard bytes.count - position >= count else { return false }
            for offset in 0..<count where bytes[position + offset] != literal.utf8Start[offset] { return false }
            position += count
            return true
        }

        /// Takes every byte that `matches`; returns how many.
        mutating func takeMany(_ matches: (UInt8) -> Bool) -> Int {
            let start = position
            while take(matches) {}
            return position - start
        }

        /// Takes `minimum` digits and up to `maximum` (default `minimum`) in all.
        mutating func takeDigits(_ minimum: Int, upTo maximum: Int? = nil) -> Bool {
            var count = 0
            while count < (maximum ?? minimum), take(YAMLSource.isDigit) { count += 1 }
            return count >= minimum
        }

        /// `(:[0-5]?[0-9])+`: base-60 parts, as in `1:30`.
        mutating func takeSexagesimalParts() -> Bool {
            var parts = 0
            while take(":") {
                guard take(YAMLSource.isDigit) else { return false }
                if position < bytes.count, YAMLSource.isDigit(bytes[position]), bytes[position - 1] <= UInt8(ascii: "5") {
                    position += 1
                }
                parts += 1
            }
            return parts > 0
        }
    }
}
