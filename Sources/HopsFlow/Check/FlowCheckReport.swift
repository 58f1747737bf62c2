import Foundation

/// What checking a flow found: problems with their places, and the schedule's next fire times.
public struct FlowCheckReport: Sendable {
    /// Errors and warnings, in the order of their place in the file.
    public var diagnostics: [FlowDiagnostic]
    /// The flow's schedule and when it fires next; nil when the flow has no valid schedule.
    public var schedule: ScheduleNote?
    /// The flow as far as it could be read; nil when it could not be.
    public var flow: Flow?

    public init(diagnostics: [FlowDiagnostic] = [], schedule: ScheduleNote? = nil) {
        self.diagnostics = diagnostics
        self.schedule = schedule
    }

    public var errors: [FlowDiagnostic] { diagnostics.filter(\.isError) }
    public var warnings: [FlowDiagnostic] { diagnostics.filter { !$0.isError } }
    public var hasErrors: Bool { diagnostics.contains(where: \.isError) }

    /// Every diagnostic as `file:line:col: error|warning: message` with its line and caret, then the schedule note.
    public func rendered(colored: Bool = false) -> String {
        var parts = diagnostics.map { $0.rendered(colored: colored) }
        if let schedule { parts.append(schedule.description) }
        return parts.joined(separator: "\n")
    }
}

/// A flow's schedule with its next fire times, shown as a note by `check`.
public struct ScheduleNote: Sendable, CustomStringConvertible {
    public var cron: String
    public var timeZone: TimeZone
    public var nextFireTimes: [Date]
    public var location: SourceLocation?

    public init(cron: String, timeZone: TimeZone, nextFireTimes: [Date], location: SourceLocation?) {
        self.cron = cron
        self.timeZone = timeZone
        self.nextFireTimes = nextFireTimes
        self.location = location
    }

    /// The fire times as local date-times with their UTC offset, in the schedule's time zone.
    public var formattedTimes: [String] {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = timeZone
        formatter.dateFormat = "EEE yyyy-MM-dd HH:mm:ss xxx"
        return nextFireTimes.map { formatter.string(from: $0) }
    }

    /// `file:line:col: note: schedule '…' (zone) next fires: …`.
    public var description: String {
        let place = location.map { "\($0): " } ?? ""
        let times = nextFireTimes.isEmpty ? "never" : formattedTimes.joined(separator: ", ")
        return "\(place)note: schedule '\(cron)' (\(timeZone.identifier)) next fires: \(times)"
    }
}
