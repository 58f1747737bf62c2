import Yams

extension YAMLSource {
    /// Where each run of a scalar's value was read in the file, offsets counted in Unicode scalars of the value.
    ///
    /// The value is matched against the raw text from the scalar's start: quotes, escapes, the
    /// indentation of block scalars and the line breaks that folding turned into spaces are
    /// stepped over, so that an offset in a multi-line expression maps to its own line and column.
    func origins(of node: Node, value: String) -> [ExpressionOrigin] {
        let start = textLocation(of: node)
        guard let scalar = node.scalar, var position = rawOffset(line: start.line, column: start.column) else {
            return [ExpressionOrigin(offset: 0, location: start)]
        }
        let raw = rawScalars
        let isBlock = scalar.style == .literal || scalar.style == .folded
        let isDoubleQuoted = scalar.style == .doubleQuoted
        let blockIndent = start.column - 1
        var origins: [ExpressionOrigin] = []
        var expected = -1
        var skippedInARow = 0

        func skipIndentation() {
            var skipped = 0
            while position < raw.count, raw[position] == " " || (!isBlock && raw[position] == "\t"),
                !isBlock || skipped < blockIndent
            {
                position += 1
                skipped += 1
            }
        }

        for (offset, character) in value.unicodeScalars.enumerated() {
            var matched: (at: Int, length: Int)?
            while matched == nil, position < raw.count, skippedInARow < 200 {
                let rawCharacter = raw[position]
                if isDoubleQuoted, rawCharacter == "\\", position + 1 < raw.count {
                    let next = raw[position + 1]
                    if next == "\n" {
                        // An escaped line break joins the lines without a space.
                        position += 2
                        skipIndentation()
                        continue
                    }
                    let length = next == "x" ? 4 : next == "u" ? 6 : next == "U" ? 10 : 2
                    matched = (position, length)
                } else if rawCharacter == character || (character == " " && rawCharacter == "\n" && scalar.style != .literal) {
                    matched = (position, 1)
                } else {
                    position += 1
                    skippedInARow += 1
                    if rawCharacter == "\n" { skipIndentation() }
                }
            }
            guard let (at, length) = matched else { break }
            skippedInARow = 0
            if at != expected { origins.append(ExpressionOrigin(offset: offset, location: rawLocation(at))) }
            position = at + length
            expected = length == 1 && raw[at] != "\n" ? position : -1
            if raw[at] == "\n" { skipIndentation() }
        }
        if origins.isEmpty { origins.append(ExpressionOrigin(offset: 0, location: start)) }
        return origins
    }

    /// The offset into the raw text of a 1-based line and column (columns count Unicode scalars).
    func rawOffset(line: Int, column: Int) -> Int? {
        guard line >= 1, line <= rawLineStarts.count else { return nil }
        return min(rawLineStarts[line - 1] + column - 1, rawScalars.count)
    }

    /// The line and column of an offset into the raw text.
    func rawLocation(_ offset: Int) -> SourceLocation {
        var low = 0
        var high = rawLineStarts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if rawLineStarts[middle] <= offset { low = middle } else { high = middle - 1 }
        }
        return SourceLocation(file: file, line: low + 1, column: offset - rawLineStarts[low] + 1)
    }
}

/// Builds the text of an expression from pieces of YAML scalars and from text hops writes around them,
/// keeping where each piece was read.
struct ExpressionBuilder {
    private(set) var text = ""
    private(set) var origins: [ExpressionOrigin] = []
    private var length = 0

    /// Text hops writes, pointing at `location` as a whole.
    mutating func appendWritten(_ written: String, at location: SourceLocation?) {
        if let location { origins.append(ExpressionOrigin(offset: length, location: location, advances: false)) }
        append(written)
    }

    /// The part of a scalar's value from `offset` on that `copied` spells, with the value's origins.
    mutating func appendCopied(_ copied: String, from offset: Int, of valueOrigins: [ExpressionOrigin]) {
        let count = copied.unicodeScalars.count
        let piece = FlowExpression("", origins: valueOrigins)
        if let location = piece.location(atOffset: offset) {
            origins.append(ExpressionOrigin(offset: length, location: location))
        }
        for origin in valueOrigins where origin.offset > offset && origin.offset < offset + count {
            origins.append(ExpressionOrigin(offset: length + origin.offset - offset, location: origin.location, advances: origin.advances))
        }
        append(copied)
    }

    private mutating func append(_ piece: String) {
        text += piece
        length += piece.unicodeScalars.count
    }

    var expression: FlowExpression { FlowExpression(text, origins: origins) }
}
