#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// The global names: Math, JSON, Object, Array, Number, String, Boolean, Date and the global functions.
extension Builtins {
    /// The global names every program sees: Math, JSON, Object, Array, Number, String, ...
    static let globals: [String: Value] = [
        "Math": .object(math),
        "JSON": .object(json),
        "Object": .function(objectConstructor),
        "Array": .function(arrayConstructor),
        "Number": .function(numberConstructor),
        "String": .function(stringConstructor),
        "Boolean": .function(booleanConstructor),
        "Date": .function(dateConstructor),
        "RegExp": .function(regExpConstructor),
        "parseInt": native("parseInt") { arguments in
            .number(JSNumberParsing.parseInt(arguments[argument: 0].toJSString(), radix: arguments[argument: 1]))
        },
        "parseFloat": native("parseFloat") { .number(JSNumberParsing.parseFloat($0[argument: 0].toJSString())) },
        "isNaN": native("isNaN") { .bool($0[argument: 0].toNumber().isNaN) },
        "isFinite": native("isFinite") { .bool($0[argument: 0].toNumber().isFinite) },
        "NaN": .number(.nan),
        "Infinity": .number(.infinity),
        "undefined": .undefined,
    ]

    /// A global's own properties when it is a function: `Number.isInteger`, `Object.keys`.
    static func staticProperty(of function: FunctionValue, _ name: String) -> Value? {
        if function === numberConstructor { return numberStatics[name] }
        if function === objectConstructor { return name == constructKey ? .function(objectConstructor) : objectStatics[name] }
        if function === arrayConstructor { return arrayStatics[name] }
        if function === stringConstructor { return stringStatics[name] }
        if function === dateConstructor { return dateStatics[name] }
        if function === regExpConstructor { return regExpStatics[name] }
        if name == "name" { return .string(function.name) }
        return nil
    }

    static func native(_ name: String, _ body: @escaping @Sendable ([Value]) throws -> Value) -> Value {
        .function(FunctionValue(name: name) { arguments, _ in try body(arguments) })
    }

    static func native(
        _ name: String, _ body: @escaping @Sendable ([Value], CallContext) throws -> Value
    ) -> Value {
        .function(FunctionValue(name: name, native: body))
    }

    private static func mathFunction(_ name: String, _ body: @escaping @Sendable (Double) -> Double) -> (String, Value) {
        (name, native("Math." + name) { .number(body($0[argument: 0].toNumber())) })
    }

    // MARK: Math

    static let math = ObjectValue([
        ("PI", .number(Double.pi)), ("E", .number(2.718281828459045)), ("LN2", .number(0.6931471805599453)),
        ("LN10", .number(2.302585092994046)), ("LOG2E", .number(1.4426950408889634)),
        ("LOG10E", .number(0.4342944819032518)), ("SQRT2", .number(2.0.squareRoot())),
        ("SQRT1_2", .number(0.5.squareRoot())),
        mathFunction("abs") { abs($0) },
        mathFunction("ceil") { $0.rounded(.up) },
        mathFunction("floor") { $0.rounded(.down) },
        mathFunction("trunc") { $0.rounded(.towardZero) },
        mathFunction("round") { value in
            guard value.isFinite else { return value }
            let down = value.rounded(.down)
            let result = value - down >= 0.5 ? down + 1 : down
            return result == 0 && value.sign == .minus ? -0.0 : result
        },
        mathFunction("sign") { $0.isNaN || $0 == 0 ? $0 : ($0 > 0 ? 1 : -1) },
        mathFunction("sqrt") { $0.squareRoot() },
        mathFunction("cbrt") { value in
            // One Newton step on C's result gives exact cubes exactly, as JavaScript engines do.
            guard value.isFinite, value != 0 else { return value }
            let root = cbrt(value)
            return root - (root * root * root - value) / (3 * root * root)
        },
        mathFunction("exp") { exp($0) },
        mathFunction("expm1") { expm1($0) },
        mathFunction("log") { log($0) },
        mathFunction("log2") { log2($0) },
        mathFunction("log10") { log10($0) },
        mathFunction("log1p") { log1p($0) },
        mathFunction("sin") { sin($0) },
        mathFunction("cos") { cos($0) },
        mathFunction("tan") { tan($0) },
        mathFunction("asin") { asin($0) },
        mathFunction("acos") { acos($0) },
        mathFunction("atan") { atan($0) },
        mathFunction("sinh") { sinh($0) },
        mathFunction("cosh") { cosh($0) },
        mathFunction("tanh") { tanh($0) },
        mathFunction("fround") { Double(Float($0)) },
        ("atan2", native("Math.atan2") { .number(atan2($0[argument: 0].toNumber(), $0[argument: 1].toNumber())) }),
        ("pow", native("Math.pow") { .number(Value.power($0[argument: 0].toNumber(), $0[argument: 1].toNumber())) }),
        ("random", native("Math.random") { _ in .number(Double.random(in: 0..<1)) }),
        ("max", native("Math.max") { arguments in
            var result = -Double.infinity
            for argument in arguments {
                let number = argument.toNumber()
                if number.isNaN { result = .nan } else if !result.isNaN {
                    if number > result || (number == 0 && result == 0 && result.sign == .minus) { result = number }
                }
            }
            return .number(result)
        }),
        ("min", native("Math.min") { arguments in
            var result = Double.infinity
            for argument in arguments {
                let number = argument.toNumber()
                if number.isNaN { result = .nan } else if !result.isNaN {
                    if number < result || (number == 0 && result == 0 && number.sign == .minus) { result = number }
                }
            }
            return .number(result)
        }),
        ("hypot", native("Math.hypot") { arguments in
            let numbers = arguments.map { $0.toNumber() }
            if numbers.contains(where: \.isInfinite) { return .number(.infinity) }
            if numbers.contains(where: \.isNaN) { return .number(.nan) }
            let largest = numbers.map(abs).max() ?? 0
            if largest == 0 { return .number(0) }
            let sum = numbers.reduce(0.0) { $0 + ($1 / largest) * ($1 / largest) }
            return .number(largest * sum.squareRoot())
        }),
    ])

    // MARK: JSON

    static let json = ObjectValue([
        ("parse", native("JSON.parse") { arguments in
            do {
                var text = arguments[argument: 0].toJSString()
                return try text.withUTF8 { try JSONParser.parse($0, frozen: false) }
            } catch var error as LangError {
                // The position is in the JSON text, not in the expression; the caller's span applies.
                error.span = nil
                throw error
            }
        }),
        ("stringify", native("JSON.stringify") { arguments, context in
            let gap: String
            switch arguments[argument: 2] {
            case .number(let count): gap = String(repeating: " ", count: Int(max(0, min(10, count.rounded(.towardZero)))))
            case .string(let text): gap = text
            default: gap = ""
            }
            var replacer: ((String, Value) throws -> Value)?
            var allowList: [String]?
            switch arguments[argument: 1] {
            case .function(let function):
                replacer = { key, value in try context.call(function, [.string(key), value]) }
            case .array(let names):
                var seen: Set<String> = []
                allowList = names.compactMap { name in
                    switch name {
                    case .string, .number: seen.insert(name.toJSString()).inserted ? name.toJSString() : nil
                    default: nil
                    }
                }
            default:
                break
            }
            let text = try arguments[argument: 0].jsonString(gap: gap, replacer: replacer, allowList: allowList)
            return text.map(Value.string) ?? .undefined
        }),
    ])

    // MARK: Object

    static let objectConstructor = FunctionValue(name: "Object") { arguments, _ in
        switch arguments[argument: 0] {
        case .undefined, .null: .object(ObjectValue())
        case let value: value
        }
    }

    static let objectStatics: [String: Value] = [
        "keys": native("Object.keys") { arguments in
            .list(try ownEntries(arguments[argument: 0], "Object.keys").map { .string($0.key) })
        },
        "values": native("Object.values") { arguments in
            .list(try ownEntries(arguments[argument: 0], "Object.values").map(\.value))
        },
        "entries": native("Object.entries") { arguments in
            .list(try ownEntries(arguments[argument: 0], "Object.entries").map { .list([.string($0.key), $0.value]) })
        },
        "fromEntries": native("Object.fromEntries") { arguments in
            guard case .array(let entries) = arguments[argument: 0] else {
                throw LangError("Object.fromEntries: argument 1 must be an array of [key, value] pairs, got \(arguments[argument: 0].kindName)")
            }
            var object = ObjectValue()
            for entry in entries {
                guard case .array(let pair) = entry else {
                    throw LangError("Object.fromEntries: each entry must be a [key, value] array, got \(entry.kindName)")
                }
                object[pair.elements[argument: 0].propertyKey] = pair.elements[argument: 1]
            }
            return .object(object)
        },
        "assign": native("Object.assign") { arguments in
            guard case .object(var target) = arguments[argument: 0] else {
                throw LangError("Object.assign: argument 1 must be an object, got \(arguments[argument: 0].kindName)")
            }
            for source in arguments.dropFirst() {
                for (key, value) in try ownEntries(source, "Object.assign", nullIsEmpty: true) { target[key] = value }
            }
            return .object(target)
        },
        "hasOwn": native("Object.hasOwn") { arguments in
            let key = arguments[argument: 1].propertyKey
            return .bool(try ownEntries(arguments[argument: 0], "Object.hasOwn").contains { $0.key == key })
        },
        "freeze": native("Object.freeze") { $0[argument: 0] },
    ]

    /// The own enumerable properties as Object.keys sees them, in JavaScript's order.
    static func ownEntries(
        _ value: Value, _ method: String, nullIsEmpty: Bool = false
    ) throws -> [(key: String, value: Value)] {
        switch value {
        case .object(let object):
            return object.orderedEntries
        case .array(let elements):
            return elements.enumerated().map { (String($0.offset), $0.element) }
        case .string(let text):
            return text.utf16.enumerated().map { (String($0.offset), .string(String(decoding: [$0.element], as: UTF16.self))) }
        case .undefined, .null:
            if nullIsEmpty { return [] }
            throw LangError("\(method): cannot convert \(value.kindName) to object")
        default:
            return []
        }
    }

    // MARK: Array

    static let arrayConstructor = FunctionValue(name: "Array") { arguments, context in
        if arguments.count == 1, case .number(let length) = arguments[0] {
            guard length >= 0, length == length.rounded(.towardZero), length <= 4_294_967_295 else {
                throw LangError("Array: invalid array length")
            }
            try context.allocate(.array, length)
            return .list(Array(repeating: .undefined, count: Int(length)))
        }
        return .list(arguments)
    }

    static let arrayStatics: [String: Value] = [
        constructKey: .function(arrayConstructor),
        "isArray": native("Array.isArray") { arguments in
            if case .array = arguments[argument: 0] { return .bool(true) }
            return .bool(false)
        },
        "of": native("Array.of") { .list($0) },
        "from": native("Array.from") { arguments, context in
            var elements: [Value]
            switch arguments[argument: 0] {
            case .array(let items): elements = items.elements
            case .string(let text): elements = text.unicodeScalars.map { .string(String($0)) }
            case .object(let object):
                let length = object["length"].map { JSNumberParsing.toIntegerOrInfinity($0.toNumber()) } ?? 0
                try context.allocate(.array, max(0, length))
                let count = Int(max(0, length))
                elements = (0..<count).map { object[String($0)] ?? .undefined }
            case .undefined, .null:
                throw LangError("Array.from: argument 1 must be iterable, got \(arguments[argument: 0].kindName)")
            default: elements = []
            }
            switch arguments[argument: 1] {
            case .undefined: return .list(elements)
            case .function(let function):
                var result: [Value] = []
                result.reserveCapacity(elements.count)
                for (index, element) in elements.enumerated() {
                    result.append(try context.call(function, [element, .number(Double(index))]))
                }
                return .list(result)
            case let other:
                throw LangError("Array.from: argument 2 must be a function, got \(other.kindName)")
            }
        },
    ]

    // MARK: Number, String, Boolean

    static let numberConstructor = FunctionValue(name: "Number") { arguments, _ in
        .number(arguments.isEmpty ? 0 : arguments[0].toNumber())
    }

    static let numberStatics: [String: Value] = [
        "isInteger": native("Number.isInteger") { arguments in
            guard case .number(let number) = arguments[argument: 0] else { return .bool(false) }
            return .bool(number.isFinite && number == number.rounded(.towardZero))
        },
        "isSafeInteger": native("Number.isSafeInteger") { arguments in
            guard case .number(let number) = arguments[argument: 0] else { return .bool(false) }
            return .bool(number.isFinite && number == number.rounded(.towardZero) && abs(number) <= 9_007_199_254_740_991)
        },
        "isFinite": native("Number.isFinite") { arguments in
            guard case .number(let number) = arguments[argument: 0] else { return .bool(false) }
            return .bool(number.isFinite)
        },
        "isNaN": native("Number.isNaN") { arguments in
            guard case .number(let number) = arguments[argument: 0] else { return .bool(false) }
            return .bool(number.isNaN)
        },
        "parseFloat": native("Number.parseFloat") { .number(JSNumberParsing.parseFloat($0[argument: 0].toJSString())) },
        "parseInt": native("Number.parseInt") { arguments in
            .number(JSNumberParsing.parseInt(arguments[argument: 0].toJSString(), radix: arguments[argument: 1]))
        },
        "MAX_SAFE_INTEGER": .number(9_007_199_254_740_991),
        "MIN_SAFE_INTEGER": .number(-9_007_199_254_740_991),
        "EPSILON": .number(Double.ulpOfOne),
        "MAX_VALUE": .number(Double.greatestFiniteMagnitude),
        "MIN_VALUE": .number(Double.leastNonzeroMagnitude),
        "POSITIVE_INFINITY": .number(.infinity),
        "NEGATIVE_INFINITY": .number(-.infinity),
        "NaN": .number(.nan),
    ]

    static let stringConstructor = FunctionValue(name: "String") { arguments, _ in
        .string(arguments.isEmpty ? "" : arguments[0].toJSString())
    }

    static let stringStatics: [String: Value] = [
        "fromCharCode": native("String.fromCharCode") { arguments in
            let units = arguments.map { UInt16(truncatingIfNeeded: Int64(JSNumberParsing.toInt32($0.toNumber()))) }
            return .string(String(decoding: units, as: UTF16.self))
        },
        "fromCodePoint": native("String.fromCodePoint") { arguments in
            var text = ""
            for argument in arguments {
                let number = argument.toNumber()
                guard number == number.rounded(.towardZero), number >= 0, number <= 0x10FFFF else {
                    throw LangError("String.fromCodePoint: invalid code point \(argument.toJSString())")
                }
                text.unicodeScalars.append(Unicode.Scalar(UInt32(number)) ?? "\u{FFFD}")
            }
            return .string(text)
        },
    ]

    static let booleanConstructor = FunctionValue(name: "Boolean") { arguments, _ in
        .bool(arguments[argument: 0].isTruthy)
    }

}
