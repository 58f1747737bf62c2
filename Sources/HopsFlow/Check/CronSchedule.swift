import Foundation

/// A parsed cron expression as Windmill schedules use it: six fields with seconds, or the
/// standard five (seconds then fire at 0), optionally a seventh field for the year.
///
/// Fields accept `*`, `?` (day fields), numbers, ranges `a-b`, lists `a,b`, steps `*/n` and
/// `a-b/n`, and the names `JAN`–`DEC` and `SUN`–`SAT`. Days of the week count from Sunday = 0
/// (7 is Sunday too). When both day-of-month and day-of-week are restricted, a day matching
/// either fires, as in Vixie cron and croner.
public struct CronSchedule: Sendable, Equatable {
    /// The expression as written.
    public let expression: String
    /// Whether the expression has a seconds field (six or seven fields).
    public let hasSeconds: Bool
    let seconds: Set<Int>
    let minutes: Set<Int>
    let hours: Set<Int>
    let daysOfMonth: Set<Int>
    let months: Set<Int>
    /// Sunday = 0 … Saturday = 6.
    let daysOfWeek: Set<Int>
    let years: Set<Int>?
    let daysOfMonthRestricted: Bool
    let daysOfWeekRestricted: Bool

    /// Parses `expression`; the error names the bad field and its character offset.
    public init(_ expression: String) throws(CronError) {
        let macroExpansion: [String: String] = [
            "@yearly": "0 0 0 1 1 *", "@annually": "0 0 0 1 1 *", "@monthly": "0 0 0 1 * *",
            "@weekly": "0 0 0 * * 0", "@daily": "0 0 0 * * *", "@midnight": "0 0 0 * * *",
            "@hourly": "0 0 * * * *",
        ]
        let trimmed = expression.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("@") {
            guard let expanded = macroExpansion[trimmed.lowercased()] else {
                throw CronError(
                    message: "unknown cron macro '\(trimmed)' (expected one of @yearly, @monthly, @weekly, @daily, @hourly)",
                    offset: Self.leadingSpaceCount(expression), length: trimmed.count, field: nil)
            }
            let parsed = try CronSchedule(expanded)
            self = parsed.withExpression(expression)
            return
        }

        let tokens = Self.tokenize(expression)
        guard [5, 6, 7].contains(tokens.count) else {
            throw CronError(
                message: "cron expression has \(tokens.count) field\(tokens.count == 1 ? "" : "s"); expected 5 (minute hour day month weekday) or 6 with seconds first",
                offset: Self.leadingSpaceCount(expression), length: max(trimmed.count, 1), field: nil)
        }
        let kinds: [CronField]
        switch tokens.count {
        case 5: kinds = [.minute, .hour, .dayOfMonth, .month, .dayOfWeek]
        case 6: kinds = [.second, .minute, .hour, .dayOfMonth, .month, .dayOfWeek]
        default: kinds = [.second, .minute, .hour, .dayOfMonth, .month, .dayOfWeek, .year]
        }
        var sets: [CronField: Set<Int>] = [:]
        var restricted: [CronField: Bool] = [:]
        for (token, kind) in zip(tokens, kinds) {
            let (values, isRestricted) = try Self.parseField(token.text, offset: token.offset, kind: kind)
            sets[kind] = values
            restricted[kind] = isRestricted
        }
        self.expression = expression
        hasSeconds = tokens.count >= 6
        seconds = sets[.second] ?? [0]
        minutes = sets[.minute] ?? []
        hours = sets[.hour] ?? []
        daysOfMonth = sets[.dayOfMonth] ?? []
        months = sets[.month] ?? []
        daysOfWeek = Set((sets[.dayOfWeek] ?? []).map { $0 % 7 })
        years = sets[.year]
        daysOfMonthRestricted = restricted[.dayOfMonth] ?? false
        daysOfWeekRestricted = restricted[.dayOfWeek] ?? false
    }

    private init(copying other: CronSchedule, expression: String) {
        self.expression = expression
        hasSeconds = other.hasSeconds
        seconds = other.seconds
        minutes = other.minutes
        hours = other.hours
        daysOfMonth = other.daysOfMonth
        months = other.months
        daysOfWeek = other.daysOfWeek
        years = other.years
        daysOfMonthRestricted = other.daysOfMonthRestricted
        daysOfWeekRestricted = other.daysOfWeekRestricted
    }

    private func withExpression(_ expression: String) -> CronSchedule {
        CronSchedule(copying: self, expression: expression)
    }

    private static func leadingSpaceCount(_ text: String) -> Int {
        text.prefix { $0 == " " || $0 == "\t" }.count
    }

    /// Splits on blanks, keeping each field's character offset.
    static func tokenize(_ text: String) -> [(text: String, offset: Int)] {
        var tokens: [(String, Int)] = []
        var current = ""
        var start = 0
        for (offset, character) in text.enumerated() {
            if character == " " || character == "\t" {
                if !current.isEmpty { tokens.append((current, start)) }
                current = ""
            } else {
                if current.isEmpty { start = offset }
                current.append(character)
            }
        }
        if !current.isEmpty { tokens.append((current, start)) }
        return tokens
    }
}

/// One field of a cron expression, with its allowed range and names.
enum CronField: String, Sendable, CaseIterable {
    case second, minute, hour, dayOfMonth, month, dayOfWeek, year

    var displayName: String {
        switch self {
        case .second: "seconds"
        case .minute: "minutes"
        case .hour: "hours"
        case .dayOfMonth: "day-of-month"
        case .month: "month"
        case .dayOfWeek: "day-of-week"
        case .year: "year"
        }
    }

    var range: ClosedRange<Int> {
        switch self {
        case .second, .minute: 0...59
        case .hour: 0...23
        case .dayOfMonth: 1...31
        case .month: 1...12
        case .dayOfWeek: 0...7
        case .year: 1970...2199
        }
    }

    var names: [String: Int] {
        switch self {
        case .month:
            ["JAN": 1, "FEB": 2, "MAR": 3, "APR": 4, "MAY": 5, "JUN": 6,
             "JUL": 7, "AUG": 8, "SEP": 9, "OCT": 10, "NOV": 11, "DEC": 12]
        case .dayOfWeek:
            ["SUN": 0, "MON": 1, "TUE": 2, "WED": 3, "THU": 4, "FRI": 5, "SAT": 6]
        default: [:]
        }
    }
}

/// A cron expression that does not parse: what is wrong, and where in the expression.
public struct CronError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    /// Character offset of the bad part within the expression.
    public var offset: Int
    /// Length in characters of the bad part.
    public var length: Int
    /// The field's name ("minutes", "day-of-week" …), nil for whole-expression problems.
    public var field: String?

    public var description: String { message }
}
