// JSON in and out: a hand-written parser over UTF-8 bytes and JSON.stringify.
extension Value {
    /// A string as a JSON string literal: what `JSON.stringify` gives for it.
    public static func quoted(_ text: String) -> String {
        var output = ""
        JSONWriter.quote(text, into: &output)
        return output
    }

    /// Parses JSON text; a syntax error is a LangError whose span points at the offending character.
    public init(parsingJSON text: String) throws {
        var text = text
        self = try text.withUTF8 { try JSONParser.parse($0) }
    }

    /// Parses JSON from UTF-8 bytes, such as a file's contents.
    public init(parsingJSON bytes: some Collection<UInt8>) throws {
        if let value = try bytes.withContiguousStorageIfAvailable({ try JSONParser.parse($0) }) {
            self = value
        } else {
            self = try Array(bytes).withUnsafeBufferPointer { try JSONParser.parse($0) }
        }
    }

    /// What `JSON.stringify(value, null, indent)` gives; nil where it gives undefined.
    public func jsonString(indent: Int = 0) -> String? {
        var output = ""
        let writer = JSONWriter(gap: String(repeating: " ", count: min(max(indent, 0), 10)))
        guard writer.write(self, into: &output, indentation: "") else { return nil }
        return output
    }

    /// JSON with object keys sorted at every level and no white space: equal values, equal text
    /// (a step's cache key is made from it). Keys in code-unit order, and then in the order
    /// `JSON.stringify` writes an object's: array-index keys first, by number. An object is its
    /// entries, a Date's or a RegExp's too (`{}`).
    public func canonicalJSON() -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(64)
        guard JSONWriter(gap: "", sortsKeys: true).write(self, into: &bytes, indentation: [], depth: 0) else { return "null" }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// What `JSON.stringify(value, replacer, gap)` gives with a string gap (at most its first 10 characters).
    func jsonString(
        gap: String, replacer: ((String, Value) throws -> Value)? = nil, allowList: [String]? = nil
    ) throws -> String? {
        var output = ""
        let writer = JSONWriter(
            gap: String(gap.prefix(10)), replacer: replacer ?? (allowList != nil ? { $1 } : nil), allowList: allowList)
        guard try writer.write(key: "", self, into: &output, indentation: "") else { return nil }
        return output
    }
}

extension ObjectValue {
    /// The entries in JavaScript's property order: array-index keys first in ascending order, then
    /// the other keys in insertion order.
    public var orderedEntries: [(key: String, value: Value)] {
        Self.javaScriptOrder(Array(keys.indices), of: keys).map { (keys[$0], values[$0]) }
    }

    /// `positions` of `keys` in JavaScript's property order: those whose key is an array index
    /// first, by number, then the others in the order given.
    static func javaScriptOrder(_ positions: [Int], of keys: [String]) -> [Int] {
        guard positions.contains(where: { arrayIndex(keys[$0]) != nil }) else { return positions }
        var indexed: [(index: UInt32, at: Int)] = []
        var named: [Int] = []
        for at in positions {
            if let index = arrayIndex(keys[at]) { indexed.append((index, at)) } else { named.append(at) }
        }
        return indexed.sorted { $0.index < $1.index }.map(\.at) + named
    }

    /// The keys in JavaScript's property order.
    public var orderedKeys: [String] {
        keys.contains(where: { Self.arrayIndex($0) != nil }) ? orderedEntries.map(\.key) : keys
    }

    /// The array index a key denotes in JavaScript: a canonical decimal integer below 2^32 - 1.
    static func arrayIndex(_ key: String) -> UInt32? {
        let utf8 = key.utf8
        guard let first = utf8.first, first >= 48, first <= 57, utf8.count <= 10 else { return nil }
        if first == 48 && utf8.count > 1 { return nil }
        var value: UInt64 = 0
        for byte in utf8 {
            guard byte >= 48, byte <= 57 else { return nil }
            value = value * 10 + UInt64(byte - 48)
        }
        return value < 4_294_967_295 ? UInt32(value) : nil
    }
}

/// Writes values as JSON.stringify does.
struct JSONWriter {
    let gap: String
    /// `gap` as the bytes each level of indentation appends.
    private let gapBytes: [UInt8]
    private let gapIsSpaces: Bool
    /// JSON.stringify's replacer function: called with each key and value, its result is written.
    var replacer: ((String, Value) throws -> Value)?
    /// JSON.stringify's replacer array: the only object keys written, in this order.
    var allowList: [String]?
    /// Every object's keys sorted (`canonicalJSON`), Dates and RegExps written as their entries.
    let sortsKeys: Bool

    init(
        gap: String, replacer: ((String, Value) throws -> Value)? = nil, allowList: [String]? = nil,
        sortsKeys: Bool = false
    ) {
        self.gap = gap
        self.gapBytes = Array(gap.utf8)
        self.gapIsSpaces = gapBytes.allSatisfy { $0 == UInt8(ascii: " ") }
        self.replacer = replacer
        self.allowList = allowList
        self.sortsKeys = sortsKeys
    }

    /// Appends the JSON of `value` under `key` with a replacer; false when it has none.
    func write(key: String, _ value: Value, into output: inout String, indentation: String) throws -> Bool {
        guard let replacer else { return write(value, into: &output, indentation: indentation) }
        var value = value
        if case .object(let object) = value, case .date(let time) = object.kind {
            value = time.isNaN ? .null : .string(Builtins.isoString(milliseconds: time))
        }
        value = try replacer(key, value)
        switch value {
        case .array(let elements) where !elements.isEmpty:
            let inner = indentation + gap
            output += "["
            for (index, element) in elements.enumerated() {
                if index > 0 { output += "," }
                if !gap.isEmpty { output += "\n" + inner }
                if try !write(key: String(index), element, into: &output, indentation: inner) { output += "null" }
            }
            if !gap.isEmpty { output += "\n" + indentation }
            output += "]"
            return true
        case .object(let object) where object.kind == nil:
            let inner = indentation + gap
            var first = true
            output += "{"
            for key in allowList ?? object.orderedKeys {
                guard let element = object[key] else { continue }
                var part = ""
                if !gap.isEmpty { part += "\n" + inner }
                Self.quote(key, into: &part)
                part += gap.isEmpty ? ":" : ": "
                guard try write(key: key, element, into: &part, indentation: inner) else { continue }
                if !first { output += "," }
                first = false
                output += part
            }
            if !first && !gap.isEmpty { output += "\n" + indentation }
            output += "}"
            return true
        default:
            return write(value, into: &output, indentation: indentation)
        }
    }

    /// Appends the JSON of `value`, replacer aside; false when it has none (undefined, a function).
    func write(_ value: Value, into output: inout String, indentation: String) -> Bool {
        var bytes: [UInt8] = []
        guard write(value, into: &bytes, indentation: Array(indentation.utf8), depth: 0) else { return false }
        output += String(decoding: bytes, as: UTF8.self)
        return true
    }

    /// The same as bytes, which append in a fraction of the time a String takes: `indentation` and
    /// then `depth` gaps start each line.
    func write(_ value: Value, into output: inout [UInt8], indentation: [UInt8], depth: Int) -> Bool {
        switch value {
        case .undefined, .function:
            return false
        case .null:
            output += "null".utf8
        case .bool(let flag):
            output += (flag ? "true" : "false").utf8
        case .number(let number):
            Self.appendNumber(number, to: &output)
        case .string(let text):
            Self.quote(text, into: &output)
        case .array(let elements):
            if elements.isEmpty {
                output += "[]".utf8
                return true
            }
            output.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                newLine(into: &output, indentation: indentation, depth: depth + 1)
                if !write(element, into: &output, indentation: indentation, depth: depth + 1) { output += "null".utf8 }
            }
            newLine(into: &output, indentation: indentation, depth: depth)
            output.append(UInt8(ascii: "]"))
        case .object(let object) where object.kind != nil && !sortsKeys:
            if case .date(let time) = object.kind {
                if time.isNaN {
                    output += "null".utf8
                } else {
                    Self.quote(Builtins.isoString(milliseconds: time), into: &output)
                }
            } else {
                output += "{}".utf8
            }
        case .object(let object):
            var first = true
            output.append(UInt8(ascii: "{"))
            func member(_ key: String, _ element: Value) {
                switch element {
                case .undefined, .function: return
                default: break
                }
                if !first { output.append(UInt8(ascii: ",")) }
                first = false
                newLine(into: &output, indentation: indentation, depth: depth + 1)
                Self.quote(key, into: &output)
                output.append(UInt8(ascii: ":"))
                if !gap.isEmpty { output.append(UInt8(ascii: " ")) }
                _ = write(element, into: &output, indentation: indentation, depth: depth + 1)
            }
            // In their own order unless a key is an array index (JavaScript puts those first):
            // without making a list of the pairs, for the common object.
            let keys = object.keys
            if sortsKeys && keys.count > 1 {
                let sorted = keys.indices.sorted { keys[$0] < keys[$1] }
                for at in ObjectValue.javaScriptOrder(sorted, of: keys) { member(keys[at], object.values[at]) }
            } else if keys.contains(where: { ObjectValue.arrayIndex($0) != nil }) {
                for (key, element) in object.orderedEntries { member(key, element) }
            } else {
                for index in keys.indices { member(keys[index], object.values[index]) }
            }
            if !first { newLine(into: &output, indentation: indentation, depth: depth) }
            output.append(UInt8(ascii: "}"))
        }
        return true
    }

    /// A line break and the indentation of `depth`; nothing without a gap.
    private func newLine(into output: inout [UInt8], indentation: [UInt8], depth: Int) {
        if gapBytes.isEmpty { return }
        output.append(UInt8(ascii: "\n"))
        if !indentation.isEmpty { output.append(contentsOf: indentation) }
        // A gap of spaces (`--json`'s two) as one run of them rather than one append a level.
        if gapIsSpaces {
            output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: depth * gapBytes.count))
        } else {
            for _ in 0..<depth { output.append(contentsOf: gapBytes) }
        }
    }

    /// A number as JSON.stringify writes it: a whole number below 2^53 digit by digit, without making
    /// a string (most numbers in results are); others as JavaScript prints them; not finite, `null`.
    private static func appendNumber(_ number: Double, to output: inout [UInt8]) {
        guard number.isFinite else { return output += "null".utf8 }
        guard let integer = JSNumberFormatting.exactInteger(number) else { return output += JSNumberFormatting.string(number).utf8 }
        var magnitude = integer.magnitude
        if integer < 0 { output.append(UInt8(ascii: "-")) }
        // At most 16 digits below 2^53, written from the right.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 16) { digits in
            var start = 16
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            output.append(contentsOf: UnsafeBufferPointer(rebasing: digits[start...]))
        }
    }

    /// JSON.stringify's QuoteJSONString, as UTF-8 bytes: every byte that needs an escape is ASCII,
    /// so the bytes of other characters are copied as they are.
    static func quote(_ text: String, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        defer { output.append(UInt8(ascii: "\"")) }
        // Most strings need no escape: their bytes are copied at once.
        var text = text
        let copied = text.withUTF8 { bytes -> Bool in
            for byte in bytes where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { return false }
            output.append(contentsOf: bytes)
            return true
        }
        if copied { return }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): output += [UInt8(ascii: "\\"), byte]
            case 0x08: output += "\\b".utf8
            case 0x0C: output += "\\f".utf8
            case UInt8(ascii: "\n"): output += "\\n".utf8
            case UInt8(ascii: "\r"): output += "\\r".utf8
            case UInt8(ascii: "\t"): output += "\\t".utf8
            case ..<0x20:
                let digits = Array("0123456789abcdef".utf8)
                output += "\\u00".utf8
                output += [digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]]
            default: output.append(byte)
            }
        }
    }

    /// The same, appended to a String.
    static func quote(_ text: String, into output: inout String) {
        var bytes: [UInt8] = []
        quote(text, into: &bytes)
        output += String(decoding: bytes, as: UTF8.self)
    }
}
