import HopsLang

/// The seed format's `${{ }}` interpolation, both ways.
enum SeedFormat {
    /// The id given to the step inside the loop that a `for_each` step becomes.
    static let itemSuffix = "_item"

    /// A piece of a seed string: literal text, or the expression inside one `${{ }}`.
    struct Part: Equatable {
        var isExpression: Bool
        /// The literal text, or the expression without its surrounding white space.
        var text: String
        /// Where `text` starts in the string, in Unicode scalars.
        var offset: Int
    }

    enum Interpolated: Equatable {
        /// The pieces of a string holding at least one `${{ e }}`.
        case parts([Part])
        /// No `${{` at all.
        case literal
        /// A `${{` at this offset (in Unicode scalars) is never closed.
        case unclosed(offset: Int)
    }

    static func parseInterpolated(_ text: String) -> Interpolated {
        let scalars = Array(text.unicodeScalars)
        var parts: [Part] = []
        var literal = String.UnicodeScalarView()
        var literalStart = 0
        var index = 0
        func flushLiteral() {
            if !literal.isEmpty { parts.append(Part(isExpression: false, text: String(literal), offset: literalStart)) }
            literal = String.UnicodeScalarView()
        }
        while index < scalars.count {
            if scalars[index] == "$", index + 2 < scalars.count, scalars[index + 1] == "{", scalars[index + 2] == "{" {
                guard let close = closing(scalars, from: index + 3) else { return .unclosed(offset: index) }
                flushLiteral()
                var innerStart = index + 3
                var innerEnd = close
                while innerStart < innerEnd, scalars[innerStart].properties.isWhitespace { innerStart += 1 }
                while innerEnd > innerStart, scalars[innerEnd - 1].properties.isWhitespace { innerEnd -= 1 }
                var inner = String.UnicodeScalarView()
                inner.append(contentsOf: scalars[innerStart..<innerEnd])
                parts.append(Part(isExpression: true, text: String(inner), offset: innerStart))
                index = close + 2
                literalStart = index
            } else {
                literal.append(scalars[index])
                index += 1
            }
        }
        flushLiteral()
        return parts.contains(where: \.isExpression) ? .parts(parts) : .literal
    }

    /// The one expression of parts that hold nothing else but white space; nil for a real mix.
    static func soleExpression(_ parts: [Part]) -> Part? {
        let expressions = parts.filter(\.isExpression)
        guard expressions.count == 1 else { return nil }
        let rest = parts.filter { !$0.isExpression }
        return rest.allSatisfy { $0.text.allSatisfy(\.isWhitespace) } ? expressions[0] : nil
    }

    /// Literal text escaped for the inside of a template literal.
    static func templateEscaped(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if character == "`" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        // A literal `${` would open a substitution in the template; escape it.
        return escaped.replacingOccurrences(of: "${", with: "\\${")
    }

    private static func closing(_ scalars: [Unicode.Scalar], from start: Int) -> Int? {
        var index = start
        while index + 1 < scalars.count {
            if scalars[index] == "}" && scalars[index + 1] == "}" { return index }
            index += 1
        }
        return nil
    }

    /// The seed string for an expression: `${{ e }}`, or text with `${{ }}` for a simple template literal.
    static func seedString(for expression: String) -> String {
        template(expression) ?? "${{ \(expression) }}"
    }

    /// A template literal without nested backticks turned back into seed text; nil for anything else.
    static func template(_ expression: String) -> String? {
        let characters = Array(expression)
        guard characters.count >= 2, characters.first == "`", characters.last == "`" else { return nil }
        var output = ""
        var index = 1
        let end = characters.count - 1
        while index < end {
            let character = characters[index]
            if character == "\\" {
                guard index + 1 < end else { return nil }
                output.append(characters[index + 1])
                index += 2
            } else if character == "`" {
                return nil
            } else if character == "$", index + 1 < end, characters[index + 1] == "{" {
                var depth = 1
                var cursor = index + 2
                while cursor < end, depth > 0 {
                    if characters[cursor] == "{" { depth += 1 }
                    if characters[cursor] == "}" { depth -= 1 }
                    if characters[cursor] == "`" { return nil }
                    cursor += 1
                }
                guard depth == 0 else { return nil }
                let inner = String(characters[(index + 2)..<(cursor - 1)])
                output += "${{ \(inner.trimmingWhitespace()) }}"
                index = cursor
            } else {
                output.append(character)
                index += 1
            }
        }
        if output.contains("${{") == false { return nil }
        return output
    }
}

extension String {
    func trimmingWhitespace() -> String {
        let characters = drop { $0.isWhitespace }
        return String(characters.reversed().drop { $0.isWhitespace }.reversed())
    }
}

extension SeedFormat {
    /// A key of an object literal: bare when it is an identifier, else a JSON string.
    static func propertyName(_ key: String) -> String {
        let scalars = Array(key.unicodeScalars)
        func isStart(_ scalar: Unicode.Scalar) -> Bool {
            (scalar >= "a" && scalar <= "z") || (scalar >= "A" && scalar <= "Z") || scalar == "_" || scalar == "$"
        }
        if let first = scalars.first, isStart(first), scalars.dropFirst().allSatisfy({ isStart($0) || ($0 >= "0" && $0 <= "9") }) {
            return key
        }
        return Value.string(key).jsonString() ?? "\"\""
    }
}
