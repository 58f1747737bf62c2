/// Turns source text into tokens. It never throws: malformed input becomes an error token.
struct Lexer {
    private let scalars: [Unicode.Scalar]
    private var position = 0
    /// One entry per open `{` (false) or template substitution `${` (true), to know what a `}` closes.
    private var braces: [Bool] = []
    /// Whether a `/` here starts a regular expression: true unless the token before ends an operand.
    private var regExpAllowed = true

    init(_ source: SourceFile) {
        scalars = source.scalars
    }

    /// Every token of the source, ending with an `.end` token.
    static func tokenize(_ source: SourceFile) -> [Token] {
        var lexer = Lexer(source)
        var tokens: [Token] = []
        while true {
            let token = lexer.next()
            tokens.append(token)
            if token.kind == .end { return tokens }
        }
    }

    private func peek(_ ahead: Int = 0) -> Unicode.Scalar? {
        let index = position + ahead
        return index < scalars.count ? scalars[index] : nil
    }

    mutating func next() -> Token {
        var newline = false
        if let error = skipTrivia(&newline) { return error }
        var token = regExpAllowed && peek() == "/" ? regExp() : scan()
        token.newlineBefore = newline
        switch token.kind {
        case .number, .string, .identifier, .template, .templateTail, .regExp:
            regExpAllowed = false
        case .keyword:
            regExpAllowed = !["true", "false", "null", "undefined", "this"].contains(token.text)
        case .punctuator:
            regExpAllowed = ![")", "]", "}"].contains(token.text)
        default:
            regExpAllowed = true
        }
        return token
    }

    /// Skips blanks and comments; returns an error token for a comment left open.
    private mutating func skipTrivia(_ newline: inout Bool) -> Token? {
        while let scalar = peek() {
            if scalar == "\n" || scalar == "\r" || scalar == "\u{2028}" || scalar == "\u{2029}" {
                newline = true
                position += 1
            } else if scalar == " " || scalar == "\t" || scalar == "\u{FEFF}" || scalar == "\u{0B}"
                || scalar == "\u{0C}" || scalar.properties.isWhitespace
            {
                position += 1
            } else if scalar == "/", peek(1) == "/" {
                while let next = peek(), next != "\n" { position += 1 }
            } else if scalar == "/", peek(1) == "*" {
                let start = position
                position += 2
                while true {
                    guard let next = peek() else {
                        return Token(
                            kind: .error, start: start, end: position, text: "unterminated comment",
                            isIncomplete: true)
                    }
                    if next == "*", peek(1) == "/" {
                        position += 2
                        break
                    }
                    if next == "\n" { newline = true }
                    position += 1
                }
            } else {
                return nil
            }
        }
        return nil
    }

    private mutating func scan() -> Token {
        let start = position
        guard let scalar = peek() else {
            return Token(kind: .end, start: start, end: start, text: "")
        }
        if isIdentifierStart(scalar) { return identifier() }
        if isDigit(scalar) || (scalar == "." && peek(1).map(isDigit) == true) { return number() }
        switch scalar {
        case "\"", "'":
            return string(quote: scalar)
        case "`":
            position += 1
            return template(start: start, opening: true)
        case "{":
            braces.append(false)
        case "}":
            if braces.popLast() == true { return template(start: start, opening: false) }
        default:
            break
        }
        for text in punctuators where matches(text) {
            position += text.utf8.count
            return Token(kind: .punctuator, start: start, end: position, text: text)
        }
        position += 1
        return Token(
            kind: .error, start: start, end: position, text: "unexpected character '\(scalar)'")
    }

    /// A regular expression literal `/pattern/flags`: a `/` inside a class `[...]` or after `\\` does not end it.
    private mutating func regExp() -> Token {
        let start = position
        position += 1
        var pattern = String.UnicodeScalarView()
        var inClass = false
        while true {
            guard let scalar = peek(), scalar != "\n", scalar != "\r", scalar != "\u{2028}", scalar != "\u{2029}" else {
                return Token(kind: .error, start: start, end: position, text: "unterminated regular expression")
            }
            position += 1
            if scalar == "/", !inClass { break }
            pattern.append(scalar)
            if scalar == "\\" {
                guard let escaped = peek(), escaped != "\n", escaped != "\r" else { continue }
                pattern.append(escaped)
                position += 1
            } else if scalar == "[" {
                inClass = true
            } else if scalar == "]" {
                inClass = false
            }
        }
        var flags = String.UnicodeScalarView()
        while let scalar = peek(), isIdentifierPart(scalar) {
            flags.append(scalar)
            position += 1
        }
        var token = Token(kind: .regExp, start: start, end: position, text: String(pattern))
        token.flags = String(flags)
        return token
    }

    /// Whether the punctuator `text` (ASCII, so one scalar a byte) is written at the current position.
    private func matches(_ text: String) -> Bool {
        var offset = position
        for byte in text.utf8 {
            guard offset < scalars.count, scalars[offset].value == UInt32(byte) else { return false }
            offset += 1
        }
        return true
    }

    private mutating func identifier() -> Token {
        let start = position
        while let scalar = peek(), isIdentifierPart(scalar) { position += 1 }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[start..<position])
        let text = String(view)
        return Token(kind: keywords.contains(text) ? .keyword : .identifier, start: start, end: position, text: text)
    }

    private mutating func number() -> Token {
        let start = position
        var digits = ""
        var radix = 10
        if peek() == "0", let marker = peek(1), "xXoObB".unicodeScalars.contains(marker) {
            radix = marker == "x" || marker == "X" ? 16 : (marker == "o" || marker == "O" ? 8 : 2)
            position += 2
            while let scalar = peek(), scalar.properties.isASCIIHexDigit || scalar == "_" {
                if scalar != "_" { digits.unicodeScalars.append(scalar) }
                position += 1
            }
        } else {
            while let scalar = peek(), isDigit(scalar) || scalar == "_" {
                if scalar != "_" { digits.unicodeScalars.append(scalar) }
                position += 1
            }
            if peek() == ".", peek(1).map(isDigit) == true || !(peek(1).map(isIdentifierStart) ?? false) {
                digits.append(".")
                position += 1
                while let scalar = peek(), isDigit(scalar) || scalar == "_" {
                    if scalar != "_" { digits.unicodeScalars.append(scalar) }
                    position += 1
                }
            }
            if let e = peek(), e == "e" || e == "E" {
                let sign = peek(1)
                let hasSign = sign == "+" || sign == "-"
                if let digit = peek(hasSign ? 2 : 1), isDigit(digit) {
                    digits.append("e")
                    if hasSign, let sign { digits.unicodeScalars.append(sign) }
                    position += hasSign ? 2 : 1
                    while let scalar = peek(), isDigit(scalar) {
                        digits.unicodeScalars.append(scalar)
                        position += 1
                    }
                }
            }
        }
        if let scalar = peek(), isIdentifierPart(scalar) {
            while let next = peek(), isIdentifierPart(next) { position += 1 }
            return Token(kind: .error, start: start, end: position, text: "invalid number")
        }
        let value: Double? =
            radix == 10 ? Double(digits) : UInt64(digits, radix: radix).map { Double($0) }
        guard let value else {
            return Token(kind: .error, start: start, end: position, text: "invalid number")
        }
        return Token(kind: .number, start: start, end: position, text: "", number: value)
    }

    private mutating func string(quote: Unicode.Scalar) -> Token {
        let start = position
        position += 1
        var value = String.UnicodeScalarView()
        while true {
            guard let scalar = peek() else {
                return Token(
                    kind: .error, start: start, end: position, text: "unterminated string",
                    isIncomplete: true)
            }
            if scalar == quote {
                position += 1
                return Token(kind: .string, start: start, end: position, text: String(value))
            }
            if scalar == "\n" || scalar == "\r" {
                return Token(kind: .error, start: start, end: position, text: "unterminated string")
            }
            if scalar == "\\" {
                if let error = escape(into: &value) { return error }
            } else {
                value.append(scalar)
                position += 1
            }
        }
    }

    /// Scans the rest of a template part, after its opening `` ` `` or `}`.
    private mutating func template(start: Int, opening: Bool) -> Token {
        if !opening { position += 1 }
        var value = String.UnicodeScalarView()
        while true {
            guard let scalar = peek() else {
                return Token(
                    kind: .error, start: start, end: position, text: "unterminated template",
                    isIncomplete: true)
            }
            if scalar == "`" {
                position += 1
                return Token(
                    kind: opening ? .template : .templateTail, start: start, end: position,
                    text: String(value))
            }
            if scalar == "$", peek(1) == "{" {
                position += 2
                braces.append(true)
                return Token(
                    kind: opening ? .templateHead : .templateMiddle, start: start, end: position,
                    text: String(value))
            }
            if scalar == "\\" {
                if let error = escape(into: &value) { return error }
            } else if scalar == "\r" {
                // Template literals normalise CR and CRLF to LF.
                position += 1
                if peek() == "\n" { position += 1 }
                value.append("\n")
            } else {
                value.append(scalar)
                position += 1
            }
        }
    }

    /// Decodes the escape sequence at the backslash under `position`.
    private mutating func escape(into value: inout String.UnicodeScalarView) -> Token? {
        let start = position
        position += 1
        guard let scalar = peek() else {
            return Token(kind: .error, start: start, end: position, text: "unterminated string", isIncomplete: true)
        }
        position += 1
        switch scalar {
        case "n": value.append("\n")
        case "t": value.append("\t")
        case "r": value.append("\r")
        case "b": value.append("\u{08}")
        case "f": value.append("\u{0C}")
        case "v": value.append("\u{0B}")
        case "0" where !(peek().map(isDigit) ?? false): value.append("\0")
        case "\r":
            if peek() == "\n" { position += 1 }
        case "\n", "\u{2028}", "\u{2029}":
            break
        case "x":
            guard let code = hexDigits(count: 2) else { return badEscape(start) }
            value.append(Unicode.Scalar(UInt8(code)))
        case "u":
            guard var code = unicodeEscape() else { return badEscape(start) }
            // A surrogate pair written as two escapes is one scalar.
            if (0xD800..<0xDC00).contains(code), peek() == "\\", peek(1) == "u" {
                let save = position
                position += 2
                if let low = unicodeEscape(), (0xDC00..<0xE000).contains(low) {
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                } else {
                    position = save
                }
            }
            value.append(Unicode.Scalar(code) ?? "\u{FFFD}")
        default:
            if isDigit(scalar) { return badEscape(start) }
            value.append(scalar)
        }
        return nil
    }

    private func badEscape(_ start: Int) -> Token {
        Token(kind: .error, start: start, end: position, text: "invalid escape sequence")
    }

    private mutating func unicodeEscape() -> UInt32? {
        if peek() == "{" {
            position += 1
            var code: UInt32 = 0
            var count = 0
            while let scalar = peek(), let digit = hexValue(scalar) {
                code = code * 16 + digit
                count += 1
                position += 1
                if code > 0x10FFFF { return nil }
            }
            guard count > 0, peek() == "}" else { return nil }
            position += 1
            return code
        }
        return hexDigits(count: 4)
    }

    private mutating func hexDigits(count: Int) -> UInt32? {
        var code: UInt32 = 0
        for _ in 0..<count {
            guard let scalar = peek(), let digit = hexValue(scalar) else { return nil }
            code = code * 16 + digit
            position += 1
        }
        return code
    }
}

/// Longest first, so that `===` wins over `==` and `=`. A list searched in order: a table keyed by
/// scalar would cost a dictionary (and the runtime's look-up of `Hashable`) at the start of every `hops -e`.
private let punctuators: [String] = [
    "...", "===", "!==", "**=", "?.", "??", "=>", "==", "!=", "<=", ">=", "&&", "||", "**",
    "+=", "-=", "*=", "/=", "%=",
    "{", "}", "(", ")", "[", "]", ".", ";", ",", "<", ">", "+", "-", "*", "/", "%", "!", "?",
    ":", "=", "&", "|", "^", "~", "@", "#",
]

private func isDigit(_ scalar: Unicode.Scalar) -> Bool { scalar.value >= 48 && scalar.value <= 57 }

private func hexValue(_ scalar: Unicode.Scalar) -> UInt32? {
    switch scalar.value {
    case 48...57: scalar.value - 48
    case 65...70: scalar.value - 55
    case 97...102: scalar.value - 87
    default: nil
    }
}

private func isIdentifierStart(_ scalar: Unicode.Scalar) -> Bool {
    scalar == "$" || scalar == "_" || (scalar.isASCII ? scalar.properties.isAlphabetic : scalar.properties.isIDStart)
}

private func isIdentifierPart(_ scalar: Unicode.Scalar) -> Bool {
    scalar == "$" || scalar == "_" || scalar == "\u{200C}" || scalar == "\u{200D}"
        || (scalar.isASCII ? (scalar.properties.isAlphabetic || isDigit(scalar)) : scalar.properties.isIDContinue)
}
