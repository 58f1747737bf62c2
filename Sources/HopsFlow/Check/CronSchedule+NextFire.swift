import Foundation

extension CronSchedule {
    /// The next `count` fire times strictly after `date`, reading the fields as wall-clock time
    /// in `timeZone`.
    ///
    /// Daylight saving: a wall time that does not exist (skipped by a spring-forward) fires at
    /// the first instant after the gap, once; a wall time that occurs twice (fall-back) fires on
    /// its first occurrence only, unless the hour field is `*`, in which case the repeated hour
    /// fires again so that "every 15 minutes" keeps its rhythm (as Vixie cron does).
    public func nextFireTimes(after date: Date, count: Int = 3, timeZone: TimeZone) -> [Date] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        var results: [Date] = []
        var lower = date
        while results.count < count, let next = nextFire(after: lower, calendar: calendar) {
            results.append(next)
            lower = next
        }
        return results
    }

    private var firesEveryHour: Bool { hours.count == 24 }

    /// The first fire time strictly after `lower`.
    private func nextFire(after lower: Date, calendar: Calendar) -> Date? {
        var cursor = wallTime(of: lower, calendar: calendar)
        cursor.advanceSecond()
        // Searching 30 years covers any valid day combination (Feb 29 on a given weekday).
        let yearLimit = cursor.year + 30
        while let match = nextMatch(from: cursor, yearLimit: yearLimit) {
            guard let candidate = instant(of: match, after: lower, calendar: calendar) else {
                cursor = match
                cursor.advanceSecond()
                continue
            }
            let timeZone = calendar.timeZone
            if firesEveryHour, let transition = timeZone.nextDaylightSavingTimeTransition(after: lower),
                transition <= candidate,
                timeZone.secondsFromGMT(for: transition) < timeZone.secondsFromGMT(for: transition.addingTimeInterval(-1))
            {
                // The clock went back: the repeated wall times fire again, before `candidate`.
                let repeatedStart = wallTime(of: transition, calendar: calendar)
                if let repeatedMatch = nextMatch(from: repeatedStart, yearLimit: yearLimit),
                    let repeated = instant(of: repeatedMatch, after: max(lower, transition.addingTimeInterval(-0.001)), calendar: calendar),
                    repeated < candidate
                {
                    return repeated
                }
            }
            return candidate
        }
        return nil
    }

    private func wallTime(of date: Date, calendar: Calendar) -> WallTime {
        WallTime(calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date))
    }

    /// The instant of a matching wall time after `lower`: its first occurrence, or its second
    /// one in a repeated hour when every hour fires.
    private func instant(of wall: WallTime, after lower: Date, calendar: Calendar) -> Date? {
        let components = DateComponents(
            year: wall.year, month: wall.month, day: wall.day,
            hour: wall.hour, minute: wall.minute, second: wall.second)
        guard let first = calendar.date(from: components) else { return nil }
        if first > lower { return first }
        guard firesEveryHour else { return nil }
        for shift in [3600.0, 1800.0] {
            let later = first.addingTimeInterval(shift)
            if later > lower, wallTime(of: later, calendar: calendar) == wall { return later }
        }
        return nil
    }

    /// The first wall time at or after `start` that matches every field.
    private func nextMatch(from start: WallTime, yearLimit: Int) -> WallTime? {
        var time = start
        while time.year <= yearLimit {
            if let years, !years.contains(time.year) {
                time = WallTime(year: time.year + 1, month: 1, day: 1)
                continue
            }
            if !months.contains(time.month) {
                time.advanceMonth()
                continue
            }
            if time.day > WallTime.daysInMonth(year: time.year, month: time.month) {
                time.advanceMonth()
                continue
            }
            if !dayMatches(time) {
                time.advanceDay()
                continue
            }
            if !hours.contains(time.hour) {
                time.advanceHour()
                continue
            }
            if !minutes.contains(time.minute) {
                time.advanceMinute()
                continue
            }
            if !seconds.contains(time.second) {
                time.advanceSecond()
                continue
            }
            return time
        }
        return nil
    }

    private func dayMatches(_ time: WallTime) -> Bool {
        let dayOfMonthMatches = daysOfMonth.contains(time.day)
        let dayOfWeekMatches = daysOfWeek.contains(time.weekday)
        if daysOfMonthRestricted && daysOfWeekRestricted { return dayOfMonthMatches || dayOfWeekMatches }
        return dayOfMonthMatches && dayOfWeekMatches
    }
}

/// A calendar date and time of day without a time zone, stepped field by field.
struct WallTime: Equatable {
    var year: Int
    var month: Int
    var day: Int
    var hour = 0
    var minute = 0
    var second = 0

    init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
    }

    init(_ components: DateComponents) {
        self.init(
            year: components.year ?? 1970, month: components.month ?? 1, day: components.day ?? 1,
            hour: components.hour ?? 0, minute: components.minute ?? 0, second: components.second ?? 0)
    }

    /// Sunday = 0 … Saturday = 6 (Sakamoto's method on the proleptic Gregorian calendar).
    var weekday: Int {
        let offsets = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4]
        let y = month < 3 ? year - 1 : year
        return (y + y / 4 - y / 100 + y / 400 + offsets[month - 1] + day) % 7
    }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    mutating func advanceMonth() {
        (day, hour, minute, second) = (1, 0, 0, 0)
        month += 1
        if month > 12 {
            month = 1
            year += 1
        }
    }

    mutating func advanceDay() {
        (hour, minute, second) = (0, 0, 0)
        day += 1
        if day > Self.daysInMonth(year: year, month: month) { advanceMonth() }
    }

    mutating func advanceHour() {
        (minute, second) = (0, 0)
        hour += 1
        if hour > 23 { advanceDay() }
    }

    mutating func advanceMinute() {
        second = 0
        minute += 1
        if minute > 59 { advanceHour() }
    }

    mutating func advanceSecond() {
        second += 1
        if second > 59 { advanceMinute() }
    }
}
