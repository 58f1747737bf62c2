// The runtime errors of the evaluator, by name, so messages are written once.
extension LangError {
    static func unknownName(_ name: String, _ span: Span) -> LangError {
        LangError("unknown name '\(name)'", span: span)
    }

    static func cannotRead(_ property: String, of value: Value, _ span: Span) -> LangError {
        LangError("cannot read property '\(property)' of \(value.nullishName)", span: span)
    }

    static func cannotSet(_ property: String, of value: Value, _ span: Span) -> LangError {
        LangError("cannot set property '\(property)' of \(value.nullishName)", span: span)
    }

    static func notAFunction(_ callee: String, _ span: Span) -> LangError {
        LangError("\(callee) is not a function", span: span)
    }

    static func budgetExceeded(_ span: Span) -> LangError {
        LangError("evaluation budget exceeded", span: span)
    }

    static func tooLong(_ what: String, _ length: Double, limit: Int, _ span: Span) -> LangError {
        let count = length < 1e21 ? String(Int(length)) : JSNumberFormatting.string(length)
        return LangError(
            "evaluation budget exceeded: \(what) of \(count) would pass the limit of \(limit)", span: span)
    }

    static func allocationExceeded(limit: Int, _ span: Span) -> LangError {
        LangError(
            "evaluation budget exceeded: more than \(limit) string bytes and array elements made in all",
            span: span)
    }

    static func nestingTooDeep(_ span: Span) -> LangError {
        LangError("nesting too deep", span: span)
    }

    static func interrupted(_ span: Span) -> LangError {
        LangError("interrupted", span: span)
    }

    static func actionNotAtStatementLevel(_ callee: String, _ span: Span) -> LangError {
        LangError("\(callee)(...) is an action: call it as a statement", span: span)
    }

    static func notIterable(_ value: Value, _ span: Span) -> LangError {
        LangError("\(value.nullishName) is not iterable", span: span)
    }

    static func assignToConstant(_ name: String, _ span: Span) -> LangError {
        LangError("assignment to constant '\(name)'", span: span)
    }
}

extension Value {
    /// How a value is named in an error: `undefined`, `null`, or its type with an article.
    var nullishName: String {
        switch self {
        case .undefined: "undefined"
        case .null: "null"
        case .array: "an array"
        case .object: "an object"
        case .function: "a function"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        }
    }

    var isNullish: Bool {
        switch self {
        case .undefined, .null: true
        default: false
        }
    }
}

extension LangError {
    static func cannotDestructure(_ property: String?, of value: Value, _ span: Span) -> LangError {
        if let property {
            return LangError("cannot destructure property '\(property)' of \(value.nullishName)", span: span)
        }
        return LangError("cannot destructure \(value.nullishName)", span: span)
    }
}
