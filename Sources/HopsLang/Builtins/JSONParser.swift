/// A JSON parser over UTF-8 bytes (RFC 8259, as JSON.parse accepts it).
struct JSONParser {
    /// Deeper documents are refused rather than risking the stack.
    static let maximumDepth = 1000

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    private var depth = 0
    /// Whether the arrays made are frozen: true for values parsed outside an evaluation.
    private let frozen: Bool
    /// By depth, the keys of the last object read there (see parseObject).
    private var shapes: [[String]] = []
    /// By depth, the last small array of scalars read there (see sharing).
    private var smallArrays: [[Value]] = []

    private init(_ bytes: UnsafeBufferPointer<UInt8>, frozen: Bool) {
        self.bytes = bytes
        self.frozen = frozen
    }

    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, frozen: Bool = true) throws -> Value {
        var parser = JSONParser(bytes, frozen: frozen)
        // A UTF-8 byte order mark is tolerated, as file readers commonly do.
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { parser.index = 3 }
        parser.skipWhitespace()
        let value = try parser.parseValue()
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
        try enter()
        index += 1
        var elements: [Value] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            depth -= 1
            return .array(ArrayValue(elements, frozen: frozen))
        }
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
                return .array(ArrayValue(sharing(elements), frozen: frozen))
            default:
                throw error("unexpected \(describeCurrent()) in array: expected ',' or ']'")
            }
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
        // follows the keys of the last object at this depth, it shares that key array.
        let shape = depth < shapes.count ? shapes[depth] : []
        var matched = 0
        var values: [Value] = []
        values.reserveCapacity(shape.count)
        var object: ObjectValue?
        while true {
            skipWhitespace()
            guard index < bytes.count else { throw error("unterminated object: expected a key") }
            guard bytes[index] == UInt8(ascii: "\"") else {
                throw error("unexpected \(describeCurrent()) in object: expected a string key")
            }
            let key = try parseString()
            skipWhitespace()
            guard index < bytes.count else { throw error("unterminated object: expected ':'") }
            guard bytes[index] == UInt8(ascii: ":") else {
                throw error("unexpected \(describeCurrent()) in object: expected ':'")
            }
            index += 1
            skipWhitespace()
            let value = try parseValue()
            if object == nil, matched < shape.count, Self.sameBytes(shape[matched], key) {
                matched += 1
                values.append(value)
            } else {
                if object == nil {
                    object = ObjectValue(uniqueKeys: Array(shape[0..<matched]), values: values)
                }
                object?[key] = value
            }
            skipWhitespace()
            guard index < bytes.count else { throw error("unterminated object: expected ',' or '}'") }
            switch bytes[index] {
            case UInt8(ascii: ","):
                index += 1
            case UInt8(ascii: "}"):
                index += 1
                depth -= 1
                if let object {
                    remember(object.keys)
                    return .object(object)
                }
                if matched == shape.count { return .object(ObjectValue(uniqueKeys: shape, values: values)) }
                let keys = Array(shape[0..<matched])
                remember(keys)
                return .object(ObjectValue(uniqueKeys: keys, values: values))
            default:
                throw error("unexpected \(describeCurrent()) in object: expected ',' or '}'")
            }
        }
    }

    /// `elements`, or the elements of the last small array read at this depth when they are the same
    /// scalars: the `["a", "b"]` of every object of a list is then stored once. Only the storage is
    /// shared: each array is its own value, and changing one copies it first.
    private mutating func sharing(_ elements: [Value]) -> [Value] {
        guard elements.count <= 8 else { return elements }
        let level = depth + 1
        while smallArrays.count <= level { smallArrays.append([]) }
        let last = smallArrays[level]
        if last.count == elements.count, zip(last, elements).allSatisfy(Self.sameScalar) { return last }
        if elements.allSatisfy({ Self.sameScalar($0, $0) }) { smallArrays[level] = elements }
        return elements
    }

    /// Whether two strings have the same UTF-8 bytes (`==` would also equate canonically equivalent ones).
    private static func sameBytes(_ left: String, _ right: String) -> Bool {
        var left = left
        var right = right
        return left.withUTF8 { a in right.withUTF8 { b in a.count == b.count && a.elementsEqual(b) } }
    }

    /// Whether two values are the same string (byte for byte), number (bit for bit), boolean or null.
    private static func sameScalar(_ left: Value, _ right: Value) -> Bool {
        switch (left, right) {
        case (.string(let a), .string(let b)): sameBytes(a, b)
        case (.number(let a), .number(let b)): a.bitPattern == b.bitPattern
        case (.bool(let a), .bool(let b)): a == b
        case (.null, .null): true
        default: false
        }
    }

    /// Keeps the keys of an object just read as the shape the next object at its depth is tried against.
    private mutating func remember(_ keys: [String]) {
        let level = depth + 1
        while shapes.count <= level { shapes.append([]) }
        shapes[level] = keys
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
        // Integers of up to 15 digits are exact in a double: the common case, without strtod.
        var integer: Int64 = 0
        var digitCount = 0
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            digitCount = 1
        } else {
            while index < bytes.count, isDigit(bytes[index]) {
                integer = integer &* 10 &+ Int64(bytes[index] &- 48)
                digitCount += 1
                index += 1
            }
        }
        var isInteger = true
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else {
                throw error("unterminated fractional number")
            }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            isInteger = false
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index += 1
            }
            guard index < bytes.count, isDigit(bytes[index]) else {
                throw error("exponent part is missing a number")
            }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if isInteger && digitCount <= 15 {
            let value = Double(integer)
            return negative ? -value : value
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let value = Double(text) else { throw error("invalid number") }
        return value
    }

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

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
