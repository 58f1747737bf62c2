#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A JSON parser over UTF-8 bytes (RFC 8259, as JSON.parse accepts it).
struct JSONParser {
    /// Deeper documents are refused rather than risking the stack.
    static let maximumDepth = 1000

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    private var depth = 0
    /// Whether the arrays made are frozen: true for values parsed outside an evaluation.
    private let frozen: Bool
    /// By depth, the shape of the last object read there (see parseObject).
    private var shapes: [KnownShape?] = []
    /// By depth, the last small array of scalars read there and where its text is (see parseArray).
    private var smallArrays: [(text: Range<Int>, elements: [Value])?] = []
    /// By depth, an empty array whose storage the next array read there collects its elements in.
    private var collectors: [[Value]] = []

    /// The shape of an object read, with its keys as a JSON text writes them.
    private struct KnownShape {
        let shape: ObjectValue.Shape
        /// Each key's UTF-8 and the closing quote; empty for a key that can only be written with escapes.
        let quotedKeys: [[UInt8]]

        init(_ shape: ObjectValue.Shape) {
            self.shape = shape
            quotedKeys = shape.keys.map { key in
                let utf8 = Array(key.utf8)
                if utf8.contains(where: { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") || $0 < 0x20 }) {
                    return []
                }
                return utf8 + [UInt8(ascii: "\"")]
            }
        }
    }

    private init(_ bytes: UnsafeBufferPointer<UInt8>, frozen: Bool) {
        self.bytes = bytes
        self.frozen = frozen
    }

    /// The value of the JSON text in `bytes`. An array of at least `inHalvesFrom` bytes is read by two
    /// threads (see parseInHalves): by default one of a megabyte or more, where two processors can.
    static func parse(
        _ bytes: UnsafeBufferPointer<UInt8>, frozen: Bool = true,
        inHalvesFrom: Int = processorCount > 1 ? 1 << 20 : .max
    ) throws -> Value {
        var parser = JSONParser(bytes, frozen: frozen)
        // A UTF-8 byte order mark is tolerated, as file readers commonly do.
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { parser.index = 3 }
        parser.skipWhitespace()
        let value: Value
        if bytes.count >= inHalvesFrom, parser.index < bytes.count,
            bytes[parser.index] == UInt8(ascii: "["), let middle = likelyMiddle(of: bytes)
        {
            value = try parser.parseInHalves(splitAt: middle)
        } else {
            value = try parser.parseValue()
        }
        parser.skipWhitespace()
        if parser.index < bytes.count {
            throw parser.error("unexpected \(parser.describeCurrent()) after the JSON value")
        }
        return value
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    private mutating func parseValue() throws -> Value {
        guard index < bytes.count else { throw error("unexpected end of JSON input") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        case UInt8(ascii: "t"): return try parseLiteral("true", .bool(true))
        case UInt8(ascii: "f"): return try parseLiteral("false", .bool(false))
        case UInt8(ascii: "n"): return try parseLiteral("null", .null)
        default: throw error("unexpected \(describeCurrent())")
        }
    }

    private mutating func parseLiteral(_ word: StaticString, _ value: Value) throws -> Value {
        let count = word.utf8CodeUnitCount
        let start = word.utf8Start
        for offset in 0..<count {
            guard index + offset < bytes.count else {
                index += offset
                throw error("unexpected end of JSON input")
            }
            if bytes[index + offset] != start[offset] {
                index += offset
                throw error("unexpected \(describeCurrent())")
            }
        }
        index += count
        return value
    }

    private mutating func enter() throws {
        depth += 1
        if depth > Self.maximumDepth { throw error("JSON nested deeper than \(Self.maximumDepth) levels") }
    }

    private mutating func parseArray() throws -> Value {
        let start = index
        try enter()
        let level = depth
        index += 1
        // A small array of scalars written exactly as the last one at this depth is that array: the
        // `["a", "b"]` of every object of a list is read and stored once. Only the storage is shared:
        // each array is its own value, and changing one copies it first.
        if level < smallArrays.count, let last = smallArrays[level], last.text.count <= bytes.count - start,
            bytes[last.text].elementsEqual(bytes[start..<start + last.text.count])
        {
            index = start + last.text.count
            depth -= 1
            return .array(ArrayValue(last.elements, frozen: frozen))
        }
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            depth -= 1
            return .array(ArrayValue([], frozen: frozen))
        }
        // The elements are collected in storage kept from the last array at this depth, so that a
        // small array costs one allocation of its exact size.
        while collectors.count <= level { collectors.append([]) }
        var elements: [Value] = []
        swap(&elements, &collectors[level])
        while true {
            skipWhitespace()
            elements.append(try parseValue())
            skipWhitespace()
            guard index < bytes.count else { throw error("unterminated array: expected ',' or ']'") }
            switch bytes[index] {
            case UInt8(ascii: ","):
                index += 1
            case UInt8(ascii: "]"):
                index += 1
                depth -= 1
                if elements.count > Self.smallArrayCount { return .array(ArrayValue(elements, frozen: frozen)) }
                var copy: [Value] = []
                copy.reserveCapacity(elements.count)
                copy.append(contentsOf: elements)
                if elements.allSatisfy(Self.isScalar) {
                    while smallArrays.count <= level { smallArrays.append(nil) }
                    smallArrays[level] = (start..<index, copy)
                }
                elements.removeAll(keepingCapacity: true)
                swap(&elements, &collectors[level])
                return .array(ArrayValue(copy, frozen: frozen))
            default:
                throw error("unexpected \(describeCurrent()) in array: expected ',' or ']'")
            }
        }
    }

    /// An array read by this thread up to `split`, the comma after an element near the middle of the
    /// text, and by a second thread from there on, at once; the two halves are then joined.
    ///
    /// `split` is a guess (see likelyMiddle): it may be a comma in a string. It is right exactly when
    /// this thread, reading the array as ever, ends an element there. When it does not, this thread
    /// reads on to the end alone, and the second half is dropped: the value and the errors are those
    /// of one thread reading the whole text, whatever the guess. The second half's shapes and small
    /// arrays are its own; objects of the same keys in both halves are alike but for that.
    private mutating func parseInHalves(splitAt split: Int) throws -> Value {
        let text = SharedBytes(bytes: bytes)
        let frozen = frozen
        let secondHalf = JoinedThread { () -> Result<(elements: [Value], end: Int), any Error> in
            var parser = JSONParser(text.bytes, frozen: frozen)
            parser.index = split + 1
            parser.depth = 1
            var elements: [Value] = []
            return Result {
                _ = try parser.readElements(into: &elements, endingAt: -1)
                return (elements, parser.index)
            }
        }
        // Joined whatever happens: the second thread reads `bytes`, which the caller frees after this.
        defer { secondHalf.join() }
        try enter()
        index += 1
        skipWhitespace()
        var elements: [Value] = []
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
        } else if try readElements(into: &elements, endingAt: split) {
            let (rest, end) = try secondHalf.join().get()
            elements.append(contentsOf: rest)
            index = end
        }
        depth -= 1
        return .array(ArrayValue(elements, frozen: frozen))
    }

    /// Reads the elements of the array being read, from after its `[` or a comma to after its `]`;
    /// returns false then. Returns true if an element ends at `boundary`, leaving the index there.
    private mutating func readElements(into elements: inout [Value], endingAt boundary: Int) throws -> Bool {
        while true {
            skipWhitespace()
            elements.append(try parseValue())
            skipWhitespace()
            guard index < bytes.count else { throw error("unterminated array: expected ',' or ']'") }
            if index == boundary { return true }
            switch bytes[index] {
            case UInt8(ascii: ","):
                index += 1
            case UInt8(ascii: "]"):
                index += 1
                return false
            default:
                throw error("unexpected \(describeCurrent()) in array: expected ',' or ']'")
            }
        }
    }

    /// The first comma from the middle of `bytes` on that stands between a `}` or `]` and a `{` or `[`
    /// (white space aside), as between two objects or arrays of a list; nil if none is near.
    static func likelyMiddle(of bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 }
        let end = min(bytes.count - 1, bytes.count / 2 + (1 << 16))
        var comma = bytes.count / 2
        while comma < end {
            guard let found = memchr(bytes.baseAddress! + comma, Int32(UInt8(ascii: ",")), end - comma) else { return nil }
            comma = bytes.baseAddress!.distance(to: found.assumingMemoryBound(to: UInt8.self))
            var before = comma - 1
            while before > 0, isSpace(bytes[before]) { before -= 1 }
            var after = comma + 1
            while after < bytes.count - 1, isSpace(bytes[after]) { after += 1 }
            if bytes[before] == UInt8(ascii: "}") || bytes[before] == UInt8(ascii: "]"),
                bytes[after] == UInt8(ascii: "{") || bytes[after] == UInt8(ascii: "[")
            {
                return comma
            }
            comma += 1
        }
        return nil
    }

    /// Arrays of at most this many scalars are shared with an array of the same text read before them.
    private static let smallArrayCount = 8

    /// Whether a value is a string, number, boolean or null: what arrays that share storage may hold
    /// (an array in an array is shared by reference, and must not be by two arrays).
    private static func isScalar(_ value: Value) -> Bool {
        switch value {
        case .string, .number, .bool, .null: true
        default: false
        }
    }

    private mutating func parseObject() throws -> Value {
        try enter()
        index += 1
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            depth -= 1
            return .object(ObjectValue())
        }
        // The objects of a JSON array mostly have the same keys in the same order: while this one
        // follows the keys of the last object at this depth, its keys are compared as bytes without
        // making strings of them, and it shares that object's shape.
        let known = depth < shapes.count ? shapes[depth] : nil
        let expected = known?.quotedKeys ?? []
        var matched = 0
        var values: [Value] = []
        values.reserveCapacity(expected.count)
        var object: ObjectValue?
        while true {
            skipWhitespace()
            guard index < bytes.count else { throw error("unterminated object: expected a key") }
            guard bytes[index] == UInt8(ascii: "\"") else {
                throw error("unexpected \(describeCurrent()) in object: expected a string key")
            }
            let key: String?
            if object == nil, matched < expected.count, skipKey(expected[matched]) {
                key = nil
            } else {
                key = try parseString()
            }
            skipWhitespace()
            guard index < bytes.count else { throw error("unterminated object: expected ':'") }
            guard bytes[index] == UInt8(ascii: ":") else {
                throw error("unexpected \(describeCurrent()) in object: expected ':'")
            }
            index += 1
            skipWhitespace()
            let value = try parseValue()
            if let key {
                if object == nil { object = ObjectValue(uniqueKeys: knownKeys(known, matched), values: values) }
                object?[key] = value
            } else {
                matched += 1
                values.append(value)
            }
            skipWhitespace()
            guard index < bytes.count else { throw error("unterminated object: expected ',' or '}'") }
            switch bytes[index] {
            case UInt8(ascii: ","):
                index += 1
            case UInt8(ascii: "}"):
                index += 1
                depth -= 1
                if let known, object == nil, matched == expected.count {
                    return .object(ObjectValue(shape: known.shape, values: values))
                }
                let made = object ?? ObjectValue(uniqueKeys: knownKeys(known, matched), values: values)
                while shapes.count <= depth + 1 { shapes.append(nil) }
                shapes[depth + 1] = KnownShape(made.sharedShape)
                return .object(made)
            default:
                throw error("unexpected \(describeCurrent()) in object: expected ',' or '}'")
            }
        }
    }

    /// The first `count` keys of `known`.
    private func knownKeys(_ known: KnownShape?, _ count: Int) -> [String] {
        guard let known else { return [] }
        return Array(known.shape.keys[0..<count])
    }

    /// Reads the key at the current quote when its text is `quoted`, a key's bytes and the closing quote.
    private mutating func skipKey(_ quoted: [UInt8]) -> Bool {
        let start = index + 1
        guard !quoted.isEmpty, quoted.count <= bytes.count - start,
            quoted.withUnsafeBufferPointer({ memcmp(bytes.baseAddress! + start, $0.baseAddress!, $0.count) == 0 })
        else { return false }
        index = start + quoted.count
        return true
    }

    private mutating func parseString() throws -> String {
        let quote = index
        index += 1
        let start = index
        // Fast path: no escapes, the bytes are the string.
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                index += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw error("bad control character in string literal") }
            index += 1
        }
        guard index < bytes.count else {
            index = quote
            throw error("unterminated string")
        }
        var utf8 = Array(UnsafeBufferPointer(rebasing: bytes[start..<index]))
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return String(decoding: utf8, as: UTF8.self)
            }
            if byte < 0x20 { throw error("bad control character in string literal") }
            if byte != UInt8(ascii: "\\") {
                utf8.append(byte)
                index += 1
                continue
            }
            index += 1
            guard index < bytes.count else { break }
            let escaped = bytes[index]
            index += 1
            switch escaped {
            case UInt8(ascii: "\""): utf8.append(0x22)
            case UInt8(ascii: "\\"): utf8.append(0x5C)
            case UInt8(ascii: "/"): utf8.append(0x2F)
            case UInt8(ascii: "b"): utf8.append(0x08)
            case UInt8(ascii: "f"): utf8.append(0x0C)
            case UInt8(ascii: "n"): utf8.append(0x0A)
            case UInt8(ascii: "r"): utf8.append(0x0D)
            case UInt8(ascii: "t"): utf8.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try parseHex4()
                if (0xD800...0xDBFF).contains(scalar), index + 1 < bytes.count,
                    bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
                {
                    let save = index
                    index += 2
                    let low = try parseHex4()
                    if (0xDC00...0xDFFF).contains(low) {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else {
                        index = save
                    }
                }
                // A lone surrogate cannot be held in a Swift string; it becomes U+FFFD.
                let decoded = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                utf8.append(contentsOf: String(decoded).utf8)
            default:
                index -= 1
                throw error("bad escaped character in string literal")
            }
        }
        index = quote
        throw error("unterminated string")
    }

    private mutating func parseHex4() throws -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard index < bytes.count else { throw error("unterminated string") }
            guard let digit = JSNumberParsing.digitValue(bytes[index]), digit < 16 else {
                throw error("bad Unicode escape in string literal")
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    private mutating func parseNumber() throws -> Double {
        let start = index
        var negative = false
        if bytes[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        guard index < bytes.count else { throw error("no number after minus sign") }
        guard isDigit(bytes[index]) else { throw error("no number after minus sign") }
        // The digits as an integer and a power of ten, while they fit in 19 digits: most numbers are
        // then exact without strtod (see the end).
        var digits: UInt64 = 0
        var digitCount = 0
        var exponent = 0
        func accumulate(_ byte: UInt8) {
            if digits == 0 && byte == UInt8(ascii: "0") { return }
            digitCount += 1
            if digitCount <= 19 { digits = digits &* 10 &+ UInt64(byte &- 48) }
        }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            while index < bytes.count, isDigit(bytes[index]) {
                accumulate(bytes[index])
                index += 1
            }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else {
                throw error("unterminated fractional number")
            }
            while index < bytes.count, isDigit(bytes[index]) {
                accumulate(bytes[index])
                exponent -= 1
                index += 1
            }
        }
        if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            var negativeExponent = false
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                negativeExponent = bytes[index] == UInt8(ascii: "-")
                index += 1
            }
            guard index < bytes.count, isDigit(bytes[index]) else {
                throw error("exponent part is missing a number")
            }
            var written = 0
            while index < bytes.count, isDigit(bytes[index]) {
                if written < 100_000 { written = written * 10 + Int(bytes[index] &- 48) }
                index += 1
            }
            exponent += negativeExponent ? -written : written
        }
        // An integer below 2^53 and a power of ten up to 10^22 are both exact doubles, so one
        // multiplication or division rounds correctly (Clinger's fast path).
        if digitCount <= 19, digits <= 1 << 53, exponent >= -22, exponent <= 22 {
            var value = Double(digits)
            if exponent < 0 { value /= Self.powersOfTen[-exponent] } else { value *= Self.powersOfTen[exponent] }
            return negative ? -value : value
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let value = Double(text) else { throw error("invalid number") }
        return value
    }

    /// 10^0 through 10^22, each exact in a double.
    private static let powersOfTen: [Double] = (0...22).map { (0..<$0).reduce(1.0) { product, _ in product * 10 } }

    @inline(__always) private func isDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }

    private func describeCurrent() -> String {
        guard index < bytes.count else { return "end of JSON input" }
        let byte = bytes[index]
        if byte >= 0x21 && byte < 0x7F { return "character '\(Character(Unicode.Scalar(byte)))'" }
        // Decode the whole character at this offset for the message.
        var end = index + 1
        while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[index..<end]), as: UTF8.self)
        if let scalar = text.unicodeScalars.first, scalar.value > 0x7F {
            return "character '\(text)'"
        }
        return "character U+" + String(byte, radix: 16, uppercase: true).leftPadded(to: 4)
    }

    /// An error at the current byte, with the span in characters of the text.
    private func error(_ message: String) -> LangError {
        let prefix = UnsafeBufferPointer(rebasing: bytes[0..<min(index, bytes.count)])
        let start = String(decoding: prefix, as: UTF8.self).count
        return LangError("JSON: " + message, span: Span(start: start, end: start + 1))
    }
}

/// The text being read, for the thread that reads its second half (see parseInHalves).
// Unchecked: the bytes are only read, and the caller keeps them until both threads are done.
private struct SharedBytes: @unchecked Sendable {
    let bytes: UnsafeBufferPointer<UInt8>
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
