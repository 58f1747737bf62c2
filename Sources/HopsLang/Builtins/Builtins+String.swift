import Foundation

// String.prototype methods. Positions count UTF-16 code units, as in JavaScript.
extension Builtins {
    static func stringMethod(
        _ text: String, _ name: String, _ arguments: [Value], _ context: CallContext
    ) throws -> Value? {
        let method = "string." + name
        func stringArgument(_ index: Int) -> String { arguments[argument: index].toJSString() }
        func units() -> [UInt16] { Array(text.utf16) }

        switch name {
        case "toUpperCase", "toLocaleUpperCase": return .string(text.uppercased())
        case "toLowerCase", "toLocaleLowerCase": return .string(text.lowercased())
        case "trim": return .string(JSNumberParsing.trimmed(text))
        case "trimStart", "trimLeft": return .string(JSNumberParsing.trimmed(text, end: false))
        case "trimEnd", "trimRight": return .string(JSNumberParsing.trimmed(text, start: false))
        case "toString", "valueOf": return .string(text)
        case "startsWith", "endsWith":
            let all = units()
            let search = Array(stringArgument(0).utf16)
            if name == "startsWith" {
                let start = ArgumentCheck.relativeIndex(clampedPosition(arguments[argument: 1]), count: all.count, default: 0)
                return .bool(all[start...].starts(with: search))
            }
            let end = ArgumentCheck.relativeIndex(clampedPosition(arguments[argument: 1]), count: all.count, default: all.count)
            let start = end - search.count
            return .bool(start >= 0 && all[start..<end].elementsEqual(search))
        case "includes":
            let start = ArgumentCheck.relativeIndex(clampedPosition(arguments[argument: 1]), count: text.utf16.count, default: 0)
            return .bool(indexOf(units(), Array(stringArgument(0).utf16), from: start) != nil)
        case "indexOf":
            let all = units()
            let start = ArgumentCheck.relativeIndex(clampedPosition(arguments[argument: 1]), count: all.count, default: 0)
            return .number(Double(indexOf(all, Array(stringArgument(0).utf16), from: start) ?? -1))
        case "lastIndexOf":
            let all = units()
            let search = Array(stringArgument(0).utf16)
            var from = all.count
            let position = arguments[argument: 1].toNumber()
            if !position.isNaN { from = Int(max(0, min(JSNumberParsing.toIntegerOrInfinity(position), Double(all.count)))) }
            var index = min(from, all.count - search.count)
            while index >= 0 {
                if all[index..<(index + search.count)].elementsEqual(search) { return .number(Double(index)) }
                index -= 1
            }
            return .number(-1)
        case "at", "charAt", "charCodeAt", "codePointAt":
            let all = units()
            var position = JSNumberParsing.toIntegerOrInfinity(arguments[argument: 0].toNumber())
            if name == "at" && position < 0 { position += Double(all.count) }
            guard position >= 0, position < Double(all.count) else {
                switch name {
                case "charAt": return .string("")
                case "charCodeAt": return .number(.nan)
                default: return .undefined
                }
            }
            let index = Int(position)
            switch name {
            case "charCodeAt":
                return .number(Double(all[index]))
            case "codePointAt":
                let unit = all[index]
                if UTF16.isLeadSurrogate(unit), index + 1 < all.count, UTF16.isTrailSurrogate(all[index + 1]) {
                    let scalar = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(all[index + 1]) - 0xDC00)
                    return .number(Double(scalar))
                }
                return .number(Double(unit))
            default:
                return .string(String(decoding: [all[index]], as: UTF16.self))
            }
        case "slice":
            let all = units()
            let start = ArgumentCheck.relativeIndex(arguments[argument: 0], count: all.count, default: 0)
            let end = ArgumentCheck.relativeIndex(arguments[argument: 1], count: all.count, default: all.count)
            return .string(start < end ? String(decoding: all[start..<end], as: UTF16.self) : "")
        case "substring", "substr":
            let all = units()
            func clamp(_ value: Value, _ defaultValue: Int) -> Int {
                if case .undefined = value { return defaultValue }
                let number = JSNumberParsing.toIntegerOrInfinity(value.toNumber())
                return Int(max(0, min(number, Double(all.count))))
            }
            if name == "substr" {
                let start = ArgumentCheck.relativeIndex(arguments[argument: 0], count: all.count, default: 0)
                let length = clamp(arguments[argument: 1], all.count)
                let end = min(start + length, all.count)
                return .string(start < end ? String(decoding: all[start..<end], as: UTF16.self) : "")
            }
            let a = clamp(arguments[argument: 0], 0)
            let b = clamp(arguments[argument: 1], all.count)
            return .string(String(decoding: all[min(a, b)..<max(a, b)], as: UTF16.self))
        case "concat":
            return .string(arguments.reduce(text) { $0 + $1.toJSString() })
        case "repeat":
            let count = JSNumberParsing.toIntegerOrInfinity(arguments[argument: 0].toNumber())
            guard count >= 0, count.isFinite else { throw LangError("\(method): invalid count value: \(arguments[argument: 0].toJSString())") }
            try context.allocate(.string, Double(text.utf8.count) * count)
            return .string(String(repeating: text, count: Int(count)))
        case "padStart", "padEnd":
            let target = JSNumberParsing.toIntegerOrInfinity(arguments[argument: 0].toNumber())
            var filler = " "
            if case .undefined = arguments[argument: 1] {} else { filler = stringArgument(1) }
            let current = text.utf16.count
            guard target > Double(current), !filler.isEmpty else { return .string(text) }
            try context.allocate(.string, target)
            let length = Int(target)
            let fillerUnits = Array(filler.utf16)
            var padding: [UInt16] = []
            padding.reserveCapacity(length - current)
            while padding.count < length - current { padding.append(fillerUnits[padding.count % fillerUnits.count]) }
            let pad = String(decoding: padding, as: UTF16.self)
            return .string(name == "padStart" ? pad + text : text + pad)
        case "split":
            return split(text, arguments)
        case "replace", "replaceAll":
            return try replace(text, arguments, all: name == "replaceAll", method, context)
        case "localeCompare":
            return .number(Double(localeOrder(text, stringArgument(0))))
        case "normalize":
            return .string(text)
        case "match", "matchAll", "search":
            // A string pattern is a regular expression, as `new RegExp(pattern)` makes it.
            let regExp = try RegExpValue(source: stringArgument(0), flags: name == "matchAll" ? "g" : "")
            return try stringRegExpMethod(text, name, regExp, arguments, context)
        default:
            return nil
        }
    }

    /// Positions given as undefined stay undefined; NaN counts as 0.
    private static func clampedPosition(_ value: Value) -> Value {
        if case .undefined = value { return value }
        let number = JSNumberParsing.toIntegerOrInfinity(value.toNumber())
        return .number(max(number, 0))
    }

    static func indexOf(_ units: [UInt16], _ search: [UInt16], from start: Int) -> Int? {
        guard search.count <= units.count else { return nil }
        var index = start
        while index + search.count <= units.count {
            if units[index..<(index + search.count)].elementsEqual(search) { return index }
            index += 1
        }
        return nil
    }

    private static func split(_ text: String, _ arguments: [Value]) -> Value {
        var limit = Int(UInt32.max)
        if case .undefined = arguments[argument: 1] {} else {
            limit = Int(UInt32(bitPattern: JSNumberParsing.toInt32(arguments[1].toNumber())))
        }
        if limit == 0 { return .list([]) }
        if case .undefined = arguments[argument: 0] { return .list([.string(text)]) }
        let separator = Array(arguments[0].toJSString().utf16)
        let all = Array(text.utf16)
        var parts: [Value] = []
        if separator.isEmpty {
            for unit in all.prefix(limit) { parts.append(.string(String(decoding: [unit], as: UTF16.self))) }
            return .list(parts)
        }
        var start = 0
        while parts.count < limit, let found = indexOf(all, separator, from: start) {
            parts.append(.string(String(decoding: all[start..<found], as: UTF16.self)))
            start = found + separator.count
        }
        if parts.count < limit { parts.append(.string(String(decoding: all[start...], as: UTF16.self))) }
        return .list(parts)
    }

    private static func replace(
        _ text: String, _ arguments: [Value], all: Bool, _ method: String, _ context: CallContext
    ) throws -> Value {
        let units = Array(text.utf16)
        let search = Array(arguments[argument: 0].toJSString().utf16)
        let replacement = arguments[argument: 1]
        var matches: [Int] = []
        var position = 0
        while let found = indexOf(units, search, from: position) {
            matches.append(found)
            if !all { break }
            position = found + max(search.count, 1)
            if position > units.count { break }
        }
        if matches.isEmpty { return .string(text) }
        var result: [UInt16] = []
        var last = 0
        for found in matches {
            result.append(contentsOf: units[last..<found])
            let matched = String(decoding: units[found..<(found + search.count)], as: UTF16.self)
            if case .function(let function) = replacement {
                let value = try context.call(function, [.string(matched), .number(Double(found)), .string(text)])
                result.append(contentsOf: value.toJSString().utf16)
            } else {
                result.append(contentsOf: substitute(
                    Array(replacement.toJSString().utf16), units, matchStart: found, matchEnd: found + search.count))
            }
            last = found + search.count
        }
        result.append(contentsOf: units[last...])
        return .string(String(decoding: result, as: UTF16.self))
    }

    /// GetSubstitution for string patterns: `$$`, `$&`, `` $` `` and `$'`.
    private static func substitute(_ template: [UInt16], _ units: [UInt16], matchStart: Int, matchEnd: Int) -> [UInt16] {
        let dollar = UInt16(UInt8(ascii: "$"))
        guard template.contains(dollar) else { return template }
        var result: [UInt16] = []
        var index = 0
        while index < template.count {
            let unit = template[index]
            if unit == dollar, index + 1 < template.count {
                switch template[index + 1] {
                case dollar:
                    result.append(dollar)
                    index += 2
                    continue
                case UInt16(UInt8(ascii: "&")):
                    result.append(contentsOf: units[matchStart..<matchEnd])
                    index += 2
                    continue
                case UInt16(UInt8(ascii: "`")):
                    result.append(contentsOf: units[0..<matchStart])
                    index += 2
                    continue
                case UInt16(UInt8(ascii: "'")):
                    result.append(contentsOf: units[matchEnd...])
                    index += 2
                    continue
                default:
                    break
                }
            }
            result.append(unit)
            index += 1
        }
        return result
    }

    /// localeCompare's order, close to the root collation: letters first compared without accents
    /// and case, then accents, then lower case before upper case.
    static func localeOrder(_ left: String, _ right: String) -> Int {
        let options: String.CompareOptions = [.diacriticInsensitive, .caseInsensitive]
        let primary = Value.compareCodeUnits(
            left.folding(options: options, locale: nil), right.folding(options: options, locale: nil))
        if primary != 0 { return primary.signum() }
        let secondary = Value.compareCodeUnits(left.lowercased(), right.lowercased())
        if secondary != 0 { return secondary.signum() }
        return -Value.compareCodeUnits(left, right).signum()
    }
}
