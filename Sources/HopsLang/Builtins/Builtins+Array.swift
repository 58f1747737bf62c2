// Array.prototype methods. Arrays are values: methods that change an array in JavaScript
// (sort, reverse) return a changed copy here; push, pop and the like are refused.
extension Builtins {
    static func arrayMethod(
        _ elements: [Value], _ name: String, _ arguments: [Value], _ context: CallContext
    ) throws -> Value? {
        let method = "array." + name
        let receiver = Value.array(elements)
        func callback() throws -> FunctionValue { try ArgumentCheck.function(arguments, 0, method) }
        func call(_ function: FunctionValue, _ index: Int) throws -> Value {
            try context.call(function, [elements[index], .number(Double(index)), receiver])
        }

        switch name {
        case "map":
            let function = try callback()
            var result: [Value] = []
            result.reserveCapacity(elements.count)
            for index in elements.indices { result.append(try call(function, index)) }
            return .array(result)
        case "filter":
            let function = try callback()
            var result: [Value] = []
            for index in elements.indices where try call(function, index).isTruthy {
                result.append(elements[index])
            }
            return .array(result)
        case "forEach":
            let function = try callback()
            for index in elements.indices { _ = try call(function, index) }
            return .undefined
        case "find", "findIndex":
            let function = try callback()
            for index in elements.indices where try call(function, index).isTruthy {
                return name == "find" ? elements[index] : .number(Double(index))
            }
            return name == "find" ? .undefined : .number(-1)
        case "findLast", "findLastIndex":
            let function = try callback()
            for index in elements.indices.reversed() where try call(function, index).isTruthy {
                return name == "findLast" ? elements[index] : .number(Double(index))
            }
            return name == "findLast" ? .undefined : .number(-1)
        case "some":
            let function = try callback()
            for index in elements.indices where try call(function, index).isTruthy { return .bool(true) }
            return .bool(false)
        case "every":
            let function = try callback()
            for index in elements.indices where try !call(function, index).isTruthy { return .bool(false) }
            return .bool(true)
        case "reduce", "reduceRight":
            let function = try callback()
            let order = name == "reduce" ? Array(elements.indices) : elements.indices.reversed()
            var remaining = order[...]
            var accumulator: Value
            if arguments.count >= 2 {
                accumulator = arguments[1]
            } else {
                guard let first = remaining.popFirst() else {
                    throw LangError("\(method) of an empty array with no initial value")
                }
                accumulator = elements[first]
            }
            for index in remaining {
                accumulator = try context.call(
                    function, [accumulator, elements[index], .number(Double(index)), receiver])
            }
            return accumulator
        case "flatMap":
            let function = try callback()
            var result: [Value] = []
            for index in elements.indices {
                let mapped = try call(function, index)
                if case .array(let inner) = mapped { result.append(contentsOf: inner) } else { result.append(mapped) }
            }
            return .array(result)
        case "flat":
            var depth = 1.0
            if case .undefined = arguments[argument: 0] {} else {
                depth = JSNumberParsing.toIntegerOrInfinity(arguments[0].toNumber())
            }
            return .array(flatten(elements, depth: depth))
        case "includes":
            let target = arguments[argument: 0]
            let start = ArgumentCheck.relativeIndex(arguments[argument: 1], count: elements.count, default: 0)
            return .bool(elements[start...].contains { Value.sameValueZero($0, target) })
        case "indexOf":
            let target = arguments[argument: 0]
            let start = ArgumentCheck.relativeIndex(arguments[argument: 1], count: elements.count, default: 0)
            for index in start..<elements.count where Value.strictEquals(elements[index], target) {
                return .number(Double(index))
            }
            return .number(-1)
        case "lastIndexOf":
            let target = arguments[argument: 0]
            var end = elements.count - 1
            if arguments.count >= 2 {
                let number = JSNumberParsing.toIntegerOrInfinity(arguments[1].toNumber())
                end = number < 0 ? elements.count + Int(max(number, -1e15)) : Int(min(number, Double(elements.count - 1)))
            }
            if end >= 0 {
                for index in stride(from: end, through: 0, by: -1) where Value.strictEquals(elements[index], target) {
                    return .number(Double(index))
                }
            }
            return .number(-1)
        case "join":
            var separator = ","
            if case .undefined = arguments[argument: 0] {} else { separator = arguments[0].toJSString() }
            return .string(Value.join(elements, separator: separator))
        case "toString":
            return .string(Value.join(elements, separator: ","))
        case "at":
            let number = JSNumberParsing.toIntegerOrInfinity(arguments[argument: 0].toNumber())
            let index = number < 0 ? Double(elements.count) + number : number
            guard index >= 0, index < Double(elements.count) else { return .undefined }
            return elements[Int(index)]
        case "slice":
            let start = ArgumentCheck.relativeIndex(arguments[argument: 0], count: elements.count, default: 0)
            let end = ArgumentCheck.relativeIndex(
                arguments[argument: 1], count: elements.count, default: elements.count)
            return .array(start < end ? Array(elements[start..<end]) : [])
        case "concat":
            let total = arguments.reduce(elements.count) { count, argument in
                if case .array(let more) = argument { return count + more.count }
                return count + 1
            }
            try context.allocate("an array", Double(total))
            var result = elements
            for argument in arguments {
                if case .array(let more) = argument { result.append(contentsOf: more) } else { result.append(argument) }
            }
            return .array(result)
        case "reverse", "toReversed":
            return .array(elements.reversed())
        case "sort", "toSorted":
            return .array(try sorted(elements, arguments[argument: 0], method, context))
        case "with":
            let number = JSNumberParsing.toIntegerOrInfinity(arguments[argument: 0].toNumber())
            let index = number < 0 ? Double(elements.count) + number : number
            guard index >= 0, index < Double(elements.count) else { throw LangError("\(method): invalid index") }
            var result = elements
            result[Int(index)] = arguments[argument: 1]
            return .array(result)
        case "keys":
            return .array(elements.indices.map { .number(Double($0)) })
        case "values":
            return .array(elements)
        case "entries":
            return .array(elements.enumerated().map { .array([.number(Double($0.offset)), $0.element]) })
        case "push", "pop", "shift", "unshift", "splice", "fill", "copyWithin":
            throw LangError(
                "\(method): arrays are values in hops and cannot be changed in place; "
                    + "build a new one instead, e.g. [...xs, x] or xs.slice(...)")
        default:
            return nil
        }
    }

    static func flatten(_ elements: [Value], depth: Double) -> [Value] {
        var result: [Value] = []
        for element in elements {
            if depth >= 1, case .array(let inner) = element {
                result.append(contentsOf: flatten(inner, depth: depth - 1))
            } else {
                result.append(element)
            }
        }
        return result
    }

    /// A stable sort: by the comparator's sign, or by ToString in UTF-16 order; undefined goes last.
    static func sorted(
        _ elements: [Value], _ comparator: Value, _ method: String, _ context: CallContext
    ) throws -> [Value] {
        let defined = elements.filter { if case .undefined = $0 { false } else { true } }
        let undefinedCount = elements.count - defined.count
        var result: [Value]
        switch comparator {
        case .undefined:
            var keyed = defined.enumerated().map { (key: $0.element.toJSString(), index: $0.offset) }
            keyed.sort { left, right in
                let order = Value.compareCodeUnits(left.key, right.key)
                return order != 0 ? order < 0 : left.index < right.index
            }
            result = keyed.map { defined[$0.index] }
        case .function(let function):
            var indices = Array(defined.indices)
            try indices.sort { left, right in
                let order = try context.call(function, [defined[left], defined[right]]).toNumber()
                if order < 0 { return true }
                if order > 0 { return false }
                return left < right
            }
            result = indices.map { defined[$0] }
        default:
            throw LangError("\(method): the comparison function must be either a function or undefined")
        }
        result.append(contentsOf: repeatElement(.undefined, count: undefinedCount))
        return result
    }
}
