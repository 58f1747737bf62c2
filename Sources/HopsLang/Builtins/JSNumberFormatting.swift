#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Number to string conversions as JavaScript defines them (Number::toString, toFixed, toPrecision).
enum JSNumberFormatting {
    /// Number::toString(10): the shortest digits that round-trip, in JavaScript's layout.
    static func string(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value == 0 { return "0" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        if let integer = exactInteger(value) { return String(integer) }
        let (digits, exponent) = shortestDigits(abs(value))
        return (value < 0 ? "-" : "") + layout(digits: digits, pointPosition: exponent)
    }

    /// The value as a whole number when it is one below 2^53, which prints as itself: by far the
    /// most common case.
    @inline(__always)
    static func exactInteger(_ value: Double) -> Int64? {
        value == value.rounded(.towardZero) && abs(value) < 9_007_199_254_740_992 ? Int64(value) : nil
    }

    /// The shortest round-trip decimal digits of a positive finite double, and the position of the
    /// decimal point relative to them (value = 0.d1d2... x 10^pointPosition).
    static func shortestDigits(_ value: Double) -> (digits: [UInt8], pointPosition: Int) {
        // Swift's description prints the shortest round-trip digits; only the layout differs.
        let text = value.description
        var digits: [UInt8] = []
        var pointPosition: Int?
        var exponent = 0
        var bytes = text.utf8.makeIterator()
        var integerDigits = 0
        while let byte = bytes.next() {
            if byte == UInt8(ascii: ".") {
                pointPosition = integerDigits
            } else if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
                var rest = ""
                while let next = bytes.next() { rest.unicodeScalars.append(Unicode.Scalar(next)) }
                exponent = Int(rest) ?? 0
                break
            } else if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                digits.append(byte - UInt8(ascii: "0"))
                if pointPosition == nil { integerDigits += 1 }
            }
        }
        var point = (pointPosition ?? integerDigits) + exponent
        while let first = digits.first, first == 0, digits.count > 1 {
            digits.removeFirst()
            point -= 1
        }
        while let last = digits.last, last == 0, digits.count > 1 { digits.removeLast() }
        return (digits, point)
    }

    /// Lays digits out as Number::toString does: plain up to 21 integer digits and down to 1e-6,
    /// exponent form (`1e+21`, `1.5e-7`) beyond.
    static func layout(digits: [UInt8], pointPosition n: Int) -> String {
        let k = digits.count
        var out = ""
        func append(_ range: Range<Int>) {
            for index in range { out.unicodeScalars.append(Unicode.Scalar(digits[index] + 48)) }
        }
        if k <= n && n <= 21 {
            append(0..<k)
            out += String(repeating: "0", count: n - k)
        } else if 0 < n && n <= 21 {
            append(0..<n)
            out += "."
            append(n..<k)
        } else if -6 < n && n <= 0 {
            out = "0." + String(repeating: "0", count: -n)
            append(0..<k)
        } else {
            append(0..<1)
            if k > 1 {
                out += "."
                append(1..<k)
            }
            let e = n - 1
            out += e >= 0 ? "e+\(e)" : "e-\(-e)"
        }
        return out
    }

    /// The exact decimal digits of a positive finite double (every double is a finite decimal),
    /// with the point position as in `shortestDigits`.
    static func exactDigits(_ value: Double) -> (digits: [UInt8], pointPosition: Int) {
        // glibc and Darwin print the exact binary value when asked for enough digits.
        var buffer = [CChar](repeating: 0, count: 1200)
        let written = buffer.withUnsafeMutableBufferPointer { pointer in
            withVaList([value]) { arguments in
                vsnprintf(pointer.baseAddress, pointer.count, "%.1100e", arguments)
            }
        }
        let text = String(decoding: buffer.prefix(Int(max(written, 0))).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return shortestDigitsLayout(text)
    }

    private static func shortestDigitsLayout(_ text: String) -> (digits: [UInt8], pointPosition: Int) {
        var digits: [UInt8] = []
        var exponentText = ""
        var inExponent = false
        for byte in text.utf8 {
            if inExponent {
                exponentText.unicodeScalars.append(Unicode.Scalar(byte))
            } else if byte == UInt8(ascii: "e") {
                inExponent = true
            } else if byte >= 48 && byte <= 57 {
                digits.append(byte - 48)
            }
        }
        while let last = digits.last, last == 0, digits.count > 1 { digits.removeLast() }
        return (digits, (Int(exponentText) ?? 0) + 1)
    }

    /// Rounds exact digits to `count` significant digits, half away from zero as JavaScript does.
    static func round(
        _ digits: [UInt8], pointPosition: Int, significant count: Int
    ) -> (digits: [UInt8], pointPosition: Int) {
        if count <= 0 {
            // Everything is rounded away; only a carry into a new leading digit can remain.
            if count == 0, let first = digits.first, first >= 5 { return ([1], pointPosition + 1) }
            return ([], pointPosition)
        }
        if digits.count <= count {
            return (digits + [UInt8](repeating: 0, count: count - digits.count), pointPosition)
        }
        var kept = Array(digits[0..<count])
        if digits[count] >= 5 {
            var index = count - 1
            while index >= 0 {
                if kept[index] == 9 {
                    kept[index] = 0
                    index -= 1
                } else {
                    kept[index] += 1
                    break
                }
            }
            if index < 0 {
                kept.insert(1, at: 0)
                kept.removeLast()
                return (kept, pointPosition + 1)
            }
        }
        return (kept, pointPosition)
    }

    /// Number.prototype.toFixed(fractionDigits), for fractionDigits in 0...100.
    static func fixed(_ value: Double, fractionDigits: Int) -> String {
        if value.isNaN { return "NaN" }
        if abs(value) >= 1e21 || value.isInfinite { return string(value) }
        let sign = value < 0 ? "-" : ""
        let magnitude = abs(value)
        var digits: [UInt8] = []
        var point = 1
        if magnitude != 0 {
            let exact = exactDigits(magnitude)
            (digits, point) = round(
                exact.digits, pointPosition: exact.pointPosition,
                significant: exact.pointPosition + fractionDigits)
        }
        // Lay out as integer part and fraction part, padding with zeros.
        var integerPart = ""
        var fractionPart = ""
        for position in 0..<max(point, 0) {
            integerPart.unicodeScalars.append(Unicode.Scalar((position < digits.count ? digits[position] : 0) + 48))
        }
        if integerPart.isEmpty { integerPart = "0" }
        for position in 0..<fractionDigits {
            let index = point + position
            let digit: UInt8 = index >= 0 && index < digits.count ? digits[index] : 0
            fractionPart.unicodeScalars.append(Unicode.Scalar(digit + 48))
        }
        return sign + integerPart + (fractionDigits > 0 ? "." + fractionPart : "")
    }

    /// Number.prototype.toPrecision(precision), for precision in 1...100.
    static func precision(_ value: Double, _ precision: Int) -> String {
        if !value.isFinite { return string(value) }
        let sign = value < 0 ? "-" : ""
        let magnitude = abs(value)
        var digits: [UInt8]
        var e: Int
        if magnitude == 0 {
            digits = [UInt8](repeating: 0, count: precision)
            e = 0
        } else {
            let exact = exactDigits(magnitude)
            let rounded = round(exact.digits, pointPosition: exact.pointPosition, significant: precision)
            digits = rounded.digits
            e = rounded.pointPosition - 1
        }
        func text(_ range: Range<Int>) -> String {
            var out = ""
            for index in range { out.unicodeScalars.append(Unicode.Scalar(digits[index] + 48)) }
            return out
        }
        if e < -6 || e >= precision {
            var out = sign + text(0..<1)
            if precision > 1 { out += "." + text(1..<precision) }
            return out + (e >= 0 ? "e+\(e)" : "e-\(-e)")
        }
        if e == precision - 1 { return sign + text(0..<precision) }
        if e >= 0 { return sign + text(0..<(e + 1)) + "." + text((e + 1)..<precision) }
        return sign + "0." + String(repeating: "0", count: -(e + 1)) + text(0..<precision)
    }

    /// Number.prototype.toString(radix) for radix other than 10, following V8's algorithm.
    static func string(_ value: Double, radix: Int) -> String {
        if radix == 10 || !value.isFinite || value == 0 { return string(value) }
        let characters = Array("0123456789abcdefghijklmnopqrstuvwxyz".unicodeScalars)
        let magnitude = abs(value)
        var integer = magnitude.rounded(.down)
        var fraction = magnitude - integer
        let base = Double(radix)
        var delta = max(0.5 * (magnitude.nextUp - magnitude), Double.leastNonzeroMagnitude)
        var fractionDigits: [Int] = []
        if fraction >= delta {
            repeat {
                fraction *= base
                delta *= base
                let digit = Int(fraction)
                fractionDigits.append(digit)
                fraction -= Double(digit)
                if fraction > 0.5 || (fraction == 0.5 && (digit & 1) == 1), fraction + delta > 1 {
                    // Round up, carrying into earlier digits and possibly the integer part.
                    while true {
                        guard let last = fractionDigits.popLast() else {
                            integer += 1
                            break
                        }
                        if last + 1 < radix {
                            fractionDigits.append(last + 1)
                            break
                        }
                    }
                    break
                }
            } while fraction >= delta
        }
        var integerDigits: [Int] = []
        // Digits below the precision of a double are zeros.
        while (integer / base).exponent > 52 {
            integer /= base
            integerDigits.append(0)
        }
        repeat {
            let remainder = integer.truncatingRemainder(dividingBy: base)
            integerDigits.append(Int(remainder))
            integer = (integer - remainder) / base
        } while integer > 0
        var out = value < 0 ? "-" : ""
        for digit in integerDigits.reversed() { out.unicodeScalars.append(characters[digit]) }
        if !fractionDigits.isEmpty {
            out += "."
            for digit in fractionDigits { out.unicodeScalars.append(characters[digit]) }
        }
        return out
    }
}

/// C's math functions, reached without Foundation.
enum JSMath {
    static func pow(_ base: Double, _ exponent: Double) -> Double { libcPow(base, exponent) }
}

private func libcPow(_ base: Double, _ exponent: Double) -> Double { pow(base, exponent) }
