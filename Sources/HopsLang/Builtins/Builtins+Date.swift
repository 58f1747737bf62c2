import Foundation

// Date: `new Date(...)`, Date.parse, Date.UTC, Date.now and the getters. Local time is UTC: a flow
// runs on a server, and results must not depend on the time zone of whoever runs it.
extension Builtins {
    /// `Date()` called without `new`: the current time as Date.prototype.toString gives it.
    static let dateConstructor = FunctionValue(name: "Date") { _, _ in
        .string(dateString(currentMilliseconds(), style: .full))
    }

    static let dateStatics: [String: Value] = [
        "now": native("Date.now") { _ in .number(currentMilliseconds()) },
        "parse": native("Date.parse") { arguments in .number(parseDate(arguments[argument: 0].toJSString())) },
        "UTC": native("Date.UTC") { arguments in
            guard !arguments.isEmpty else { return .number(.nan) }
            return .number(timeFromComponents(arguments))
        },
        constructKey: native("Date") { arguments in makeDate(arguments) },
    ]

    /// `new Date(...)`.
    static func makeDate(_ arguments: [Value]) -> Value {
        let time: Double
        switch arguments.count {
        case 0:
            time = currentMilliseconds()
        case 1:
            switch arguments[0] {
            case .object(let object):
                if case .date(let other) = object.kind {
                    time = other
                } else {
                    let primitive = arguments[0].toPrimitive()
                    if case .string(let text) = primitive { time = parseDate(text) } else { time = timeClip(primitive.toNumber()) }
                }
            case .string(let text):
                time = parseDate(text)
            case let other:
                time = timeClip(other.toNumber())
            }
        default:
            time = timeFromComponents(arguments)
        }
        var object = ObjectValue()
        object.kind = .date(time)
        return .object(object)
    }

    static func currentMilliseconds() -> Double {
        (Date().timeIntervalSince1970 * 1000).rounded(.down)
    }

    /// TimeClip: NaN beyond ±8.64e15 ms, the integer part otherwise.
    static func timeClip(_ time: Double) -> Double {
        guard time.isFinite, abs(time) <= 8.64e15 else { return .nan }
        return time.rounded(.towardZero) + 0
    }

    /// Year, month (from 0), day, hours, minutes, seconds, milliseconds, as Date.UTC takes them.
    static func timeFromComponents(_ arguments: [Value]) -> Double {
        var fields = [Double](repeating: 0, count: 7)
        fields[2] = 1
        for index in 0..<min(7, arguments.count) { fields[index] = arguments[index].toNumber() }
        guard fields.allSatisfy(\.isFinite) else { return .nan }
        var year = fields[0].rounded(.towardZero)
        if year >= 0, year <= 99 { year += 1900 }
        return timeClip(makeTime(year: year, month: fields[1], day: fields[2], fields[3], fields[4], fields[5], fields[6]))
    }

    /// MakeDate(MakeDay(year, month, day), MakeTime(hours, minutes, seconds, milliseconds)).
    static func makeTime(
        year: Double, month: Double, day: Double, _ hours: Double, _ minutes: Double, _ seconds: Double,
        _ milliseconds: Double
    ) -> Double {
        let month = month.rounded(.towardZero)
        let wholeYear = year.rounded(.towardZero) + (month / 12).rounded(.down)
        guard abs(wholeYear) < 400_000 else { return .nan }
        let monthInYear = Int(month - (month / 12).rounded(.down) * 12)
        let days = Double(daysFromCivil(Int(wholeYear), monthInYear + 1, 1)) + day.rounded(.towardZero) - 1
        let time = hours.rounded(.towardZero) * 3_600_000 + minutes.rounded(.towardZero) * 60000
            + seconds.rounded(.towardZero) * 1000 + milliseconds.rounded(.towardZero)
        return days * 86_400_000 + time
    }

    /// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm); month from 1.
    static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The fields of a valid time: year, month (from 0), day, hours, minutes, seconds, milliseconds, weekday.
    struct DateFields {
        var year, month, day, hours, minutes, seconds, milliseconds, weekday: Int

        init(_ time: Double) {
            let total = Int64(time)
            var days = total / 86_400_000
            var rest = total % 86_400_000
            if rest < 0 {
                rest += 86_400_000
                days -= 1
            }
            let shifted = days + 719_468
            let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
            let dayOfEra = shifted - era * 146_097
            let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
            let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
            let monthIndex = (5 * dayOfYear + 2) / 153
            day = Int(dayOfYear - (153 * monthIndex + 2) / 5 + 1)
            let civilMonth = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
            month = Int(civilMonth - 1)
            year = Int(yearOfEra + era * 400 + (civilMonth <= 2 ? 1 : 0))
            hours = Int(rest / 3_600_000)
            minutes = Int(rest / 60000 % 60)
            seconds = Int(rest / 1000 % 60)
            milliseconds = Int(rest % 1000)
            weekday = Int(((days % 7) + 11) % 7)
        }
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(abs(value))
        return (value < 0 ? "-" : "") + String(repeating: "0", count: max(0, width - text.count)) + text
    }

    /// Date.prototype.toISOString for a valid time in milliseconds since 1970 (UTC).
    static func isoString(milliseconds: Double) -> String {
        let fields = DateFields(milliseconds)
        let year =
            (0...9999).contains(fields.year)
            ? pad(fields.year, 4) : (fields.year < 0 ? "-" : "+") + pad(abs(fields.year), 6)
        return "\(year)-\(pad(fields.month + 1, 2))-\(pad(fields.day, 2))T\(pad(fields.hours, 2)):"
            + "\(pad(fields.minutes, 2)):\(pad(fields.seconds, 2)).\(pad(fields.milliseconds, 3))Z"
    }

    enum DateStyle {
        case full, utc, date, time
    }

    private static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// toString, toUTCString, toDateString and toTimeString, with local time being UTC.
    static func dateString(_ time: Double, style: DateStyle) -> String {
        guard !time.isNaN else { return "Invalid Date" }
        let fields = DateFields(time)
        let year = fields.year < 0 ? "-" + pad(-fields.year, 6) : pad(fields.year, 4)
        let clock = "\(pad(fields.hours, 2)):\(pad(fields.minutes, 2)):\(pad(fields.seconds, 2))"
        let weekday = weekdays[fields.weekday]
        let month = months[fields.month]
        switch style {
        case .full: return "\(weekday) \(month) \(pad(fields.day, 2)) \(year) \(clock) GMT+0000 (Coordinated Universal Time)"
        case .utc: return "\(weekday), \(pad(fields.day, 2)) \(month) \(year) \(clock) GMT"
        case .date: return "\(weekday) \(month) \(pad(fields.day, 2)) \(year)"
        case .time: return "\(clock) GMT+0000 (Coordinated Universal Time)"
        }
    }

    /// Date.parse for the ISO formats (date only is UTC; a time without an offset is local time,
    /// which is UTC here); NaN for anything else.
    static func parseDate(_ text: String) -> Double {
        var scanner = DateScanner(Array(text.utf8))
        return scanner.parse() ?? .nan
    }

    /// The methods of a Date object.
    static func dateMethod(_ time: Double, _ name: String, _ arguments: [Value]) throws -> Value? {
        func field(_ read: (DateFields) -> Int) -> Value {
            time.isNaN ? .number(.nan) : .number(Double(read(DateFields(time))))
        }
        switch name {
        case "getTime", "valueOf": return .number(time)
        case "toISOString":
            guard !time.isNaN else { throw LangError("date.toISOString: invalid time value") }
            return .string(isoString(milliseconds: time))
        case "toJSON": return time.isNaN ? .null : .string(isoString(milliseconds: time))
        case "toString": return .string(dateString(time, style: .full))
        case "toUTCString", "toGMTString": return .string(dateString(time, style: .utc))
        case "toDateString": return .string(dateString(time, style: .date))
        case "toTimeString": return .string(dateString(time, style: .time))
        case "getTimezoneOffset": return .number(time.isNaN ? .nan : 0)
        case "getUTCFullYear", "getFullYear": return field(\.year)
        case "getUTCMonth", "getMonth": return field(\.month)
        case "getUTCDate", "getDate": return field(\.day)
        case "getUTCDay", "getDay": return field(\.weekday)
        case "getUTCHours", "getHours": return field(\.hours)
        case "getUTCMinutes", "getMinutes": return field(\.minutes)
        case "getUTCSeconds", "getSeconds": return field(\.seconds)
        case "getUTCMilliseconds", "getMilliseconds": return field(\.milliseconds)
        default: return nil
        }
    }
}

/// Reads the ISO 8601 forms Date.parse accepts: `YYYY`, `YYYY-MM`, `YYYY-MM-DD`, each optionally
/// followed by `THH:mm`, `:ss`, `.sss` and `Z` or `±HH:mm`; a space may stand for the `T`.
private struct DateScanner {
    let bytes: [UInt8]
    var index = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    mutating func digits(_ count: Int) -> Int? {
        guard index + count <= bytes.count else { return nil }
        var value = 0
        for byte in bytes[index..<index + count] {
            guard byte >= 48, byte <= 57 else { return nil }
            value = value * 10 + Int(byte - 48)
        }
        index += count
        return value
    }

    mutating func accept(_ character: Character) -> Bool {
        guard index < bytes.count, bytes[index] == character.asciiValue else { return false }
        index += 1
        return true
    }

    mutating func parse() -> Double? {
        var year: Int
        if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
            let negative = bytes[index] == UInt8(ascii: "-")
            index += 1
            guard let value = digits(6), !(negative && value == 0) else { return nil }
            year = negative ? -value : value
        } else {
            guard let value = digits(4) else { return nil }
            year = value
        }
        var month = 1
        var day = 1
        if accept("-") {
            guard let value = digits(2), (1...12).contains(value) else { return nil }
            month = value
            if accept("-") {
                guard let value = digits(2), (1...31).contains(value) else { return nil }
                day = value
            }
        }
        var hours = 0, minutes = 0, seconds = 0, milliseconds = 0
        var offset = 0
        if accept("T") || accept(" ") {
            guard let h = digits(2), accept(":"), let m = digits(2), h <= 24, m <= 59 else { return nil }
            hours = h
            minutes = m
            if accept(":") {
                guard let s = digits(2), s <= 59 else { return nil }
                seconds = s
                if accept(".") {
                    var count = 0
                    while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                        if count < 3 { milliseconds = milliseconds * 10 + Int(bytes[index] - 48) }
                        count += 1
                        index += 1
                    }
                    guard count > 0 else { return nil }
                    for _ in count..<max(count, 3) { milliseconds *= 10 }
                }
            }
            if hours == 24, minutes != 0 || seconds != 0 || milliseconds != 0 { return nil }
            if accept("Z") {
            } else if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                let sign = bytes[index] == UInt8(ascii: "-") ? -1 : 1
                index += 1
                guard let h = digits(2), accept(":"), let m = digits(2), h <= 23, m <= 59 else { return nil }
                offset = sign * (h * 60 + m)
            }
        }
        guard index == bytes.count else { return nil }
        let time = Builtins.makeTime(
            year: Double(year), month: Double(month - 1), day: Double(day), Double(hours), Double(minutes),
            Double(seconds), Double(milliseconds))
        return Builtins.timeClip(time - Double(offset) * 60000)
    }
}
