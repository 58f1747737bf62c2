import Foundation

/// Source text with comments and string contents blanked out, offsets and line breaks kept,
/// so that brackets, commas and `main` can be found without a full parser.
struct BlankedSource {
    /// The original characters.
    let original: [Character]
    /// The same characters with comments and string bodies replaced by spaces.
    let code: [Character]

    enum Syntax {
        case typescript, python
    }

    init(_ text: String, syntax: Syntax) {
        let original = Array(text)
        var blanked = original
        var index = 0
        func blank(_ range: Range<Int>) {
            for position in range where position < blanked.count && !blanked[position].isNewline { blanked[position] = " " }
        }
        let count = original.count
        func at(_ position: Int) -> Character? { position < count ? original[position] : nil }
        // Nesting of `${ … }` inside template literals: the brace depth at which each template resumes.
        var templateResumeDepths: [Int] = []
        var braceDepth = 0
        while index < count {
            let character = original[index]
            switch syntax {
            case .typescript:
                if character == "/" && at(index + 1) == "/" {
                    var end = index
                    while end < count && !original[end].isNewline { end += 1 }
                    blank(index..<end)
                    index = end
                    continue
                }
                if character == "/" && at(index + 1) == "*" {
                    var end = index + 2
                    while end < count && !(original[end] == "*" && at(end + 1) == "/") { end += 1 }
                    end = min(end + 2, count)
                    blank(index..<end)
                    index = end
                    continue
                }
                if character == "{" { braceDepth += 1 }
                if character == "}" {
                    if let resume = templateResumeDepths.last, resume == braceDepth {
                        templateResumeDepths.removeLast()
                        index = Self.skipTemplate(from: index + 1, in: original, blank: blank, resumeDepths: &templateResumeDepths, braceDepth: braceDepth)
                        continue
                    }
                    braceDepth -= 1
                }
                if character == "\"" || character == "'" {
                    let end = Self.skipQuoted(from: index, quote: character, in: original)
                    blank((index + 1)..<max(index + 1, end - 1))
                    index = end
                    continue
                }
                if character == "`" {
                    index = Self.skipTemplate(from: index + 1, in: original, blank: blank, resumeDepths: &templateResumeDepths, braceDepth: braceDepth)
                    continue
                }
            case .python:
                if character == "#" {
                    var end = index
                    while end < count && !original[end].isNewline { end += 1 }
                    blank(index..<end)
                    index = end
                    continue
                }
                if character == "\"" || character == "'" {
                    if at(index + 1) == character && at(index + 2) == character {
                        var end = index + 3
                        while end < count && !(original[end] == character && at(end + 1) == character && at(end + 2) == character) {
                            end += original[end] == "\\" ? 2 : 1
                        }
                        end = min(end + 3, count)
                        blank((index + 3)..<max(index + 3, end - 3))
                        index = end
                        continue
                    }
                    let end = Self.skipQuoted(from: index, quote: character, in: original)
                    blank((index + 1)..<max(index + 1, end - 1))
                    index = end
                    continue
                }
            }
            index += 1
        }
        self.original = original
        self.code = blanked
    }

    /// The index just past a quoted string starting at `start`; an unclosed string ends at the line's end.
    private static func skipQuoted(from start: Int, quote: Character, in text: [Character]) -> Int {
        var index = start + 1
        while index < text.count {
            if text[index] == "\\" {
                index += 2
                continue
            }
            if text[index] == quote { return index + 1 }
            if text[index].isNewline { return index }
            index += 1
        }
        return text.count
    }

    /// Blanks a template literal's text up to its closing backtick or to a `${`, whose code is scanned normally.
    private static func skipTemplate(
        from start: Int, in text: [Character], blank: (Range<Int>) -> Void, resumeDepths: inout [Int], braceDepth: Int
    ) -> Int {
        var index = start
        while index < text.count {
            if text[index] == "\\" {
                index += 2
                continue
            }
            if text[index] == "`" {
                blank(start..<index)
                return index + 1
            }
            if text[index] == "$" && index + 1 < text.count && text[index + 1] == "{" {
                blank(start..<index)
                resumeDepths.append(braceDepth)
                return index + 2
            }
            index += 1
        }
        blank(start..<text.count)
        return text.count
    }

    func line(of offset: Int) -> Int {
        1 + original[..<min(offset, original.count)].filter(\.isNewline).count
    }

    /// The offset of the bracket that closes the one at `open`, counting (), [] and {}.
    func matchingClose(from open: Int) -> Int? {
        var depth = 0
        var index = open
        while index < code.count {
            switch code[index] {
            case "(", "[", "{": depth += 1
            case ")", "]", "}":
                depth -= 1
                if depth == 0 { return index }
            default: break
            }
            index += 1
        }
        return nil
    }

    /// How the bracket at `index` changes the nesting depth: +1 opens, -1 closes, 0 for other
    /// characters; `angleBrackets` also counts `<…>` (but not the `>` of `=>`).
    func nesting(at index: Int, angleBrackets: Bool) -> Int {
        switch code[index] {
        case "(", "[", "{": 1
        case ")", "]", "}": -1
        case "<" where angleBrackets: 1
        case ">" where angleBrackets && index > 0 && code[index - 1] != "=": -1
        default: 0
        }
    }

    /// Splits `range` at commas outside brackets; `angleBrackets` also counts `<…>` (TypeScript generics).
    func splitTopLevel(_ range: Range<Int>, angleBrackets: Bool) -> [Range<Int>] {
        var parts: [Range<Int>] = []
        var depth = 0
        var start = range.lowerBound
        for index in range {
            if depth == 0, code[index] == "," {
                parts.append(start..<index)
                start = index + 1
            }
            depth += nesting(at: index, angleBrackets: angleBrackets)
        }
        parts.append(start..<range.upperBound)
        return parts.filter { !String(code[$0]).trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
    }

    /// The first offset in `range` of `target` outside brackets, skipping `=>` and `==` when looking for `=`.
    func firstTopLevel(_ target: Character, in range: Range<Int>, angleBrackets: Bool) -> Int? {
        var depth = 0
        for index in range {
            let character = code[index]
            depth += nesting(at: index, angleBrackets: angleBrackets)
            guard depth == 0, character == target else { continue }
            if target == "=" {
                let next = index + 1 < code.count ? code[index + 1] : " "
                let previous = index > 0 ? code[index - 1] : " "
                if next == ">" || next == "=" || previous == "=" || previous == "!" || previous == "<" || previous == ">" { continue }
            }
            return index
        }
        return nil
    }

    func originalText(_ range: Range<Int>) -> String {
        String(original[range]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func codeText(_ range: Range<Int>) -> String {
        String(code[range]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The first place in the blanked code where `declaration` matches from the start of a word: the
    /// match's start and the offset just past it. The scanners match by hand what a regular expression
    /// would, without building one (ICU's take milliseconds to compile, on every flow checked).
    func firstMatch(atLineStarts: Bool = false, _ declaration: (inout TextCursor) -> Bool) -> (start: Int, end: Int)? {
        for start in code.indices {
            if atLineStarts {
                guard start == 0 || code[start - 1].isNewline else { continue }
            } else {
                guard start == 0 || !TextCursor.isWord(code[start - 1]) else { continue }
            }
            var cursor = TextCursor(text: code, at: start)
            if declaration(&cursor) { return (start, cursor.at) }
        }
        return nil
    }
}

extension TextCursor {
    /// `\s*(<[^()]*>)?\s*\(`: type parameters, if any, then the parenthesis that opens the parameters.
    mutating func takeParameterListStart() -> Bool {
        skip(while: \.isWhitespace)
        if current == "<" {
            // The type parameters end at the last `>` before the next parenthesis.
            var close: Int?
            var index = at + 1
            while index < text.count, text[index] != "(", text[index] != ")" {
                if text[index] == ">" { close = index }
                index += 1
            }
            guard let close else { return false }
            at = close + 1
            skip(while: \.isWhitespace)
        }
        return take("(")
    }
}

/// Finds `main` in TypeScript or JavaScript and reads its parameters.
struct TypeScriptSignatureScanner {
    let source: BlankedSource
    /// The function Windmill calls: `main`, or `preprocessor`.
    let entry: String

    init(source: String, entry: String = "main") {
        self.source = BlankedSource(source, syntax: .typescript)
        self.entry = entry
    }

    func signature() throws(ScriptSignatureError) -> ScriptSignature {
        guard let match = source.firstMatch(functionDeclaration) ?? source.firstMatch(variableDeclaration) else {
            throw .missingMain
        }
        let open = match.end - 1
        let line = source.line(of: match.start)
        guard let close = source.matchingClose(from: open) else { throw .unterminatedParameters(line: line) }
        var parameters: [ScriptParameter] = []
        var acceptsAny = false
        for part in source.splitTopLevel((open + 1)..<close, angleBrackets: true) {
            let code = source.codeText(part)
            if code.hasPrefix("...") || code.hasPrefix("{") || code.hasPrefix("[") {
                // A rest or destructured parameter: Windmill cannot name it, so any argument may match.
                acceptsAny = true
                continue
            }
            guard let parameter = parameter(in: part) else { continue }
            if parameter.name == "this" { continue }
            parameters.append(parameter)
        }
        return ScriptSignature(language: .typescript, parameters: parameters, acceptsAnyArgument: acceptsAny, line: line)
    }

    /// `function main(`, `function* main<T>(`: `\bfunction\s*\*?\s*main\s*(<[^()]*>)?\s*\(`.
    private func functionDeclaration(_ cursor: inout TextCursor) -> Bool {
        guard cursor.take("function") else { return false }
        cursor.skip(while: \.isWhitespace)
        _ = cursor.take("*")
        cursor.skip(while: \.isWhitespace)
        return cursor.take(entry) && cursor.takeParameterListStart()
    }

    /// `const main = async (`, `let main: Handler = function <T>(`:
    /// `\b(const|let|var)\s+main\s*(:[^=]*)?=\s*(async\s*)?(function\s*\*?\s*)?(<[^()]*>)?\s*\(`.
    private func variableDeclaration(_ cursor: inout TextCursor) -> Bool {
        guard cursor.take("const") || cursor.take("let") || cursor.take("var"), cursor.skip(while: \.isWhitespace) > 0,
            cursor.take(entry)
        else { return false }
        cursor.skip(while: \.isWhitespace)
        if cursor.take(":") { cursor.skip { $0 != "=" } }
        guard cursor.take("=") else { return false }
        cursor.skip(while: \.isWhitespace)
        if cursor.take("async") { cursor.skip(while: \.isWhitespace) }
        if cursor.take("function") {
            cursor.skip(while: \.isWhitespace)
            _ = cursor.take("*")
            cursor.skip(while: \.isWhitespace)
        }
        return cursor.takeParameterListStart()
    }

    private func parameter(in part: Range<Int>) -> ScriptParameter? {
        var index = part.lowerBound
        while index < part.upperBound && source.code[index].isWhitespace { index += 1 }
        // Constructor-style modifiers do not occur on functions, but decorators and `readonly` are harmless to skip.
        let nameStart = index
        while index < part.upperBound && (source.code[index].isLetter || source.code[index].isNumber || source.code[index] == "_" || source.code[index] == "$") {
            index += 1
        }
        guard index > nameStart else { return nil }
        let name = String(source.code[nameStart..<index])
        var isOptional = false
        if index < part.upperBound && source.code[index] == "?" {
            isOptional = true
            index += 1
        }
        let rest = index..<part.upperBound
        let equals = source.firstTopLevel("=", in: rest, angleBrackets: true)
        let colon = source.firstTopLevel(":", in: rest, angleBrackets: true).flatMap { colon in
            equals.map { colon < $0 ? colon : nil } ?? colon
        }
        var typeText: String?
        if let colon {
            typeText = source.originalText((colon + 1)..<(equals ?? part.upperBound))
        }
        var defaultText: String?
        if let equals {
            defaultText = source.originalText((equals + 1)..<part.upperBound)
            isOptional = true
        }
        return ScriptParameter(name: name, isOptional: isOptional, typeText: typeText, defaultText: defaultText)
    }
}

/// Finds a top-level `def main` in Python and reads its parameters.
struct PythonSignatureScanner {
    let source: BlankedSource
    /// The function Windmill calls: `main`, or `preprocessor`.
    let entry: String

    init(source: String, entry: String = "main") {
        self.source = BlankedSource(source, syntax: .python)
        self.entry = entry
    }

    func signature() throws(ScriptSignatureError) -> ScriptSignature {
        // `^(async[ \t]+)?def[ \t]+main[ \t]*\(`, at the start of a line.
        let definition = source.firstMatch(atLineStarts: true) { cursor in
            if cursor.take("async"), cursor.skip(while: TextCursor.isBlank) == 0 { return false }
            guard cursor.take("def"), cursor.skip(while: TextCursor.isBlank) > 0, cursor.take(entry) else { return false }
            cursor.skip(while: TextCursor.isBlank)
            return cursor.take("(")
        }
        guard let match = definition else { throw .missingMain }
        let open = match.end - 1
        let line = source.line(of: match.start)
        guard let close = source.matchingClose(from: open) else { throw .unterminatedParameters(line: line) }
        var parameters: [ScriptParameter] = []
        var acceptsAny = false
        for part in source.splitTopLevel((open + 1)..<close, angleBrackets: false) {
            let code = source.codeText(part)
            if code == "*" || code == "/" { continue }
            if code.hasPrefix("**") {
                acceptsAny = true
                continue
            }
            // `*args` collects positional arguments, which Windmill never passes.
            if code.hasPrefix("*") { continue }
            let colon = source.firstTopLevel(":", in: part, angleBrackets: false)
            let equals = source.firstTopLevel("=", in: part, angleBrackets: false)
            let nameEnd = [colon, equals].compactMap { $0 }.min() ?? part.upperBound
            let name = source.codeText(part.lowerBound..<nameEnd)
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { continue }
            let typeText = colon.map { source.originalText(($0 + 1)..<(equals ?? part.upperBound)) }
            let defaultText = equals.map { source.originalText(($0 + 1)..<part.upperBound) }
            parameters.append(ScriptParameter(name: name, isOptional: defaultText != nil, typeText: typeText, defaultText: defaultText))
        }
        return ScriptSignature(language: .python, parameters: parameters, acceptsAnyArgument: acceptsAny, line: line)
    }
}

/// Bash scripts take positional arguments; Windmill names them by lines such as `name="$1"`.
enum BashSignatureScanner {
    static func signature(source: String) -> ScriptSignature {
        var parameters: [ScriptParameter] = []
        for line in source.split(whereSeparator: \.isNewline) {
            guard let (name, defaultText) = positionalName(in: Array(line)),
                !parameters.contains(where: { $0.name == name })
            else { continue }
            parameters.append(ScriptParameter(name: name, isOptional: defaultText != nil, defaultText: defaultText))
        }
        // Arguments are positional: any name is accepted, in the order the step gives them.
        return ScriptSignature(language: .bash, parameters: parameters, acceptsAnyArgument: true)
    }

    /// The name a line gives a positional argument, and its default:
    /// `^[ \t]*([A-Za-z_][A-Za-z0-9_]*)="\$\{?([0-9]+)(:-([^}"]*))?\}?"[ \t]*(#.*)?$`.
    private static func positionalName(in line: [Character]) -> (name: String, defaultText: String?)? {
        func isNameStart(_ character: Character) -> Bool { character.isASCII && (character.isLetter || character == "_") }
        var cursor = TextCursor(text: line, at: 0)
        cursor.skip(while: TextCursor.isBlank)
        let nameStart = cursor.at
        guard let first = cursor.current, isNameStart(first) else { return nil }
        cursor.skip { isNameStart($0) || ($0.isASCII && $0.isNumber) }
        let name = String(line[nameStart..<cursor.at])
        guard cursor.take("=\"$") else { return nil }
        _ = cursor.take("{")
        guard cursor.skip(while: { $0.isASCII && $0.isNumber }) > 0 else { return nil }
        var defaultText: String?
        if cursor.take(":-") {
            let start = cursor.at
            cursor.skip { $0 != "}" && $0 != "\"" }
            defaultText = String(line[start..<cursor.at])
        }
        _ = cursor.take("}")
        guard cursor.take("\"") else { return nil }
        cursor.skip(while: TextCursor.isBlank)
        guard cursor.current == nil || cursor.current == "#" else { return nil }
        return (name, defaultText)
    }
}
