extension CronSchedule {
    /// Parses one field into the set of values it allows, and whether it restricts anything.
    static func parseField(_ text: String, offset: Int, kind: CronField) throws(CronError) -> (Set<Int>, Bool) {
        if text == "?" {
            guard kind == .dayOfMonth || kind == .dayOfWeek else {
                throw CronError(
                    message: "'?' is only allowed in the day-of-month and day-of-week fields",
                    offset: offset, length: 1, field: kind.displayName)
            }
            return (Set(kind.range), false)
        }
        var values = Set<Int>()
        var partOffset = offset
        var isRestricted = true
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let partText = String(part)
            if partText.isEmpty {
                throw CronError(
                    message: "empty list element in the \(kind.displayName) field '\(text)'",
                    offset: partOffset, length: 1, field: kind.displayName)
            }
            let (partValues, isWildcard) = try parsePart(partText, offset: partOffset, kind: kind)
            if isWildcard && text.split(separator: ",").count == 1 { isRestricted = false }
            values.formUnion(partValues)
            partOffset += partText.count + 1
        }
        return (values, isRestricted)
    }

    /// Parses `*`, `*/n`, `a`, `a-b`, `a-b/n` or `a/n`; returns the values and whether it was a bare `*`.
    private static func parsePart(_ text: String, offset: Int, kind: CronField) throws(CronError) -> (Set<Int>, Bool) {
        let pieces = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard pieces.count <= 2 else {
            throw CronError(
                message: "too many '/' in the \(kind.displayName) field '\(text)'",
                offset: offset, length: text.count, field: kind.displayName)
        }
        let rangeText = pieces[0]
        var step = 1
        if pieces.count == 2 {
            let stepOffset = offset + rangeText.count + 1
            guard let parsedStep = Int(pieces[1]), parsedStep > 0 else {
                throw CronError(
                    message: "invalid step '\(pieces[1])' in the \(kind.displayName) field: expected a positive number",
                    offset: stepOffset, length: max(pieces[1].count, 1), field: kind.displayName)
            }
            step = parsedStep
        }
        var low: Int
        var high: Int
        var isWildcard = false
        if rangeText == "*" {
            low = kind.range.lowerBound
            high = kind.range.upperBound
            if kind == .dayOfWeek { high = 6 }
            isWildcard = step == 1
        } else {
            let bounds = rangeText.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
            guard bounds.count <= 2, !rangeText.isEmpty else {
                throw CronError(
                    message: "invalid range '\(rangeText)' in the \(kind.displayName) field",
                    offset: offset, length: max(rangeText.count, 1), field: kind.displayName)
            }
            low = try parseValue(bounds[0], offset: offset, kind: kind)
            if bounds.count == 2 {
                high = try parseValue(bounds[1], offset: offset + bounds[0].count + 1, kind: kind)
                // A weekday range may end on Sunday written as 0 (FRI-SUN).
                if kind == .dayOfWeek && high == 0 && low > 0 { high = 7 }
                guard low <= high else {
                    throw CronError(
                        message: "range '\(rangeText)' in the \(kind.displayName) field goes backwards",
                        offset: offset, length: rangeText.count, field: kind.displayName)
                }
            } else {
                // `a/n` means from a to the end of the field's range.
                high = pieces.count == 2 ? kind.range.upperBound : low
            }
        }
        return (Set(stride(from: low, through: high, by: step)), isWildcard)
    }

    private static func parseValue(_ text: String, offset: Int, kind: CronField) throws(CronError) -> Int {
        if let number = Int(text) {
            guard kind.range.contains(number) else {
                throw CronError(
                    message: "value \(number) is out of range for the \(kind.displayName) field (\(kind.range.lowerBound)-\(kind.range.upperBound))",
                    offset: offset, length: text.count, field: kind.displayName)
            }
            return number
        }
        if let named = kind.names[text.uppercased()] { return named }
        let hint = kind.names.isEmpty ? "a number" : "a number or a name like \(kind == .month ? "JAN" : "MON")"
        throw CronError(
            message: "invalid value '\(text)' in the \(kind.displayName) field: expected \(hint)",
            offset: offset, length: max(text.count, 1), field: kind.displayName)
    }
}
