/// The seed format's `${{ }}` interpolation, both ways.
enum SeedFormat {
    /// The id given to the step inside the loop that a `for_each` step becomes.
    static let itemSuffix = "_item"

    enum Interpolated: Equatable {
        /// The whole string is one `${{ e }}`: the expression and the column offset of its text.
        case expression(String, offset: Int)
        /// Text mixed with `${{ e }}`: the equivalent template literal.
        case template(String)
        /// No `${{` at all.
        case literal
        /// A `${{` at this offset is never closed.
        case unclosed(offset: Int)
    }

    static func parseInterpolated(_ text: String) -> Interpolated {
        let characters = Array(text)
        var parts: [(literal: Bool, text: String)] = []
        var literal = ""
        var index = 0
        var firstExpressionOffset = 0
        while index < characters.count {
            if characters[index] == "$", index + 2 < characters.count, characters[index + 1] == "{", characters[index + 2] == "{" {
                guard let close = closing(characters, from: index + 3) else { return .unclosed(offset: index) }
                if !literal.isEmpty { parts.append((true, literal)) }
                literal = ""
                let inner = String(characters[(index + 3)..<close])
                let leading = inner.prefix { $0.isWhitespace }.count
                if parts.isEmpty { firstExpressionOffset = index + 3 + leading }
                parts.append((false, inner.trimmingWhitespace()))
                index = close + 2
            } else {
                literal.append(characters[index])
                index += 1
            }
        }
        if !literal.isEmpty { parts.append((true, literal)) }
        let expressions = parts.filter { !$0.literal }
        if expressions.isEmpty { return .literal }
        if parts.count == 1 { return .expression(expressions[0].text, offset: firstExpressionOffset) }
        if parts.count == 3, parts[0].literal, parts[2].literal, parts[0].text.allSatisfy(\.isWhitespace),
            parts[2].text.allSatisfy(\.isWhitespace)
        {
            return .expression(parts[1].text, offset: firstExpressionOffset)
        }
        var template = "`"
        for part in parts {
            if part.literal {
                var escaped = ""
                for character in part.text {
                    if character == "`" || character == "\\" { escaped.append("\\") }
                    escaped.append(character)
                }
                // A literal `${` would open a substitution in the template; escape it.
                template += escaped.replacingOccurrences(of: "${", with: "\\${")
            } else {
                template += "${" + part.text + "}"
            }
        }
        return .template(template + "`")
    }

    private static func closing(_ characters: [Character], from start: Int) -> Int? {
        var index = start
        while index + 1 < characters.count {
            if characters[index] == "}" && characters[index + 1] == "}" { return index }
            index += 1
        }
        return nil
    }

    /// The seed string for an expression: `${{ e }}`, or text with `${{ }}` for a simple template literal.
    static func seedString(for expression: String) -> String {
        template(expression) ?? "${{ \(expression) }}"
    }

    /// A template literal without nested backticks turned back into seed text; nil for anything else.
    private static func template(_ expression: String) -> String? {
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
