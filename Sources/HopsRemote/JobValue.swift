import Foundation
import HopsLang
import HopsRun

/// Reading the fields of a Windmill job (a JSON object), tolerating the nulls a real server sends.
struct JobValue {
    let value: Value

    init(_ value: Value) { self.value = value }

    subscript(_ key: String) -> Value? {
        guard case .object(let object) = value, let field = object[key] else { return nil }
        if case .null = field { return nil }
        return field
    }

    func string(_ key: String) -> String? {
        if case .string(let text)? = self[key] { return text }
        return nil
    }

    func number(_ key: String) -> Double? {
        if case .number(let number)? = self[key] { return number }
        return nil
    }

    func bool(_ key: String) -> Bool {
        if case .bool(let flag)? = self[key] { return flag }
        return false
    }

    func array(_ key: String) -> [Value] {
        if case .array(let items)? = self[key] { return items.elements }
        return []
    }

    func object(_ key: String) -> JobValue? { self[key].map(JobValue.init) }

    func date(_ key: String) -> Date? { string(key).flatMap(Self.parseDate) }

    static func parseDate(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }

    /// The error of a failed job's result `{"error": {message, name, stack?, step_id?}}`.
    static func stepError(fromResult result: Value?, stepID: String? = nil) -> StepError? {
        guard case .object(let object)? = result, case .object(let error)? = object["error"] else { return nil }
        let job = JobValue(.object(error))
        return StepError(
            kind: job.string("name") == "Canceled" ? .cancelled : .thrown, name: job.string("name"),
            message: job.string("message") ?? (Value.object(error).jsonString() ?? "error"), stack: job.string("stack"),
            stepID: stepID ?? job.string("step_id"))
    }

    static let nilJob = "00000000-0000-0000-0000-000000000000"
}
