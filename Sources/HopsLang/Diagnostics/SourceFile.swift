/// A named piece of source text; positions in it are offsets counted in Unicode scalars.
public struct SourceFile: Sendable {
    public let name: String
    public let text: String
    /// The text as scalars, so that the lexer can index it and spans stay plain integers.
    let scalars: [Unicode.Scalar]

    public init(name: String, text: String) {
        self.name = name
        self.text = text
        self.scalars = Array(text.unicodeScalars)
    }

    /// The 1-based line and column of `offset`; the column counts characters, not bytes or scalars.
    public func location(of offset: Int) -> (line: Int, column: Int) {
        let (line, lineStart) = lineAndStart(of: offset)
        let clamped = min(max(offset, 0), scalars.count)
        return (line, characterCount(from: lineStart, to: clamped) + 1)
    }

    /// The 1-based line number of `offset` and the offset where that line starts.
    func lineAndStart(of offset: Int) -> (line: Int, start: Int) {
        let clamped = min(max(offset, 0), scalars.count)
        var line = 1
        var start = 0
        var index = 0
        while index < clamped {
            if scalars[index] == "\n" {
                line += 1
                start = index + 1
            }
            index += 1
        }
        return (line, start)
    }

    /// The offset just past the last character of the line that starts at `start` (before its newline).
    func lineEnd(from start: Int) -> Int {
        var index = start
        while index < scalars.count, scalars[index] != "\n" { index += 1 }
        if index > start, scalars[index - 1] == "\r" { return index - 1 }
        return index
    }

    /// The text between two offsets.
    func slice(_ start: Int, _ end: Int) -> String {
        let lower = min(max(start, 0), scalars.count)
        let upper = min(max(end, lower), scalars.count)
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[lower..<upper])
        return String(view)
    }

    func characterCount(from start: Int, to end: Int) -> Int {
        slice(start, end).count
    }
}
