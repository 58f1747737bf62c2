import Foundation

/// A step's output as text that is safe to show: what hops prints and what `--json` carries, while
/// the store keeps output that is not plain text as the bytes it was.
public enum OutputText {
    /// `bytes` as text to show, and the bytes themselves when that text is not them (binary
    /// output, control characters): what the store keeps.
    public static func shown(_ bytes: Data) -> (text: String, raw: Data?) {
        let text = escaped(bytes)
        return (text, text.utf8.elementsEqual(bytes) ? nil : bytes)
    }

    /// Valid UTF-8 as it is, except control characters other than newline and tab, which (like
    /// bytes that are not UTF-8) are written `\xNN`: binary output keeps every byte visible, and no
    /// escape sequence reaches a terminal. With `keepingControls`, for output that becomes a value
    /// (the `sh` action's result, as the same command run by Windmill gives it), control characters
    /// stay and only bytes that are not UTF-8 are written `\xNN`.
    public static func escaped(_ bytes: Data, keepingControls: Bool = false) -> String {
        // Fast path: plain ASCII text needs no escaping.
        if !bytes.contains(where: {
            (!keepingControls && (($0 < 0x20 && $0 != 0x0a && $0 != 0x09) || $0 == 0x7f)) || $0 >= 0x80
        }) {
            return String(decoding: bytes, as: UTF8.self)
        }
        var text = ""
        text.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            let length = byte < 0x80 ? 1 : byte >> 5 == 0b110 ? 2 : byte >> 4 == 0b1110 ? 3 : byte >> 3 == 0b11110 ? 4 : 0
            if length > 1, index + length <= bytes.endIndex,
                let scalar = String(bytes: bytes[index..<index + length], encoding: .utf8),
                keepingControls || !scalar.unicodeScalars.contains(where: isControl)
            {
                text += scalar
                index += length
                continue
            }
            if length == 1, keepingControls || byte >= 0x20 && byte != 0x7f || byte == 0x0a || byte == 0x09 {
                text.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                text += "\\x" + (byte < 0x10 ? "0" : "") + String(byte, radix: 16, uppercase: false)
            }
            index += 1
        }
        return text
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool { scalar.properties.generalCategory == .control }
}
