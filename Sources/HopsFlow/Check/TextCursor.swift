/// A position in a text of characters, moved by what it takes: how hops matches by hand the few
/// patterns it looks for in scripts (a regular expression would cost more than the rest: ICU
/// compiles it on first use, every time hops starts).
public struct TextCursor {
    public let text: [Character]
    public var at: Int

    public init(text: [Character], at: Int) {
        self.text = text
        self.at = at
    }

    public var current: Character? { at < text.count ? text[at] : nil }

    /// `\w`: a letter, a digit or `_`.
    public static func isWord(_ character: Character) -> Bool {
        character.isLetter || character.isNumber || character == "_"
    }

    public static func isBlank(_ character: Character) -> Bool { character == " " || character == "\t" }

    /// Takes `literal` when the text continues with it.
    public mutating func take(_ literal: String) -> Bool {
        var index = at
        for character in literal {
            guard index < text.count, text[index] == character else { return false }
            index += 1
        }
        at = index
        return true
    }

    /// Takes every character that `matches`; returns how many.
    @discardableResult
    public mutating func skip(while matches: (Character) -> Bool) -> Int {
        let start = at
        while at < text.count, matches(text[at]) { at += 1 }
        return at - start
    }
}
