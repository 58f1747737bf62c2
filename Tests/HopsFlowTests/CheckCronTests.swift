import Foundation
import Testing
@testable import HopsFlow

@Suite struct CheckCronTests {
    let paris = TimeZone(identifier: "Europe/Paris")!

    func date(_ iso: String) -> Date {
        let formatter = ISO8601DateFormatter()
        return formatter.date(from: iso)!
    }

    func iso(_ dates: [Date]) -> [String] {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return dates.map { formatter.string(from: $0) }
    }

    @Test func everyFifteenMinutesWithSeconds() throws {
        let cron = try CronSchedule("0 */15 * * * *")
        let times = cron.nextFireTimes(after: date("2025-03-10T10:07:30Z"), count: 3, timeZone: paris)
        #expect(iso(times) == ["2025-03-10T10:15:00Z", "2025-03-10T10:30:00Z", "2025-03-10T10:45:00Z"])
    }

    @Test func sundaysAtThreeAcrossSpringForward() throws {
        let cron = try CronSchedule("0 0 3 * * SUN")
        let times = cron.nextFireTimes(after: date("2025-03-20T00:00:00Z"), count: 3, timeZone: paris)
        // 03:00 CET is 02:00Z; from March 30 on, 03:00 CEST is 01:00Z.
        #expect(iso(times) == ["2025-03-23T02:00:00Z", "2025-03-30T01:00:00Z", "2025-04-06T01:00:00Z"])
    }

    @Test func firstOfMonthInParis() throws {
        let cron = try CronSchedule("0 30 9 1 * *")
        let times = cron.nextFireTimes(after: date("2025-01-15T00:00:00Z"), count: 3, timeZone: paris)
        #expect(iso(times) == ["2025-02-01T08:30:00Z", "2025-03-01T08:30:00Z", "2025-04-01T07:30:00Z"])
    }

    @Test func fiveFieldStandardCron() throws {
        let cron = try CronSchedule("*/5 * * * *")
        #expect(!cron.hasSeconds)
        let utc = TimeZone(identifier: "UTC")!
        let times = cron.nextFireTimes(after: date("2025-06-01T12:03:59Z"), count: 3, timeZone: utc)
        #expect(iso(times) == ["2025-06-01T12:05:00Z", "2025-06-01T12:10:00Z", "2025-06-01T12:15:00Z"])
        let nightly = try CronSchedule("0 2 * * *")
        #expect(iso(nightly.nextFireTimes(after: date("2025-06-01T12:00:00Z"), count: 2, timeZone: utc))
            == ["2025-06-02T02:00:00Z", "2025-06-03T02:00:00Z"])
    }

    @Test func skippedWallTimeFiresOnceAfterTheGap() throws {
        let cron = try CronSchedule("0 30 2 * * *")
        let times = cron.nextFireTimes(after: date("2025-03-29T12:00:00Z"), count: 2, timeZone: paris)
        // 02:30 does not exist on March 30 in Paris: it fires at 03:30 CEST (01:30Z), then normally.
        #expect(iso(times) == ["2025-03-30T01:30:00Z", "2025-03-31T00:30:00Z"])
    }

    @Test func repeatedHourFiresOnceForFixedHourAndTwiceForEveryHour() throws {
        let daily = try CronSchedule("0 30 2 * * *")
        #expect(iso(daily.nextFireTimes(after: date("2025-10-25T12:00:00Z"), count: 2, timeZone: paris))
            == ["2025-10-26T00:30:00Z", "2025-10-27T01:30:00Z"])
        let halfHourly = try CronSchedule("0 */30 * * * *")
        #expect(iso(halfHourly.nextFireTimes(after: date("2025-10-26T00:00:00Z"), count: 4, timeZone: paris))
            == ["2025-10-26T00:30:00Z", "2025-10-26T01:00:00Z", "2025-10-26T01:30:00Z", "2025-10-26T02:00:00Z"])
    }

    @Test func listsRangesNamesAndSteps() throws {
        let utc = TimeZone(identifier: "UTC")!
        let cron = try CronSchedule("0 0 9-17/4 * JAN,mar MON-FRI")
        let times = cron.nextFireTimes(after: date("2025-01-31T16:00:00Z"), count: 3, timeZone: utc)
        // Friday Jan 31 17:00, then February is skipped, then Monday March 3 09:00 and 13:00.
        #expect(iso(times) == ["2025-01-31T17:00:00Z", "2025-03-03T09:00:00Z", "2025-03-03T13:00:00Z"])
    }

    @Test func dayOfMonthOrDayOfWeekWhenBothRestricted() throws {
        let utc = TimeZone(identifier: "UTC")!
        let cron = try CronSchedule("0 0 0 13 * FRI")
        let times = cron.nextFireTimes(after: date("2025-06-01T00:00:00Z"), count: 3, timeZone: utc)
        #expect(iso(times) == ["2025-06-06T00:00:00Z", "2025-06-13T00:00:00Z", "2025-06-20T00:00:00Z"])
    }

    @Test func macrosAndSundayAsSeven() throws {
        let utc = TimeZone(identifier: "UTC")!
        let daily = try CronSchedule("@daily")
        #expect(daily.expression == "@daily")
        #expect(iso(daily.nextFireTimes(after: date("2025-06-01T10:00:00Z"), count: 1, timeZone: utc)) == ["2025-06-02T00:00:00Z"])
        let sunday = try CronSchedule("0 12 * * 7")
        #expect(iso(sunday.nextFireTimes(after: date("2025-06-02T00:00:00Z"), count: 1, timeZone: utc)) == ["2025-06-08T12:00:00Z"])
    }

    @Test func impossibleDateGivesNoFireTimes() throws {
        let cron = try CronSchedule("0 0 0 31 2 *")
        #expect(cron.nextFireTimes(after: date("2025-01-01T00:00:00Z"), count: 3, timeZone: paris).isEmpty)
    }

    @Test(arguments: [
        ("0 61 * * * *", 2, 2, "minutes"),
        ("0 0 3 * * FUNDAY", 10, 6, "day-of-week"),
        ("*/0 * * * *", 2, 1, "minutes"),
        ("0 0 25 * * *", 4, 2, "hours"),
        ("0 0 1 * 13 *", 8, 2, "month"),
        ("0 0 5-2 * * *", 4, 3, "hours"),
        ("0 0 1,,2 * * *", 6, 1, "hours"),
    ])
    func errorsPointAtTheBadField(expression: String, offset: Int, length: Int, field: String) {
        #expect {
            _ = try CronSchedule(expression)
        } throws: { error in
            guard let cronError = error as? CronError else { return false }
            return cronError.offset == offset && cronError.length == length && cronError.field == field
        }
    }

    @Test func wrongFieldCountIsAnError() {
        #expect(throws: CronError.self) { _ = try CronSchedule("* * * *") }
        #expect(throws: CronError.self) { _ = try CronSchedule("@sometimes") }
        do {
            _ = try CronSchedule("0 0 3 * * FUNDAY")
        } catch {
            #expect(error.message.contains("day-of-week"))
        }
    }
}
