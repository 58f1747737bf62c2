/// String to number conversions as JavaScript defines them (StringToNumber, parseInt, parseFloat).
enum JSNumberParsing {
    /// Whether a scalar is JavaScript WhiteSpace or LineTerminator, what `trim` removes.
    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029,
            0x202F, 0x205F, 0x3000, 0xFEFF:
            true
        default: false
        }
    }

    static func trimmed(_ text: String, start: Bool = true, end: Bool = true) -> String {
        let scalars = text.unicodeScalars
        var lower = scalars.startIndex
        var upper = scalars.endIndex
        if start {
            while lower < upper, isWhitespace(scalars[lower]) { lower = scalars.index(after: lower) }
        }
        if end {
            while upper > lower, isWhitespace(scalars[scalars.index(before: upper)]) {
                upper = scalars.index(before: upper)
            }
        }
        return String(scalars[lower..<upper])
    }

    /// StringToNumber: the whole trimmed string must be a numeric literal; "" is 0.
    static func stringToNumber(_ text: String) -> Double {
        let bytes = Array(trimmed(text).utf8)
        if bytes.isEmpty { return 0 }
        if bytes.count > 2, bytes[0] == UInt8(ascii: "0") {
            let radix: Int? =
                switch bytes[1] | 0x20 {
                case UInt8(ascii: "x"): 16
                case UInt8(ascii: "o"): 8
                case UInt8(ascii: "b"): 2
                default: nil
                }
            if let radix {
                return integer(bytes[2...], radix: radix, wholeString: true) ?? .nan
            }
        }
        guard let (value, length) = decimalPrefix(bytes[...]), length == bytes.count else { return .nan }
        return value
    }

    /// The value of the digits in `bytes` in `radix`; with `wholeString`, nil unless every byte is a digit.
    /// Without it, reads the longest prefix of digits and is nil when there is none.
    static func integer(_ bytes: ArraySlice<UInt8>, radix: Int, wholeString: Bool) -> Double? {
        var value = 0.0
        var count = 0
        for byte in bytes {
            guard let digit = digitValue(byte), digit < radix else {
                if wholeString { return nil }
                break
            }
            value = value * Double(radix) + Double(digit)
            count += 1
        }
        if count == 0 { return nil }
        if radix == 10 {
            // Decimal digits round correctly through the standard conversion.
            let digits = bytes.prefix(count)
            return Double(String(decoding: digits, as: UTF8.self)) ?? value
        }
        return value
    }

    static func digitValue(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "z"): Int(byte - UInt8(ascii: "a")) + 10
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): Int(byte - UInt8(ascii: "A")) + 10
        default: nil
        }
    }

    /// The longest prefix that is a StrDecimalLiteral (sign, digits, point, exponent, or Infinity),
    /// its value and its length in bytes; nil when there is none.
    static func decimalPrefix(_ bytes: ArraySlice<UInt8>) -> (Double, Int)? {
        var index = bytes.startIndex
        var negative = false
        if index < bytes.endIndex, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
            negative = bytes[index] == UInt8(ascii: "-")
            index += 1
        }
        let infinity = Array("Infinity".utf8)
        if bytes[index...].starts(with: infinity) {
            return (negative ? -.infinity : .infinity, index + infinity.count - bytes.startIndex)
        }
        let digitsStart = index
        var sawDigit = false
        while index < bytes.endIndex, bytes[index] >= 48, bytes[index] <= 57 {
            index += 1
            sawDigit = true
        }
        if index < bytes.endIndex, bytes[index] == UInt8(ascii: ".") {
            var fractionEnd = index + 1
            var sawFraction = false
            while fractionEnd < bytes.endIndex, bytes[fractionEnd] >= 48, bytes[fractionEnd] <= 57 {
                fractionEnd += 1
                sawFraction = true
            }
            if sawDigit || sawFraction {
                index = fractionEnd
                sawDigit = true
            }
        }
        guard sawDigit else { return nil }
        if index < bytes.endIndex, bytes[index] | 0x20 == UInt8(ascii: "e") {
            var exponentEnd = index + 1
            if exponentEnd < bytes.endIndex,
                bytes[exponentEnd] == UInt8(ascii: "+") || bytes[exponentEnd] == UInt8(ascii: "-")
            {
                exponentEnd += 1
            }
            let exponentDigits = exponentEnd
            while exponentEnd < bytes.endIndex, bytes[exponentEnd] >= 48, bytes[exponentEnd] <= 57 {
                exponentEnd += 1
            }
            if exponentEnd > exponentDigits { index = exponentEnd }
        }
        let literal = String(decoding: bytes[digitsStart..<index], as: UTF8.self)
        guard let magnitude = Double(literal) else { return nil }
        return (negative ? -magnitude : magnitude, index - bytes.startIndex)
    }

    /// The global parseFloat.
    static func parseFloat(_ text: String) -> Double {
        let bytes = Array(trimmed(text, end: false).utf8)
        return decimalPrefix(bytes[...])?.0 ?? .nan
    }

    /// The global parseInt.
    static func parseInt(_ text: String, radix radixArgument: Value) -> Double {
        var bytes = Array(trimmed(text, end: false).utf8)[...]
        var negative = false
        if let first = bytes.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
            negative = first == UInt8(ascii: "-")
            bytes = bytes.dropFirst()
        }
        var radix = Int(truncatingIfNeeded: toInt32(radixArgument.toNumber()))
        var stripPrefix = true
        if radix != 0 {
            if radix < 2 || radix > 36 { return .nan }
            if radix != 16 { stripPrefix = false }
        } else {
            radix = 10
        }
        if stripPrefix, bytes.count >= 2, bytes[bytes.startIndex] == UInt8(ascii: "0"),
            bytes[bytes.startIndex + 1] | 0x20 == UInt8(ascii: "x")
        {
            bytes = bytes.dropFirst(2)
            radix = 16
        }
        guard let value = integer(bytes, radix: radix, wholeString: false) else { return .nan }
        return negative ? -value : value
    }

    /// ECMAScript ToInt32.
    static func toInt32(_ value: Double) -> Int32 {
        guard value.isFinite else { return 0 }
        let truncated = value.rounded(.towardZero)
        let modulo = truncated.truncatingRemainder(dividingBy: 4_294_967_296)
        let wrapped = modulo < 0 ? modulo + 4_294_967_296 : modulo
        return Int32(bitPattern: UInt32(wrapped))
    }

    /// ECMAScript ToIntegerOrInfinity.
    static func toIntegerOrInfinity(_ value: Double) -> Double {
        if value.isNaN { return 0 }
        return value.rounded(.towardZero) + 0
    }
}
