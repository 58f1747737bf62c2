// Number.prototype methods.
extension Builtins {
    static func numberMethod(_ number: Double, _ name: String, _ arguments: [Value]) throws -> Value? {
        let method = "number." + name
        switch name {
        case "toFixed":
            let digits = try ArgumentCheck.integer(
                arguments[argument: 0], in: 0...100, default: 0, "\(method): digits must be between 0 and 100")
            return .string(JSNumberFormatting.fixed(number, fractionDigits: digits))
        case "toPrecision":
            if case .undefined = arguments[argument: 0] { return .string(JSNumberFormatting.string(number)) }
            if !number.isFinite { return .string(JSNumberFormatting.string(number)) }
            let precision = try ArgumentCheck.integer(
                arguments[argument: 0], in: 1...100, default: 1, "\(method): precision must be between 1 and 100")
            return .string(JSNumberFormatting.precision(number, precision))
        case "toString":
            let radix = try ArgumentCheck.integer(
                arguments[argument: 0], in: 2...36, default: 10, "\(method): radix must be between 2 and 36")
            return .string(JSNumberFormatting.string(number, radix: radix))
        case "toLocaleString":
            return .string(JSNumberFormatting.string(number))
        case "valueOf":
            return .number(number)
        default:
            return nil
        }
    }
}
