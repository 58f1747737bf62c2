/// ANSI styles for the kinds of text the shell prints; plain text when colour is off.
public enum TextStyle: String, Sendable {
    case string = "32"
    case number = "33"
    case keyword = "1"
    case undefined = "90"
    case function = "36"
    case key = "34"
    case border = "2"
    case error = "1;31"
    case emphasis = "1;37"

    /// `text` wrapped in this style's escape sequences when `colored`, else unchanged.
    public func apply(_ text: String, colored: Bool) -> String {
        colored ? "\u{1B}[\(rawValue)m\(text)\u{1B}[0m" : text
    }
}

extension String {
    /// The text with ANSI escape sequences (CSI and OSC) removed, as a reader sees it.
    public var strippingANSI: String {
        var result = ""
        var iterator = unicodeScalars.makeIterator()
        while let scalar = iterator.next() {
            guard scalar == "\u{1B}" else {
                result.unicodeScalars.append(scalar)
                continue
            }
            guard let kind = iterator.next() else { break }
            if kind == "[" {
                // CSI: parameters, then one final byte in @...~.
                while let next = iterator.next(), !(0x40...0x7E).contains(next.value) {}
            } else if kind == "]" {
                // OSC: ends with BEL or ESC \.
                while let next = iterator.next(), next != "\u{07}", next != "\u{1B}" {}
            }
        }
        return result
    }
}
