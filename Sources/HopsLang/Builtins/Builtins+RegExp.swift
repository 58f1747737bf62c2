import Foundation

/// A compiled regular expression: the pattern as written, its flags and the ICU matcher.
/// Positions are UTF-16 offsets, as in JavaScript. Matching keeps no state between calls
/// (`lastIndex` stays 0), so the same literal gives the same answer every time.
// Unchecked: immutable after init; NSRegularExpression is safe to share between threads.
final class RegExpValue: @unchecked Sendable {
    let source: String
    let flags: String
    let expression: NSRegularExpression
    /// The names of the named groups, in order.
    let groupNames: [String]

    var isGlobal: Bool { flags.contains("g") }
    var description: String { "/\(source.isEmpty ? "(?:)" : source)/\(flags)" }

    init(source: String, flags: String) throws(LangError) {
        var options: NSRegularExpression.Options = []
        for flag in flags {
            switch flag {
            case "i": options.insert(.caseInsensitive)
            case "m": options.insert(.anchorsMatchLines)
            case "s": options.insert(.dotMatchesLineSeparators)
            case "g", "u", "d": break
            default: throw LangError("invalid regular expression flags '\(flags)'")
            }
        }
        guard Set(flags).count == flags.count else { throw LangError("invalid regular expression flags '\(flags)'") }
        do {
            expression = try NSRegularExpression(pattern: source, options: options)
        } catch {
            throw LangError("invalid regular expression: /\(source)/")
        }
        self.source = source
        self.flags = String(flags.sorted())
        groupNames = Self.groupNames(in: source)
    }

    /// `(?<name>` openings, skipping escapes and lookbehinds.
    private static func groupNames(in pattern: String) -> [String] {
        var names: [String] = []
        let scalars = Array(pattern.unicodeScalars)
        var index = 0
        while index < scalars.count {
            if scalars[index] == "\\" {
                index += 2
                continue
            }
            if scalars[index] == "(", index + 3 < scalars.count, scalars[index + 1] == "?", scalars[index + 2] == "<",
                scalars[index + 3] != "=", scalars[index + 3] != "!"
            {
                var name = String.UnicodeScalarView()
                var position = index + 3
                while position < scalars.count, scalars[position] != ">" {
                    name.append(scalars[position])
                    position += 1
                }
                names.append(String(name))
            }
            index += 1
        }
        return names
    }

    /// The first match starting at or after `position`, as UTF-16 offsets.
    func firstMatch(in text: NSString, from position: Int) -> NSTextCheckingResult? {
        guard position <= text.length else { return nil }
        // The text before `position` still counts for `^` and lookbehinds, as in JavaScript.
        return expression.firstMatch(
            in: text as String, options: [.withTransparentBounds, .withoutAnchoringBounds], range: NSRange(location: position, length: text.length - position))
    }

    func allMatches(in text: NSString) -> [NSTextCheckingResult] {
        expression.matches(in: text as String, options: [], range: NSRange(location: 0, length: text.length))
    }

    /// The substring of a group, undefined when it did not take part in the match.
    func group(_ match: NSTextCheckingResult, _ index: Int, in text: NSString) -> Value {
        let range = match.range(at: index)
        return range.location == NSNotFound ? .undefined : .string(text.substring(with: range))
    }

    /// The `groups` object of a match, undefined without named groups.
    func groups(_ match: NSTextCheckingResult, in text: NSString) -> Value {
        guard !groupNames.isEmpty else { return .undefined }
        var object = ObjectValue()
        for name in groupNames {
            let range = match.range(withName: name)
            object[name] = range.location == NSNotFound ? .undefined : .string(text.substring(with: range))
        }
        return .object(object)
    }

    /// What `exec` gives for a match: the matched text and the groups, with index, input and groups.
    func execResult(_ match: NSTextCheckingResult, in text: NSString) -> Value {
        let elements = (0..<match.numberOfRanges).map { group(match, $0, in: text) }
        let array = ArrayValue(elements, frozen: false)
        array.properties = ObjectValue([
            ("index", .number(Double(match.range.location))), ("input", .string(text as String)),
            ("groups", groups(match, in: text)),
        ])
        return .array(array)
    }
}

extension Builtins {
    static let regExpConstructor = FunctionValue(name: "RegExp") { arguments, _ in try makeRegExp(arguments) }

    static let regExpStatics: [String: Value] = [
        constructKey: .function(FunctionValue(name: "RegExp") { arguments, _ in try makeRegExp(arguments) })
    ]

    /// `new RegExp(pattern, flags)`; the pattern may itself be a RegExp.
    static func makeRegExp(_ arguments: [Value]) throws -> Value {
        var source: String
        var flags: String
        if case .object(let object) = arguments[argument: 0], case .regExp(let other) = object.kind {
            source = other.source
            flags = other.flags
        } else if case .undefined = arguments[argument: 0] {
            source = ""
            flags = ""
        } else {
            source = arguments[argument: 0].toJSString()
            flags = ""
        }
        if case .undefined = arguments[argument: 1] {} else { flags = arguments[argument: 1].toJSString() }
        if source.isEmpty { source = "(?:)" }
        return regExpObject(try RegExpValue(source: source, flags: flags))
    }

    static func regExpObject(_ regExp: RegExpValue) -> Value {
        var object = ObjectValue()
        object.kind = .regExp(regExp)
        return .object(object)
    }

    /// The properties of a RegExp object.
    static func regExpProperty(_ regExp: RegExpValue, _ name: String) -> Value? {
        switch name {
        case "source": .string(regExp.source)
        case "flags": .string(regExp.flags)
        case "global": .bool(regExp.flags.contains("g"))
        case "ignoreCase": .bool(regExp.flags.contains("i"))
        case "multiline": .bool(regExp.flags.contains("m"))
        case "dotAll": .bool(regExp.flags.contains("s"))
        case "unicode": .bool(regExp.flags.contains("u"))
        case "hasIndices": .bool(regExp.flags.contains("d"))
        case "sticky": .bool(false)
        case "lastIndex": .number(0)
        default: nil
        }
    }

    /// The methods of a RegExp object: test, exec, toString.
    static func regExpMethod(_ regExp: RegExpValue, _ name: String, _ arguments: [Value]) -> Value? {
        switch name {
        case "test":
            let text = NSString(string: arguments[argument: 0].toJSString())
            return .bool(regExp.firstMatch(in: text, from: 0) != nil)
        case "exec":
            let text = NSString(string: arguments[argument: 0].toJSString())
            return regExp.firstMatch(in: text, from: 0).map { regExp.execResult($0, in: text) } ?? .null
        case "toString":
            return .string(regExp.description)
        default:
            return nil
        }
    }

    /// The RegExp an argument is, if it is one.
    static func regExpArgument(_ value: Value) -> RegExpValue? {
        if case .object(let object) = value, case .regExp(let regExp) = object.kind { return regExp }
        return nil
    }

    /// String methods given a RegExp: match, matchAll, search, replace, replaceAll, split.
    static func stringRegExpMethod(
        _ string: String, _ name: String, _ regExp: RegExpValue, _ arguments: [Value], _ context: CallContext
    ) throws -> Value? {
        let method = "string." + name
        let text = NSString(string: string)
        switch name {
        case "match":
            guard regExp.isGlobal else {
                return regExp.firstMatch(in: text, from: 0).map { regExp.execResult($0, in: text) } ?? .null
            }
            let matches = regExp.allMatches(in: text)
            return matches.isEmpty ? .null : .list(matches.map { .string(text.substring(with: $0.range)) })
        case "matchAll":
            guard regExp.isGlobal else { throw LangError("\(method): the RegExp must have the g flag") }
            return .list(regExp.allMatches(in: text).map { regExp.execResult($0, in: text) })
        case "search":
            return .number(Double(regExp.firstMatch(in: text, from: 0)?.range.location ?? -1))
        case "replace", "replaceAll":
            if name == "replaceAll", !regExp.isGlobal {
                throw LangError("\(method): the RegExp must have the g flag")
            }
            let matches = regExp.isGlobal
                ? regExp.allMatches(in: text) : regExp.firstMatch(in: text, from: 0).map { [$0] } ?? []
            var result = ""
            var last = 0
            let replacement = arguments[argument: 1]
            for match in matches {
                result += text.substring(with: NSRange(location: last, length: match.range.location - last))
                if case .function(let function) = replacement {
                    var callArguments = (0..<match.numberOfRanges).map { regExp.group(match, $0, in: text) }
                    callArguments.append(.number(Double(match.range.location)))
                    callArguments.append(.string(string))
                    if !regExp.groupNames.isEmpty { callArguments.append(regExp.groups(match, in: text)) }
                    result += try context.call(function, callArguments).toJSString()
                } else {
                    result += substitution(replacement.toJSString(), match, regExp, in: text)
                }
                last = match.range.location + match.range.length
            }
            result += text.substring(from: last)
            return .string(result)
        case "split":
            return split(text, regExp, limit: arguments[argument: 1])
        default:
            return nil
        }
    }

    /// GetSubstitution: `$$`, `$&`, `` $` ``, `$'`, `$1`–`$99` and `$<name>`.
    private static func substitution(
        _ template: String, _ match: NSTextCheckingResult, _ regExp: RegExpValue, in text: NSString
    ) -> String {
        guard template.contains("$") else { return template }
        let units = Array(template.utf16)
        var result: [UInt16] = []
        var index = 0
        func digit(_ position: Int) -> Int? {
            guard position < units.count, units[position] >= 48, units[position] <= 57 else { return nil }
            return Int(units[position] - 48)
        }
        func append(_ value: Value) {
            if case .string(let part) = value { result += part.utf16 }
        }
        while index < units.count {
            guard units[index] == 36, index + 1 < units.count else {
                result.append(units[index])
                index += 1
                continue
            }
            let next = units[index + 1]
            let groups = match.numberOfRanges - 1
            if next == 36 {
                result.append(36)
                index += 2
            } else if next == 38 {
                result += text.substring(with: match.range).utf16
                index += 2
            } else if next == 96 {
                result += text.substring(to: match.range.location).utf16
                index += 2
            } else if next == 39 {
                result += text.substring(from: match.range.location + match.range.length).utf16
                index += 2
            } else if let first = digit(index + 1) {
                if let second = digit(index + 2), first * 10 + second >= 1, first * 10 + second <= groups {
                    append(regExp.group(match, first * 10 + second, in: text))
                    index += 3
                } else if first >= 1, first <= groups {
                    append(regExp.group(match, first, in: text))
                    index += 2
                } else {
                    result.append(36)
                    index += 1
                }
            } else if next == 60, !regExp.groupNames.isEmpty,
                let close = units[(index + 2)...].firstIndex(of: 62)
            {
                let name = String(decoding: units[(index + 2)..<close], as: UTF16.self)
                let range = match.range(withName: name)
                if regExp.groupNames.contains(name), range.location != NSNotFound {
                    result += text.substring(with: range).utf16
                }
                index = close + 1
            } else {
                result.append(36)
                index += 1
            }
        }
        return String(decoding: result, as: UTF16.self)
    }

    /// String.prototype.split with a RegExp separator: captured groups are spliced into the result.
    private static func split(_ text: NSString, _ regExp: RegExpValue, limit: Value) -> Value {
        var limitCount = Int(UInt32.max)
        if case .undefined = limit {} else { limitCount = Int(UInt32(bitPattern: JSNumberParsing.toInt32(limit.toNumber()))) }
        if limitCount == 0 { return .list([]) }
        let size = text.length
        if size == 0 {
            return regExp.firstMatch(in: text, from: 0).map { $0.range.location == 0 && $0.range.length == 0 } == true
                ? .list([]) : .list([.string("")])
        }
        var parts: [Value] = []
        var start = 0
        var position = 0
        while position < size, let match = regExp.firstMatch(in: text, from: position) {
            let matchStart = match.range.location
            let matchEnd = matchStart + match.range.length
            if matchStart >= size { break }
            if matchEnd == start || (match.range.length == 0 && matchStart == start) {
                position = matchStart + 1
                continue
            }
            parts.append(.string(text.substring(with: NSRange(location: start, length: matchStart - start))))
            if parts.count == limitCount { return .list(parts) }
            for group in 1..<max(1, match.numberOfRanges) {
                parts.append(regExp.group(match, group, in: text))
                if parts.count == limitCount { return .list(parts) }
            }
            start = matchEnd
            position = match.range.length == 0 ? matchEnd + 1 : matchEnd
        }
        parts.append(.string(text.substring(from: start)))
        return .list(parts)
    }
}
