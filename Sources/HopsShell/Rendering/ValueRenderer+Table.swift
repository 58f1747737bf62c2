import HopsLang

/// An array of objects seen as rows and columns: columns are the union of keys in first-seen order.
struct Table {
    var columns: [String]
    var rows: [ObjectValue]

    /// The table for an array whose elements are all objects with at least one key; else nil.
    init?(_ value: Value) {
        guard case .array(let elements) = value, !elements.isEmpty else { return nil }
        var columns: [String] = []
        var seen: Set<String> = []
        var rows: [ObjectValue] = []
        for element in elements {
            guard case .object(let object) = element else { return nil }
            for key in object.orderedKeys where seen.insert(key).inserted { columns.append(key) }
            rows.append(object)
        }
        guard !columns.isEmpty else { return nil }
        self.columns = columns
        self.rows = rows
    }
}

extension ValueRenderer {
    /// A table drawn with box-drawing characters, as the sqlite3 shell's `.mode box` draws it.
    func renderBox(_ table: Table) -> String {
        let header = table.columns.map { truncated($0) }
        let cells: [[(text: String, value: Value?)]] = table.rows.map { row in
            table.columns.map { column in
                guard let value = row[column] else { return ("", nil) }
                return (truncated(cellText(value)), value)
            }
        }
        var widths = header.map(\.count)
        for row in cells {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.text.count) }
        }
        let numeric = table.columns.indices.map { index in
            cells.allSatisfy { row in
                guard let value = row[index].value else { return true }
                if case .number = value { return true }
                return false
            } && cells.contains { $0[index].value != nil }
        }

        func rule(_ left: String, _ middle: String, _ right: String) -> String {
            let line = left + widths.map { String(repeating: "─", count: $0 + 2) }.joined(separator: middle) + right
            return TextStyle.border.apply(line, colored: colored)
        }
        let bar = TextStyle.border.apply("│", colored: colored)
        func line(_ texts: [String], styled: [String], rightAligned: [Bool]) -> String {
            var parts: [String] = []
            for index in texts.indices {
                let padding = String(repeating: " ", count: widths[index] - texts[index].count)
                parts.append(rightAligned[index] ? padding + styled[index] : styled[index] + padding)
            }
            return bar + parts.map { " \($0) " }.joined(separator: bar) + bar
        }

        var lines = [rule("┌", "┬", "┐")]
        lines.append(
            line(header, styled: header.map { TextStyle.emphasis.apply($0, colored: colored) },
                rightAligned: numeric))
        lines.append(rule("├", "┼", "┤"))
        for row in cells {
            let styled = row.map { cell in cell.value.map { cellStyle($0, cell.text) } ?? cell.text }
            lines.append(line(row.map(\.text), styled: styled, rightAligned: numeric))
        }
        lines.append(rule("└", "┴", "┘"))
        return lines.joined(separator: "\n")
    }

    /// A cell's text: strings unquoted, numbers as JavaScript prints them, containers as compact JSON.
    func cellText(_ value: Value) -> String {
        switch value {
        case .string(let text): return ValueRenderer.flattened(text)
        case .array, .object: return value.jsonString(indent: 0) ?? "undefined"
        case .undefined: return "undefined"
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .number: return value.toJSString()
        case .function(let function): return "[Function: \(function.name)]"
        }
    }

    private func cellStyle(_ value: Value, _ text: String) -> String {
        switch value {
        case .number, .bool: TextStyle.number.apply(text, colored: colored)
        case .null: TextStyle.keyword.apply(text, colored: colored)
        case .undefined: TextStyle.undefined.apply(text, colored: colored)
        case .function: TextStyle.function.apply(text, colored: colored)
        case .string, .array, .object: text
        }
    }

    /// Text cut to the cell width, with an ellipsis where it was cut.
    func truncated(_ text: String) -> String {
        guard text.count > maximumCellWidth, maximumCellWidth > 1 else { return text }
        return String(text.prefix(maximumCellWidth - 1)) + "…"
    }

    /// Line breaks and tabs shown as escapes, so that a cell stays on one line.
    static func flattened(_ text: String) -> String {
        guard text.contains(where: { $0 == "\n" || $0 == "\t" || $0 == "\r\n" || $0 == "\r" }) else { return text }
        var result = ""
        for character in text {
            switch character {
            case "\n", "\r\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default: result.append(character)
            }
        }
        return result
    }

    /// `key = value` lines for an object, or for each object of an array, as sqlite3's `.mode line`.
    func renderLines(_ value: Value) -> String {
        func record(_ object: ObjectValue, width: Int) -> String {
            object.orderedEntries.map { key, element in
                let name = String(repeating: " ", count: width - key.count) + key
                return "\(name) = \(element.isScalar && !isString(element) ? scalar(element) : cellText(element))"
            }.joined(separator: "\n")
        }
        switch value {
        case .object(let object):
            return record(object, width: object.keys.map(\.count).max() ?? 0)
        case .array(let elements):
            if let table = Table(value) {
                let width = table.columns.map(\.count).max() ?? 0
                return table.rows.map { record($0, width: width) }.joined(separator: "\n\n")
            }
            return elements.map { $0.isScalar && !isString($0) ? scalar($0) : cellText($0) }.joined(separator: "\n")
        default:
            return isString(value) ? cellText(value) : scalar(value)
        }
    }

    private func isString(_ value: Value) -> Bool {
        if case .string = value { return true }
        return false
    }
}
