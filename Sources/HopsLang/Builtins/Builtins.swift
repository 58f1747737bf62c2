/// The builtin methods of values and the global objects (Math, JSON, Object, ...).
enum Builtins {
    /// A property of a value other than an object's own key: `[1].length`, `"ab".length`, `[5][0]`,
    /// `Number.MAX_SAFE_INTEGER`. Returns nil when there is none (the evaluator then gives undefined).
    static func property(of receiver: Value, _ name: String) -> Value? {
        switch receiver {
        case .array(let elements):
            if name == "length" { return .number(Double(elements.count)) }
            if let property = elements.properties?[name] { return property }
            if let index = ObjectValue.arrayIndex(name) {
                return Int(index) < elements.count ? elements[Int(index)] : nil
            }
            return nil
        case .string(let text):
            if name == "length" { return .number(Double(text.utf16.count)) }
            if let index = ObjectValue.arrayIndex(name) {
                let units = text.utf16
                guard Int(index) < units.count else { return nil }
                return .string(String(decoding: [units[units.index(units.startIndex, offsetBy: Int(index))]], as: UTF16.self))
            }
            return nil
        case .function(let function):
            return staticProperty(of: function, name)
        case .object(let object):
            if case .regExp(let regExp) = object.kind { return regExpProperty(regExp, name) }
            return nil
        default:
            return nil
        }
    }

    /// The hidden static member that `new F(...)` calls: `new Date(0)` is `Date[[Construct]](0)`.
    static let constructKey = "[[Construct]]"

    /// An element of an array or string by number, what `xs[i]` gives; nil when out of range
    /// or not an integer. A fast path for the evaluator that avoids turning the index into a string.
    static func element(of receiver: Value, at position: Double) -> Value? {
        guard position >= 0, position == position.rounded(.towardZero), position < 4_294_967_295 else {
            return nil
        }
        let index = Int(position)
        switch receiver {
        case .array(let elements):
            return index < elements.count ? elements[index] : nil
        case .string(let text):
            let units = text.utf16
            guard index < units.count else { return nil }
            return .string(String(decoding: [units[units.index(units.startIndex, offsetBy: index)]], as: UTF16.self))
        default:
            return nil
        }
    }

    /// Calls the builtin method `name` on `receiver`: `xs.map(f)`, `s.split(",")`.
    /// Throws "array.name is not a function" when there is no such method.
    static func callMethod(
        _ receiver: Value, _ name: String, _ arguments: [Value], _ context: CallContext
    ) throws -> Value {
        var result: Value?
        switch receiver {
        case .array(let elements):
            result = try arrayMethod(elements, name, arguments, context)
        case .string(let text):
            if let regExp = regExpArgument(arguments[argument: 0]),
                let value = try stringRegExpMethod(text, name, regExp, arguments, context)
            {
                return value
            }
            result = try stringMethod(text, name, arguments, context)
        case .number(let number):
            result = try numberMethod(number, name, arguments)
        case .bool(let flag):
            result =
                switch name {
                case "toString": .string(flag ? "true" : "false")
                case "valueOf": receiver
                default: nil
                }
        case .object(let object):
            switch object.kind {
            case .date(let time): result = try dateMethod(time, name, arguments)
            case .regExp(let regExp): result = regExpMethod(regExp, name, arguments)
            case nil: result = nil
            }
            if result == nil { result = try objectMethod(object, name, arguments) }
        case .function(let function):
            result = try functionMethod(function, name, arguments, context)
        case .undefined, .null:
            throw LangError("cannot read properties of \(receiver.kindName) (reading '\(name)')")
        }
        guard let result else {
            if name == constructKey { throw LangError("\(receiver.kindName) is not a constructor") }
            throw LangError("\(receiver.kindName).\(name) is not a function")
        }
        return result
    }

    /// Methods every object has: hasOwnProperty, toString, valueOf.
    static func objectMethod(_ object: ObjectValue, _ name: String, _ arguments: [Value]) throws -> Value? {
        switch name {
        case "hasOwnProperty": .bool(object[arguments[argument: 0].propertyKey] != nil)
        case "toString": .string(Value.object(object).toJSString())
        case "valueOf": .object(object)
        default: nil
        }
    }

    /// Methods of functions: call and apply (with `this` ignored; the language has none).
    static func functionMethod(
        _ function: FunctionValue, _ name: String, _ arguments: [Value], _ context: CallContext
    ) throws -> Value? {
        if case .function(let member)? = staticProperty(of: function, name) {
            return try context.call(member, arguments)
        }
        if name == constructKey { throw LangError("\(function.name) is not a constructor") }
        switch name {
        case "call":
            return try context.call(function, Array(arguments.dropFirst()))
        case "apply":
            if case .array(let list) = arguments[argument: 1] { return try context.call(function, list.elements) }
            return try context.call(function, [])
        case "toString":
            return .string(Value.function(function).toJSString())
        default:
            return nil
        }
    }
}

extension Array where Element == Value {
    /// The argument at `index`, undefined when it was not passed.
    subscript(argument index: Int) -> Value {
        index < count ? self[index] : .undefined
    }
}

extension Value {
    /// The property key a value denotes: `obj[1]` reads key "1".
    var propertyKey: String {
        if case .string(let key) = self { return key }
        return toJSString()
    }
}

/// Argument checks shared by the builtins; errors name the method and the argument.
enum ArgumentCheck {
    static func function(
        _ arguments: [Value], _ index: Int, _ method: String
    ) throws -> FunctionValue {
        let value = arguments[argument: index]
        guard case .function(let function) = value else {
            throw LangError("\(method): argument \(index + 1) must be a function, got \(value.kindName)")
        }
        return function
    }

    /// A relative index as slice, at and friends take it: negative counts from the end, clamped.
    static func relativeIndex(_ value: Value, count: Int, default defaultValue: Int) -> Int {
        if case .undefined = value { return defaultValue }
        let number = JSNumberParsing.toIntegerOrInfinity(value.toNumber())
        if number < 0 { return Swift.max(count + Int(Swift.max(number, -Double(count) - 1)), 0) }
        return Int(Swift.min(number, Double(count)))
    }

    /// An integer argument in a range; out of range is the RangeError JavaScript throws.
    static func integer(
        _ value: Value, in range: ClosedRange<Int>, default defaultValue: Int, _ message: String
    ) throws -> Int {
        if case .undefined = value { return defaultValue }
        let number = JSNumberParsing.toIntegerOrInfinity(value.toNumber())
        guard number >= Double(range.lowerBound), number <= Double(range.upperBound) else {
            throw LangError(message)
        }
        return Int(number)
    }
}
