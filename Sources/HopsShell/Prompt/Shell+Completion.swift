import HopsLang

extension Shell {
    /// Completions for the text before the cursor: colon-commands, their arguments, or expressions.
    public func completions(for text: String) -> LineEditor.Completion {
        if !isContinuing, let colon = text.firstIndex(where: { !$0.isWhitespace }), text[colon] == ":" {
            let afterColon = text[text.index(after: colon)...]
            guard let space = afterColon.firstIndex(where: \.isWhitespace) else {
                return LineEditor.Completion(
                    wordLength: afterColon.count + 1, candidates: commands.allNames.map { ":" + $0 })
            }
            guard let command = commands.command(named: String(afterColon[..<space])) else {
                return LineEditor.Completion(wordLength: 0, candidates: [])
            }
            let arguments = String(afterColon[space...].drop(while: \.isWhitespace))
            return command.completer(self, arguments)
        }
        return completeExpression(text)
    }

    /// Completions for the end of an expression: a member after `.`, else a name in scope.
    public func completeExpression(_ text: String) -> LineEditor.Completion {
        let word = String(text.reversed().prefix { $0.isIdentifierPart }.reversed())
        let beforeWord = text.dropLast(word.count)
        if beforeWord.hasSuffix(".") {
            let receiverText = beforeWord.dropLast().hasSuffix("?") ? beforeWord.dropLast(2) : beforeWord.dropLast()
            guard let receiver = resolvePath(String(receiverText)) else {
                return LineEditor.Completion(wordLength: word.count, candidates: [])
            }
            return LineEditor.Completion(wordLength: word.count, candidates: MemberNames.of(receiver))
        }
        if let last = beforeWord.last, last.isNumber { return LineEditor.Completion(wordLength: 0, candidates: []) }
        let names = interpreter.variableNames + MemberNames.globalNames + MemberNames.keywords
        return LineEditor.Completion(wordLength: word.count, candidates: names)
    }

    /// The value of a path at the end of `text` (`results.a[0]["b"]`), found without evaluating
    /// anything, so that Tab never runs code with effects.
    func resolvePath(_ text: String) -> Value? {
        var characters = Array(text)
        var segments: [PathSegment] = []
        while let last = characters.last {
            if last == "]" {
                guard let open = characters.lastIndex(of: "[") else { return nil }
                let inside = String(characters[(open + 1)..<(characters.count - 1)]).trimmingWhitespace()
                if let index = Int(inside) {
                    segments.append(.index(index))
                } else if inside.count >= 2, let quote = inside.first, quote == "\"" || quote == "'",
                    inside.last == quote
                {
                    segments.append(.key(String(inside.dropFirst().dropLast())))
                } else {
                    return nil
                }
                characters.removeSubrange(open...)
                continue
            }
            let name = String(characters.reversed().prefix { $0.isIdentifierPart }.reversed())
            guard !name.isEmpty, let first = name.first, !first.isNumber else { return nil }
            characters.removeLast(name.count)
            if characters.last == "." {
                characters.removeLast()
                if characters.last == "?" { characters.removeLast() }
                segments.append(.key(name))
                continue
            }
            var value = interpreter.variable(name) ?? MemberNames.global(name)
            for segment in segments.reversed() {
                guard let current = value else { return nil }
                value = segment.lookUp(in: current)
            }
            return value
        }
        return nil
    }
}

/// One step of a member path: `.name`, `["name"]` or `[index]`.
enum PathSegment {
    case key(String)
    case index(Int)

    func lookUp(in value: Value) -> Value? {
        switch (self, value) {
        case (.key(let key), .object(let object)): object[key]
        case (.index(let index), .array(let elements)): elements.indices.contains(index) ? elements[index] : nil
        case (.index(let index), .object(let object)): object[String(index)]
        default: nil
        }
    }
}

extension Character {
    /// Whether the character can continue an identifier of the language.
    var isIdentifierPart: Bool { isLetter || isNumber || self == "_" || self == "$" }
}
