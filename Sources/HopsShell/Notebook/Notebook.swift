/// A `.hops` notebook: plain text cells separated by `# %%` marker lines, outputs kept as `# => ` lines.
///
/// Reading drops the `# => ` lines; writing puts fresh ones under each cell's code. Everything else is
/// kept as it was, so a notebook without outputs reads and writes back byte for byte.
public struct Notebook: Sendable, Equatable {
    /// The cells in file order; text before the first marker is a cell without a marker.
    public var cells: [NotebookCell]
    /// Whether the file ended with a newline.
    public var endsWithNewline: Bool

    public init(cells: [NotebookCell], endsWithNewline: Bool = true) {
        self.cells = cells
        self.endsWithNewline = endsWithNewline
    }

    /// The prefix of an output line.
    public static let outputPrefix = "# => "
    /// The marker that starts a cell.
    public static let cellMarker = "# %%"

    /// Whether a line is an output line written by a run (`# => value`, or `# =>` for an empty line).
    public static func isOutputLine(_ line: Substring) -> Bool {
        line.hasPrefix(outputPrefix) || line == "# =>"
    }

    /// Whether a line starts a cell: `# %%`, alone or followed by a space and a title.
    static func isMarker(_ line: Substring) -> Bool {
        guard line.hasPrefix(cellMarker) else { return false }
        let rest = line.dropFirst(cellMarker.count)
        return rest.isEmpty || rest.first == " " || rest.first == "\t"
    }

    /// Reads a notebook's text, dropping its output lines.
    public init(parsing text: String) {
        var lines = text.isEmpty ? [] : text.split(separator: "\n", omittingEmptySubsequences: false)
        endsWithNewline = text.isEmpty || text.hasSuffix("\n")
        if text.hasSuffix("\n") { lines.removeLast() }
        cells = []
        var current: NotebookCell?
        for (offset, line) in lines.enumerated() {
            let lineNumber = offset + 1
            if Self.isMarker(line) {
                if let cell = current { cells.append(cell) }
                current = NotebookCell(marker: String(line), markerLine: lineNumber)
                continue
            }
            if current == nil { current = NotebookCell(marker: nil, markerLine: 0) }
            if Self.isOutputLine(line) { continue }
            current?.body.append(NotebookLine(text: String(line), number: lineNumber))
        }
        if let cell = current { cells.append(cell) }
        // Text before the first marker is a cell only when there is some.
        if let first = cells.first, first.marker == nil, first.body.isEmpty { cells.removeFirst() }
    }

    /// The notebook's text, with `outputs[i]` (lines without prefix) written under cell `i`'s code.
    ///
    /// Outputs go after the last line of code and before the blank lines that separate the cell from
    /// the next one; a cell without an entry in `outputs` gets none.
    public func serialized(outputs: [Int: [String]] = [:]) -> String {
        var lines: [String] = []
        for (index, cell) in cells.enumerated() {
            if let marker = cell.marker { lines.append(marker) }
            let body = cell.body.map(\.text)
            var codeEnd = body.count
            while codeEnd > 0, body[codeEnd - 1].allSatisfy(\.isWhitespace) { codeEnd -= 1 }
            lines.append(contentsOf: body[..<codeEnd])
            for output in outputs[index] ?? [] {
                lines.append(output.isEmpty ? "# =>" : Notebook.outputPrefix + output)
            }
            lines.append(contentsOf: body[codeEnd...])
        }
        var text = lines.joined(separator: "\n")
        if endsWithNewline && !lines.isEmpty { text += "\n" }
        return text
    }

    /// The cells that run (code and parameters), with their positions in `cells`.
    public var runnableCells: [(position: Int, cell: NotebookCell)] {
        cells.enumerated().filter { $0.element.kind != .markdown }.map { ($0.offset, $0.element) }
    }
}

/// A line of a cell and its 1-based line number in the file it was read from.
public struct NotebookLine: Sendable, Equatable {
    public var text: String
    public var number: Int

    public init(text: String, number: Int) {
        self.text = text
        self.number = number
    }
}

/// One cell of a notebook: its marker line, and its lines without outputs.
public struct NotebookCell: Sendable, Equatable {
    /// What a cell holds.
    public enum Kind: Sendable, Equatable {
        /// Statements and colon-commands.
        case code
        /// The statements that set the default parameters; `-p` values override them.
        case parameters
        /// Prose, as `# ` comment lines; never run.
        case markdown
    }

    /// The marker line as written (`# %% check disks`); nil for text before the first marker.
    public var marker: String?
    /// The marker's line number; 0 when there is none.
    public var markerLine: Int
    /// The lines after the marker, outputs left out.
    public var body: [NotebookLine] = []

    public init(marker: String?, markerLine: Int, body: [NotebookLine] = []) {
        self.marker = marker
        self.markerLine = markerLine
        self.body = body
    }

    /// A code cell made of statements, as `:save` writes it.
    public init(title: String?, code: String) {
        let marker = title.map { "\(Notebook.cellMarker) \($0)" } ?? Notebook.cellMarker
        self.init(marker: marker, markerLine: 0)
        body = code.split(separator: "\n", omittingEmptySubsequences: false).map {
            NotebookLine(text: String($0), number: 0)
        }
    }

    /// The text after `# %%`, trimmed; nil when empty.
    public var label: String? {
        guard let marker else { return nil }
        let label = String(marker.dropFirst(Notebook.cellMarker.count)).trimmingWhitespace()
        return label.isEmpty ? nil : label
    }

    public var kind: Kind {
        switch label {
        case "parameters": .parameters
        case let label? where label == "[md]" || label.hasPrefix("[md] ") || label == "[markdown]": .markdown
        default: .code
        }
    }

    /// Whether the cell is tagged `[raises]` (papermill's `raises-exception`): an error in it is
    /// shown and recorded, and the run goes on.
    public var mayRaise: Bool { kind == .code && (label?.hasPrefix(Self.raisesTag) ?? false) }

    static let raisesTag = "[raises]"

    /// The title to show: the marker's label without its `[md]` or `[raises]` tag; nil when none.
    public var title: String? {
        guard let label else { return nil }
        if kind == .markdown || mayRaise {
            let tag = kind == .markdown ? (label.hasPrefix("[markdown]") ? 10 : 4) : Self.raisesTag.count
            let title = String(label.dropFirst(tag)).trimmingWhitespace()
            return title.isEmpty ? nil : title
        }
        return label
    }

    /// The code as written, trailing blank lines left out: what the cache key and the store record.
    public var code: String {
        var lines = body.map(\.text)
        while let last = lines.last, last.allSatisfy(\.isWhitespace) { lines.removeLast() }
        return lines.joined(separator: "\n")
    }

    /// The first line number of the cell (its marker, else its first line).
    public var firstLine: Int { marker != nil ? markerLine : (body.first?.number ?? 1) }
}
