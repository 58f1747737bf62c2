import Foundation
import HopsLang

/// The flow's schema applied to the inputs a run is given, as Windmill's form applies it: names,
/// types (text converted to the declared type), `enum`, `format`, nested objects and arrays,
/// required inputs and defaults (`$res:` / `$var:` references included).
public enum FlowInputs {
    /// Every problem with the inputs given, found at once.
    public struct Problems: Error, Sendable, CustomStringConvertible {
        public var messages: [String]
        public var description: String { messages.map { "error: " + $0 }.joined(separator: "\n") }
    }

    /// One input as given: text typed on a command line or at the prompt, or a JSON value.
    public enum Given: Sendable {
        case text(String)
        case value(Value)
    }

    /// The inputs the run starts with: `given` converted and checked, then defaults for the rest.
    /// Throws every problem at once: unknown names, values that do not fit, missing required inputs
    /// (unless `allowMissing`: a dry run plans with them unknown).
    public static func bind(
        _ given: [(name: String, value: Given)], to flow: Flow, allowMissing: Bool = false
    ) throws(Problems) -> ObjectValue {
        var messages: [String] = []
        var values = ObjectValue()
        let names = flow.inputs.map(\.name)
        for (name, item) in given {
            guard let input = flow.inputs.first(where: { $0.name == name }) else {
                messages.append(unknownMessage(name, names: names))
                continue
            }
            let schema = input.schema
            let value: Value
            switch item {
            case .text(let text):
                switch convert(text, schema: schema) {
                case .success(let converted): value = converted
                case .failure(let problem):
                    messages.append("input '\(name)' expects \(problem.expected), got \(quoted(text))")
                    continue
                }
            case .value(let given): value = given
            }
            messages += problems(value, schema: schema, at: name)
            values[name] = value
        }
        for input in flow.inputs where values[input.name] == nil {
            if let value = input.defaultValue, !isEmptyResource(value, schema: input.schema) {
                values[input.name] = value
            }
        }
        let givenNames = Set(given.map(\.name))
        let missing = flow.inputs.filter { $0.required && values[$0.name] == nil && !givenNames.contains($0.name) }.map(\.name)
        if !missing.isEmpty && !allowMissing {
            let list = missing.map { "'\($0)'" }.joined(separator: ", ")
            messages.append("missing required input\(missing.count == 1 ? "" : "s") \(list) (give each with -i NAME=VALUE)")
        }
        if !messages.isEmpty { throw Problems(messages: messages) }
        return values
    }

    /// "unknown input 'x'", with the closest declared name and the list of them.
    static func unknownMessage(_ name: String, names: [String]) -> String {
        if names.isEmpty { return "unknown input '\(name)': the flow takes no inputs" }
        let best = names.map { ($0, editDistance($0.lowercased(), name.lowercased())) }.min { $0.1 < $1.1 }
        var message = "unknown input '\(name)'"
        if let best, best.1 <= max(2, name.count / 3) { message += " (did you mean '\(best.0)'?)" }
        return message + "; the flow's inputs: " + names.joined(separator: ", ")
    }

    // MARK: Conversion of typed text

    struct Expected: Error {
        var expected: String
    }

    /// Text as the schema's type: a number, a boolean, JSON for objects and arrays, the text itself for strings.
    static func convert(_ text: String, schema: Value) -> Result<Value, Expected> {
        switch type(of: schema) {
        case "string"?:
            // "text" in JSON quotes is the text (as `:inputs name="a b"` writes it).
            if text.hasPrefix("\""), case .string(let unquoted)? = try? Value(parsingJSON: text) { return .success(.string(unquoted)) }
            return .success(.string(text))
        case "integer"?, "number"?:
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            guard let number = Double(trimmed), number.isFinite else {
                return .failure(Expected(expected: type(of: schema) == "integer" ? "an integer" : "a number"))
            }
            return .success(.number(number))
        case "boolean"?:
            switch text.lowercased() {
            case "true": return .success(.bool(true))
            case "false": return .success(.bool(false))
            default: return .failure(Expected(expected: "true or false"))
            }
        case "object"?:
            if text.hasPrefix("$res:") || text.hasPrefix("$var:") { return .success(.string(text)) }
            guard let value = try? Value(parsingJSON: text), case .object = value else {
                let resource = field("format", of: schema)?.stringValue?.hasPrefix("resource-") == true
                return .failure(Expected(expected: resource ? "a $res:path reference or a JSON object" : "a JSON object"))
            }
            return .success(value)
        case "array"?:
            if let value = try? Value(parsingJSON: text), case .array = value { return .success(value) }
            // A bare word for an array of strings: one item (Windmill's form takes items one by one).
            if case .object(let items)? = field("items", of: schema), case .string("string")? = items["type"],
                !text.hasPrefix("[")
            {
                return .success(.array(text.split(separator: ",").map { .string(String($0)) }))
            }
            return .failure(Expected(expected: "a JSON array"))
        default:
            return .success((try? Value(parsingJSON: text)) ?? .string(text))
        }
    }

    // MARK: Checking a value against a schema

    /// What is wrong with `value` for `schema`, `path` naming it ("n", "config.port", "hosts[2]").
    static func problems(_ value: Value, schema: Value, at path: String) -> [String] {
        if case .null = value { return [] }
        var messages: [String] = []
        let format = field("format", of: schema).flatMap(\.stringValue)
        if let type = type(of: schema) {
            if isReference(value) && (type == "object" || format?.hasPrefix("resource-") == true) { return [] }
            if !fits(value, type: type) {
                return ["input '\(path)' expects \(article(type)), got \(describe(value))"]
            }
        }
        if case .array(let options)? = field("enum", of: schema), !options.isEmpty,
            !options.contains(where: { Value.sameJSON($0, value) })
        {
            let list = options.map { $0.jsonString() ?? "" }.joined(separator: ", ")
            messages.append("input '\(path)' is \(value.jsonString() ?? describe(value)), not one of \(list)")
        }
        if let format, case .string(let text) = value, let problem = formatProblem(text, format: format) {
            messages.append("input '\(path)' is \(quoted(text)), not \(problem)")
        }
        if case .object(let object) = value, case .object(let properties)? = field("properties", of: schema) {
            for (name, fieldValue) in object.entries {
                if let fieldSchema = properties[name] {
                    messages += problems(fieldValue, schema: fieldSchema, at: "\(path).\(name)")
                }
            }
            if case .array(let required)? = field("required", of: schema) {
                for case .string(let name) in required where object[name] == nil {
                    messages.append("input '\(path)' has no '\(name)', which its schema requires")
                }
            }
        }
        if case .array(let items) = value, let itemSchema = field("items", of: schema) {
            for (index, item) in items.enumerated() {
                messages += problems(item, schema: itemSchema, at: "\(path)[\(index)]")
            }
        }
        return messages
    }

    static func fits(_ value: Value, type: String) -> Bool {
        switch (type, value) {
        case ("string", .string), ("number", .number), ("boolean", .bool), ("array", .array), ("object", .object): true
        case ("integer", .number(let number)): number.rounded() == number
        case (let other, _): !["string", "number", "integer", "boolean", "array", "object"].contains(other)
        }
    }

    /// A `$res:` or `$var:` reference, resolved when a step uses it.
    static func isReference(_ value: Value) -> Bool {
        guard case .string(let text) = value else { return false }
        return text.hasPrefix("$res:") || text.hasPrefix("$var:")
    }

    /// `''` as the default of a resource-typed input: Windmill's "none chosen yet".
    static func isEmptyResource(_ value: Value, schema: Value) -> Bool {
        guard case .string("") = value else { return false }
        let format = field("format", of: schema).flatMap(\.stringValue) ?? ""
        return format.hasPrefix("resource-") || type(of: schema) == "object"
    }

    /// Why `text` is not of the string format, or nil (unknown formats are not checked).
    static func formatProblem(_ text: String, format: String) -> String? {
        func matches(_ pattern: String) -> Bool { text.range(of: pattern, options: .regularExpression) != nil }
        switch format {
        case "email": return matches(#"^[^@\s]+@[^@\s]+\.[^@\s]+$"#) ? nil : "an email address"
        case "date": return matches(#"^\d{4}-\d{2}-\d{2}$"#) ? nil : "a date (YYYY-MM-DD)"
        case "date-time":
            return matches(#"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$"#)
                ? nil : "a date and time (ISO 8601)"
        case "time": return matches(#"^\d{2}:\d{2}(:\d{2}(\.\d+)?)?$"#) ? nil : "a time (HH:MM[:SS])"
        case "uri", "url": return matches(#"^[A-Za-z][A-Za-z0-9+.-]*://\S+$"#) ? nil : "a URI"
        case "uuid":
            return matches(#"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"#) ? nil : "a UUID"
        case "ipv4":
            let parts = text.split(separator: ".", omittingEmptySubsequences: false)
            return parts.count == 4 && parts.allSatisfy({ Int($0).map { (0...255).contains($0) } ?? false }) ? nil : "an IPv4 address"
        default: return nil
        }
    }

    static func type(of schema: Value) -> String? {
        field("type", of: schema).flatMap(\.stringValue)
    }

    static func field(_ name: String, of schema: Value) -> Value? {
        guard case .object(let object) = schema else { return nil }
        return object[name]
    }

    static func article(_ type: String) -> String {
        switch type {
        case "integer": "an integer"
        case "object", "array": "an \(type)"
        default: "a \(type)"
        }
    }

    static func describe(_ value: Value) -> String {
        let kind: String
        switch value {
        case .string: kind = "a string"
        case .number(let number): kind = number.rounded() == number ? "a number" : "a fractional number"
        case .bool: kind = "a boolean"
        case .array: kind = "an array"
        case .object: kind = "an object"
        default: kind = "null"
        }
        let text = value.jsonString() ?? ""
        return text.count <= 40 ? "\(text) (\(kind))" : kind
    }

    static func quoted(_ text: String) -> String {
        "'" + (text.count <= 40 ? text : String(text.prefix(37)) + "...") + "'"
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        if a.isEmpty { return b.count }
        var previous = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var current = [i + 1]
            for (j, y) in b.enumerated() {
                current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1)))
            }
            previous = current
        }
        return previous[b.count]
    }
}

extension FlowInput {
    /// The input's JSON schema as one value: its type and extra keywords (`format`, `enum`, `items`, `properties`).
    public var schema: Value {
        var object = ObjectValue()
        if let type { object["type"] = .string(type) }
        if case .object(let extras)? = extras?.value {
            for (key, value) in extras.entries { object[key] = value }
        }
        return .object(object)
    }
}
