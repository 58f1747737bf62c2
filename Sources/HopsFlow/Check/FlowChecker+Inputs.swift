import Foundation
import HopsLang

extension FlowChecker {
    /// The JSON-schema types an input may have.
    static let inputTypes: Set<String> = ["string", "number", "integer", "boolean", "array", "object"]

    /// Input types are known ones and defaults match them; secret-looking defaults are flagged.
    mutating func checkInputs() {
        var seen = Set<String>()
        for input in flow.inputs {
            if !seen.insert(input.name).inserted {
                report(.error, "input '\(input.name)' is declared more than once", at: input.location)
            }
            if let type = input.type, !Self.inputTypes.contains(type) {
                report(.error, "input '\(input.name)' has unknown type '\(type)' (expected one of string, number, integer, boolean, array, object)",
                    at: keyLocation("type", ofInput: input) ?? input.location)
            }
            if let type = input.type, let value = input.defaultValue, !Self.value(value, matches: type),
                !FlowInputs.isReference(value), !FlowInputs.isEmptyResource(value, schema: input.schema)
            {
                report(.error, "the default of input '\(input.name)' is \(Self.describe(value)), not of its type \(type)",
                    at: keyLocation("default", ofInput: input) ?? input.location)
            }
            if let value = input.defaultValue, let finding = SecretDetector.finding(key: input.name, value: value) {
                report(.error, "the default of input '\(input.name)' \(finding); \(SecretDetector.hint)",
                    at: keyLocation("default", ofInput: input) ?? input.location)
            }
        }
    }

    /// The place of `key:` in the schema of an input: on the input's own line (a flow mapping) or in
    /// the lines indented under it.
    mutating func keyLocation(_ key: String, ofInput input: FlowInput) -> SourceLocation? {
        guard let location = input.location, let first = line(at: location), let lines = sourceLines[location.file] else {
            return input.location
        }
        if let range = first.range(of: key + ":") {
            return SourceLocation(file: location.file, line: location.line, column: first.distance(from: first.startIndex, to: range.lowerBound) + 1)
        }
        let baseIndent = first.prefix { $0 == " " }.count
        var number = location.line + 1
        while number <= lines.count {
            let text = lines[number - 1]
            let indent = text.prefix { $0 == " " }.count
            if text.contains(where: { $0 != " " }) {
                if indent <= baseIndent { break }
                if text.dropFirst(indent).hasPrefix(key + ":") { return SourceLocation(file: location.file, line: number, column: indent + 1) }
            }
            number += 1
        }
        return input.location
    }

    /// A null default fits any type: Windmill writes `default: null` for "no default".
    static func value(_ value: Value, matches type: String) -> Bool {
        switch (type, value) {
        case (_, .null), (_, .undefined): true
        case ("string", .string): true
        case ("number", .number): true
        case ("integer", .number(let number)): number.rounded() == number
        case ("boolean", .bool): true
        case ("array", .array): true
        case ("object", .object): true
        case let (other, _): !inputTypes.contains(other)
        }
    }

    static func describe(_ value: Value) -> String {
        switch value {
        case .string: "a string"
        case .number(let number): number.rounded() == number ? "a number" : "a fractional number"
        case .bool: "a boolean"
        case .array: "an array"
        case .object: "an object"
        default: "null"
        }
    }

    /// Parses the cron expression and computes the next three fire times in the schedule's time zone.
    mutating func checkSchedule() -> ScheduleNote? {
        guard let schedule = flow.schedule else { return nil }
        var timeZone = TimeZone.current
        if let name = schedule.timezone {
            guard let zone = TimeZone(identifier: name) else {
                report(.error, "unknown time zone '\(name)' in the schedule (expected an IANA name such as Europe/Paris)",
                    at: keyLocation("timezone", below: schedule.location) ?? schedule.location)
                return nil
            }
            timeZone = zone
        }
        do {
            let cron = try CronSchedule(schedule.cron)
            let times = cron.nextFireTimes(after: now, count: 3, timeZone: timeZone)
            if times.isEmpty {
                report(.warning, "the schedule '\(schedule.cron)' never fires", at: schedule.location)
            }
            return ScheduleNote(cron: schedule.cron, timeZone: timeZone, nextFireTimes: times, location: schedule.location)
        } catch {
            var location = schedule.location
            // A schedule written as a mapping is located at the mapping; the cron text is under `cron:`.
            if let cronKey = keyLocation("cron", below: schedule.location), let line = line(at: cronKey) {
                let afterKey = line.dropFirst(cronKey.column - 1 + "cron:".count)
                let spaces = afterKey.prefix { $0 == " " }.count
                let quote = afterKey.dropFirst(spaces).first.map { $0 == "'" || $0 == "\"" } ?? false
                location = SourceLocation(file: cronKey.file, line: cronKey.line, column: cronKey.column + "cron:".count + spaces + (quote ? 1 : 0))
            }
            location?.column += error.offset
            report(.error, "invalid cron expression '\(schedule.cron)': \(error.message)", at: location)
            return nil
        }
    }
}
