/// What a dry run does not know while it walks a flow: results it has no mock or cache for,
/// inputs not given, the loop item of a loop over an unknown list.
struct UnknownValues: Sendable {
    /// Step ids whose results are unknown.
    var results: Set<String> = []
    /// Inputs with neither a value nor a default.
    var inputs: Set<String> = []
    var previousResult = false
    /// `item`, `index` and `flow_input.iter` inside a loop over an unknown list.
    var iteration = false
    /// `result` in `stop_after_if`.
    var result = false
    /// `resume` and `approvers` after an approval step: only known once someone answers.
    var approval = false

    var isEmpty: Bool { results.isEmpty && inputs.isEmpty && !previousResult && !iteration && !result && !approval }
}

/// Finds which unknown values an expression reads, by scanning its code (strings left out).
enum UnknownReferences {
    /// The references to unknown values in `text`, as written: `results.check_disk`, `item`, ...
    static func find(in text: String, unknown: UnknownValues) -> [String] {
        guard !unknown.isEmpty else { return [] }
        let code = blankingStrings(text)
        var found: [String] = []
        func add(_ reference: String) { if !found.contains(reference) { found.append(reference) } }
        var index = 0
        while index < code.count {
            guard isIdentifierStart(code[index]), index == 0 || (!isIdentifierCharacter(code[index - 1]) && code[index - 1] != ".")
            else {
                index += 1
                continue
            }
            var end = index
            while end < code.count && isIdentifierCharacter(code[end]) { end += 1 }
            let name = String(code[index..<end])
            let member = memberName(in: code, original: Array(text), after: end)
            switch name {
            case "results", "steps":
                if let member {
                    if unknown.results.contains(member.name) { add("\(name).\(member.name)") }
                } else if !unknown.results.isEmpty {
                    add(name)
                }
            case "inputs", "flow_input":
                if let member {
                    if member.name == "iter", name == "flow_input" {
                        if unknown.iteration { add("flow_input.iter") }
                    } else if unknown.inputs.contains(member.name) {
                        add("\(name).\(member.name)")
                    }
                } else if !unknown.inputs.isEmpty || (name == "flow_input" && unknown.iteration) {
                    add(name)
                }
            case "previous_result": if unknown.previousResult { add(name) }
            case "result": if unknown.result { add(name) }
            case "item", "index": if unknown.iteration { add(name) }
            case "resume", "approvers": if unknown.approval { add(name) }
            default: break
            }
            index = end
        }
        return found
    }

    /// The member after `root` at `start`: `.name`, `?.name` or `["name"]`.
    private static func memberName(in code: [Character], original: [Character], after start: Int) -> (name: String, end: Int)? {
        var cursor = start
        while cursor < code.count && code[cursor] == " " { cursor += 1 }
        if cursor + 1 < code.count && code[cursor] == "?" && code[cursor + 1] == "." { cursor += 1 }
        if cursor < code.count && code[cursor] == "." {
            cursor += 1
            while cursor < code.count && code[cursor] == " " { cursor += 1 }
            let begin = cursor
            while cursor < code.count && isIdentifierCharacter(code[cursor]) { cursor += 1 }
            return cursor > begin ? (String(code[begin..<cursor]), cursor) : nil
        }
        if cursor < code.count && code[cursor] == "[" {
            var inner = cursor + 1
            while inner < original.count && original[inner] == " " { inner += 1 }
            guard inner < original.count, original[inner] == "\"" || original[inner] == "'" else { return nil }
            let quote = original[inner]
            var end = inner + 1
            while end < original.count && original[end] != quote { end += 1 }
            return (String(original[(inner + 1)..<min(end, original.count)]), end)
        }
        return nil
    }

    /// The text with the contents of string literals (and the literal parts of templates) blanked,
    /// so that a word inside a string is never taken for a reference. Same length as the input.
    static func blankingStrings(_ text: String) -> [Character] {
        var output: [Character] = []
        let characters = Array(text)
        var index = 0
        // Each entry is the brace depth at which a template's `${` was opened.
        var templateStack: [Int] = []
        var braceDepth = 0
        var inTemplateText = false
        while index < characters.count {
            let character = characters[index]
            if inTemplateText {
                if character == "\\" && index + 1 < characters.count {
                    output.append(contentsOf: [" ", " "])
                    index += 2
                    continue
                }
                if character == "`" {
                    inTemplateText = false
                    output.append("`")
                } else if character == "$" && index + 1 < characters.count && characters[index + 1] == "{" {
                    inTemplateText = false
                    templateStack.append(braceDepth)
                    braceDepth += 1
                    output.append(contentsOf: ["$", "{"])
                    index += 2
                    continue
                } else {
                    output.append(" ")
                }
                index += 1
                continue
            }
            switch character {
            case "\"", "'":
                output.append(character)
                index += 1
                while index < characters.count && characters[index] != character && !characters[index].isNewline {
                    if characters[index] == "\\" && index + 1 < characters.count {
                        output.append(" ")
                        index += 1
                    }
                    output.append(" ")
                    index += 1
                }
                if index < characters.count {
                    output.append(characters[index])
                    index += 1
                }
                continue
            case "`":
                inTemplateText = true
            case "{":
                braceDepth += 1
            case "}":
                braceDepth -= 1
                if let opened = templateStack.last, opened == braceDepth {
                    templateStack.removeLast()
                    inTemplateText = true
                }
            default:
                break
            }
            output.append(character)
            index += 1
        }
        return output
    }

    private static func isIdentifierStart(_ character: Character) -> Bool {
        character == "_" || character == "$" || character.isLetter
    }

    private static func isIdentifierCharacter(_ character: Character) -> Bool {
        character == "_" || character == "$" || character.isLetter || character.isNumber
    }
}
