import HopsLang

/// The bytes of a kept reading: numbers as varints, each string once (later uses name its place),
/// optionals and cases behind a tag byte. `ModelReader` reads back in the order written.
struct ModelWriter {
    private(set) var bytes: [UInt8] = []
    private var strings: [String: Int] = [:]

    /// A value a flow's YAML does not make; the reading is not kept.
    struct Unsupported: Error {}

    mutating func byte(_ value: UInt8) { bytes.append(value) }

    mutating func bool(_ value: Bool) { bytes.append(value ? 1 : 0) }

    mutating func int(_ value: Int) {
        var rest = UInt64(bitPattern: Int64(value))
        while rest >= 0x80 {
            bytes.append(UInt8(rest & 0x7f) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    mutating func double(_ value: Double) {
        withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes += $0 }
    }

    /// A string as its bytes, not remembered (the flow's text, the entry's header).
    mutating func rawString(_ value: String) {
        int(value.utf8.count)
        bytes += value.utf8
    }

    /// A string, or the place of the same string written before (a file name in every location).
    mutating func string(_ value: String) {
        if let index = strings[value] {
            int(index + 1)
        } else {
            strings[value] = strings.count
            int(0)
            rawString(value)
        }
    }

    mutating func optional<T>(_ value: T?, _ write: (inout ModelWriter, T) throws -> Void) rethrows {
        guard let value else { return bool(false) }
        bool(true)
        try write(&self, value)
    }

    mutating func array<T>(_ values: some Collection<T>, _ write: (inout ModelWriter, T) throws -> Void) rethrows {
        int(values.count)
        for value in values { try write(&self, value) }
    }

    mutating func value(_ value: Value) throws {
        switch value {
        case .undefined: byte(0)
        case .null: byte(1)
        case .bool(let flag): byte(flag ? 3 : 2)
        case .number(let number):
            byte(4)
            double(number)
        case .string(let text):
            byte(5)
            string(text)
        case .array(let array):
            byte(6)
            try self.array(array.elements) { try $0.value($1) }
        case .object(let object):
            byte(7)
            let keys = object.keys
            try self.array(keys.indices) {
                $0.string(keys[$1])
                try $0.value(object.values[$1])
            }
        case .function: throw Unsupported()
        }
    }
}

/// Reads what `ModelWriter` wrote; any byte out of place throws `Malformed`.
struct ModelReader {
    private let bytes: [UInt8]
    private var position = 0
    private var strings: [String] = []

    struct Malformed: Error {}

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    mutating func byte() throws -> UInt8 {
        guard position < bytes.count else { throw Malformed() }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func bool() throws -> Bool {
        switch try byte() {
        case 0: false
        case 1: true
        default: throw Malformed()
        }
    }

    mutating func int() throws -> Int {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let next = try byte()
            guard shift < 64 else { throw Malformed() }
            value |= UInt64(next & 0x7f) << shift
            if next < 0x80 { return Int(Int64(bitPattern: value)) }
            shift += 7
        }
    }

    /// A count of things still to read: never more than the bytes left.
    mutating func count() throws -> Int {
        let count = try int()
        guard count >= 0, count <= bytes.count - position else { throw Malformed() }
        return count
    }

    mutating func double() throws -> Double {
        guard position + 8 <= bytes.count else { throw Malformed() }
        var pattern: UInt64 = 0
        for index in 0..<8 { pattern |= UInt64(bytes[position + index]) << (8 * UInt64(index)) }
        position += 8
        return Double(bitPattern: pattern)
    }

    mutating func rawString() throws -> String {
        let count = try count()
        defer { position += count }
        return String(decoding: bytes[position..<position + count], as: UTF8.self)
    }

    /// Whether the next raw string is `text`, compared as bytes (a flow's text, which need not be made again).
    mutating func sameText(_ text: String) throws -> Bool {
        let count = try count()
        defer { position += count }
        return text.utf8.elementsEqual(bytes[position..<position + count])
    }

    mutating func string() throws -> String {
        let index = try int()
        if index == 0 {
            let string = try rawString()
            strings.append(string)
            return string
        }
        guard index > 0, index <= strings.count else { throw Malformed() }
        return strings[index - 1]
    }

    mutating func optional<T>(_ read: (inout ModelReader) throws -> T) throws -> T? {
        try bool() ? read(&self) : nil
    }

    mutating func array<T>(_ read: (inout ModelReader) throws -> T) throws -> [T] {
        let count = try count()
        var values: [T] = []
        values.reserveCapacity(count)
        for _ in 0..<count { values.append(try read(&self)) }
        return values
    }

    mutating func value() throws -> Value {
        switch try byte() {
        case 0: return .undefined
        case 1: return .null
        case 2: return .bool(false)
        case 3: return .bool(true)
        case 4: return .number(try double())
        case 5: return .string(try string())
        case 6: return .array(try array { try $0.value() })
        case 7: return .object(ObjectValue(try array { (try $0.string(), try $0.value()) }))
        default: throw Malformed()
        }
    }
}
