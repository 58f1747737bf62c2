import Foundation
import HopsHTTP
import HopsLang

extension HTTPResponse {
    /// `{status, headers, body, duration_ms}`; the body parsed as JSON when the content type says JSON.
    public var value: Value {
        var headerObject = ObjectValue()
        for header in headers { headerObject[header.name.lowercased()] = .string(header.value) }
        let isJSON = contentType.map { $0.lowercased().contains("json") } ?? false
        let bodyValue: Value = isJSON ? ((try? Value(parsingJSON: text)) ?? .string(text)) : .string(text)
        return .object(
            ObjectValue([
                ("status", .number(Double(status))), ("headers", .object(headerObject)), ("body", bodyValue),
                ("duration_ms", .number((duration * 1000).rounded())),
            ]))
    }
}
