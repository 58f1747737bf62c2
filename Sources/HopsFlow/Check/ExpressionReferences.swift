/// A reference to another step's result found in an expression: `results.fetch`, `steps.fetch.result`.
struct StepReference: Equatable {
    /// The step id referred to.
    var id: String
    /// The reference as written (`results.fetch`), for messages.
    var text: String
    /// Character offset of the reference in the expression text.
    var offset: Int
}

/// Finds the uses of a root name in an expression's code, outside strings and comments.
enum ExpressionReferences {
    /// Each `root.name`, `root?.name` or `root["name"]` where `root` stands alone (not `x.root`).
    static func references(in text: String, root: String) -> [StepReference] {
        let source = BlankedSource(text, syntax: .typescript)
        let code = source.code
        let rootCharacters = Array(root)
        var references: [StepReference] = []
        var index = 0
        while index + rootCharacters.count <= code.count {
            guard Array(code[index..<(index + rootCharacters.count)]) == rootCharacters,
                index == 0 || !isIdentifierCharacter(code[index - 1]) && code[index - 1] != ".",
                index + rootCharacters.count == code.count || !isIdentifierCharacter(code[index + rootCharacters.count])
            else {
                index += 1
                continue
            }
            var cursor = index + rootCharacters.count
            while cursor < code.count && code[cursor] == " " { cursor += 1 }
            if cursor + 1 < code.count && code[cursor] == "?" && code[cursor + 1] == "." { cursor += 1 }
            if cursor < code.count && code[cursor] == "." {
                cursor += 1
                while cursor < code.count && code[cursor] == " " { cursor += 1 }
                let start = cursor
                while cursor < code.count && isIdentifierCharacter(code[cursor]) { cursor += 1 }
                if cursor > start {
                    let id = String(code[start..<cursor])
                    references.append(StepReference(id: id, text: "\(root).\(id)", offset: index))
                }
            } else if cursor < code.count && code[cursor] == "[" {
                var inner = cursor + 1
                while inner < code.count && code[inner] == " " { inner += 1 }
                let quote = inner < source.original.count ? source.original[inner] : " "
                if quote == "\"" || quote == "'" {
                    var end = inner + 1
                    while end < source.original.count && source.original[end] != quote && !source.original[end].isNewline { end += 1 }
                    let id = String(source.original[(inner + 1)..<min(end, source.original.count)])
                    references.append(StepReference(id: id, text: "\(root)[\(quote)\(id)\(quote)]", offset: index))
                }
            }
            index = max(cursor, index + 1)
        }
        return references
    }

    /// Whether `root.member` occurs (e.g. `flow_input.iter`), outside strings and comments.
    static func uses(_ root: String, member: String, in text: String) -> Int? {
        references(in: text, root: root).first { $0.id == member }?.offset
    }

    static func isIdentifierCharacter(_ character: Character) -> Bool {
        character.isLetter || character.isNumber || character == "_" || character == "$"
    }
}
