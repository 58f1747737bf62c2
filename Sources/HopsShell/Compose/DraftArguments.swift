import Foundation
import HopsFlow
import HopsLang

/// Reads the `key=value` words of `:add` and `:set`.
///
/// Words are separated by spaces outside quotes, brackets and `${{ … }}`. A value is an
/// expression when written `${{ expr }}` (text around it makes a template), else JSON when it
/// parses as JSON (`3`, `true`, `"a b"`, `[1, 2]`, `{"a": 1}`), else the text itself
/// (`'single quotes'` removed).
enum DraftArguments {
    /// The words of `text`.
    static func words(_ text: String) throws -> [String] {
        var words: [String] = []
        var current = ""
        var depth = 0
        var quote: Character?
        var characters = Array(text)[...]
        var expressionDepth = 0
        while let character = characters.popFirst() {
            if let open = quote {
                current.append(character)
                if character == "\\", let next = characters.popFirst() {
                    current.append(next)
                } else if character == open {
                    quote = nil
                }
                continue
            }
            if character == "$", characters.prefix(2) == ["{", "{"] {
                expressionDepth += 1
                current += "${{"
                characters = characters.dropFirst(2)
                continue
            }
            if expressionDepth > 0, character == "}", characters.first == "}" {
                expressionDepth -= 1
                current += "}}"
                characters = characters.dropFirst()
                continue
            }
            switch character {
            case "\"", "'", "`": quote = character
            case "[", "{", "(": depth += 1
            case "]", "}", ")": depth -= 1
            default: break
            }
            if character.isWhitespace && depth <= 0 && expressionDepth == 0 {
                if !current.isEmpty { words.append(current) }
                current = ""
                depth = 0
            } else {
                current.append(character)
            }
        }
        if quote != nil { throw CommandError("unclosed quote in: \(text)") }
        if expressionDepth > 0 { throw CommandError("unclosed ${{ in: \(text)") }
        if !current.isEmpty { words.append(current) }
        return words
    }

    /// `key=value` split at the first `=`.
    static func pair(_ word: String) throws -> (key: String, value: String) {
        guard let equals = word.firstIndex(of: "="), equals != word.startIndex else {
            throw CommandError("expected key=value, got '\(word)'")
        }
        return (String(word[..<equals]), String(word[word.index(after: equals)...]))
    }

    /// An argument's value: an expression, a JSON value or text.
    static func transform(_ text: String) throws -> InputTransform {
        if text.contains("${{") {
            return .javascript(FlowExpression(try expression(text)))
        }
        return .static(literal(text))
    }

    /// A JSON value, else the text without surrounding single quotes.
    static func literal(_ text: String) -> Value {
        if let value = try? Value(parsingJSON: text) { return value }
        if text.count >= 2, text.hasPrefix("'"), text.hasSuffix("'") { return .string(String(text.dropFirst().dropLast())) }
        return .string(text)
    }

    /// The expression of an option that always takes one (`if`, `for_each`): `${{ e }}`, a quoted
    /// string holding it, or the bare text.
    static func expression(_ text: String) throws -> String {
        var text = text
        if text.count >= 2, text.first == "\"" || text.first == "'", text.last == text.first {
            text = String(text.dropFirst().dropLast())
        }
        guard text.contains("${{") else { return text.trimmingWhitespace() }
        // Whole `${{ e }}`: the expression; text around parts makes a template literal.
        var parts: [(literal: Bool, text: String)] = []
        var rest = Substring(text)
        while let open = rest.range(of: "${{") {
            if open.lowerBound > rest.startIndex { parts.append((true, String(rest[..<open.lowerBound]))) }
            guard let close = rest[open.upperBound...].range(of: "}}") else { throw CommandError("unclosed ${{ in: \(text)") }
            parts.append((false, String(rest[open.upperBound..<close.lowerBound]).trimmingWhitespace()))
            rest = rest[close.upperBound...]
        }
        if !rest.isEmpty { parts.append((true, String(rest))) }
        if parts.count == 1, !parts[0].literal { return parts[0].text }
        var template = "`"
        for part in parts {
            if part.literal {
                template += part.text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "`", with: "\\`")
                    .replacingOccurrences(of: "${", with: "\\${")
            } else {
                template += "${" + part.text + "}"
            }
        }
        return template + "`"
    }

    /// Seconds from `30`, `30s`, `5m`, `2h`, `1d`.
    static func seconds(_ text: String, option: String) throws -> Double {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            if let number = Double(text.dropLast(suffix.count)), number >= 0 { return number * scale }
        }
        if let number = Double(text), number >= 0 { return number }
        throw CommandError("\(option) takes seconds (30, 30s, 5m, 2h), not '\(text)'")
    }

    /// `3` (three retries at once), `3x5s` (three, five seconds apart), `3x5s*2` (doubling), `off`.
    static func retry(_ text: String) throws -> Retry? {
        if ["off", "none", "0", "false"].contains(text) { return nil }
        let usage = "retry takes ATTEMPTS, ATTEMPTSxDELAY or ATTEMPTSxDELAY*MULTIPLIER (3, 3x5s, 3x1s*2), not '\(text)'"
        let parts = text.split(separator: "x", maxSplits: 1).map(String.init)
        guard let attempts = Int(parts[0]), attempts > 0 else { throw CommandError(usage) }
        guard parts.count == 2 else { return Retry(constant: Retry.Constant(attempts: attempts, seconds: 0)) }
        let delayParts = parts[1].split(separator: "*", maxSplits: 1).map(String.init)
        guard let delay = try? seconds(delayParts[0], option: "retry") else { throw CommandError(usage) }
        if delayParts.count == 2 {
            guard let multiplier = Double(delayParts[1]), multiplier > 0 else { throw CommandError(usage) }
            return Retry(exponential: Retry.Exponential(attempts: attempts, multiplier: multiplier, seconds: delay))
        }
        return Retry(constant: Retry.Constant(attempts: attempts, seconds: delay))
    }

    /// `true`, `false`, `yes`, `no`, `on`, `off`.
    static func bool(_ text: String, option: String) throws -> Bool {
        switch text.lowercased() {
        case "true", "yes", "on", "1": return true
        case "false", "no", "off", "0": return false
        default: throw CommandError("\(option) takes true or false, not '\(text)'")
        }
    }
}
