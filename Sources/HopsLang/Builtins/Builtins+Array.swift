// Array.prototype methods. Arrays are shared by reference, as in JavaScript: push, sort and the
// other methods that change an array change it in place (unless it is frozen, see ArrayValue).
extension Builtins {
    static func arrayMethod(
        _ array: ArrayValue, _ name: String, _ arguments: [Value], _ context: CallContext
    ) throws -> Value? {
        let method = "array." + name
        let elements = array.elements
        let receiver = Value.array(array)
        if let changed = try changingMethod(array, name, arguments, context) { return changed }
        func callback() throws -> FunctionValue { try ArgumentCheck.function(arguments, 0, method) }
        // One argument array for all the calls: once a call is over it is unique again and is
        // refilled in place, so a callback costs no allocation (a closure that kept it gets a copy).
        var callArguments: [Value] = []
        func call(_ function: FunctionValue, _ index: Int) throws -> Value {
            if callArguments.isEmpty {
                callArguments = [elements[index], .number(Double(index)), receiver]
            } else {
                callArguments[0] = elements[index]
                callArguments[1] = .number(Double(index))
            }
            return try context.call(function, callArguments)
        }

        switch name {
        case "map":
            let function = try callback()
            var result: [Value] = []
            result.reserveCapacity(elements.count)
            for index in elements.indices { result.append(try call(function, index)) }
            return .list(result)
        case "filter":
            let function = try callback()
            var result: [Value] = []
            for index in elements.indices where try call(function, index).isTruthy {
                result.append(elements[index])
            }
            return .list(result)
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
            var remaining =
                (name == "reduce"
                ? stride(from: 0, to: elements.count, by: 1) : stride(from: elements.count - 1, to: -1, by: -1))
                .makeIterator()
            var accumulator: Value
            if arguments.count >= 2 {
                accumulator = arguments[1]
            } else {
                guard let first = remaining.next() else {
                    throw LangError("\(method) of an empty array with no initial value")
                }
                accumulator = elements[first]
            }
            // One argument array for all the calls, as for `call` above.
            var reduceArguments: [Value] = []
            while let index = remaining.next() {
                if reduceArguments.isEmpty {
                    reduceArguments = [accumulator, elements[index], .number(Double(index)), receiver]
                } else {
                    reduceArguments[0] = accumulator
                    reduceArguments[1] = elements[index]
                    reduceArguments[2] = .number(Double(index))
                }
                accumulator = try context.call(function, reduceArguments)
            }
            return accumulator
        case "flatMap":
            let function = try callback()
            var result: [Value] = []
            for index in elements.indices {
                let mapped = try call(function, index)
                if case .array(let inner) = mapped { result.append(contentsOf: inner) } else { result.append(mapped) }
            }
            return .list(result)
        case "flat":
            var depth = 1.0
            if case .undefined = arguments[argument: 0] {} else {
                depth = JSNumberParsing.toIntegerOrInfinity(arguments[0].toNumber())
            }
            return .list(flatten(elements, depth: depth))
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
            return .list(start < end ? Array(elements[start..<end]) : [])
        case "concat":
            let total = arguments.reduce(elements.count) { count, argument in
                if case .array(let more) = argument { return count + more.count }
                return count + 1
            }
            try context.allocate(.array, Double(total))
            var result = elements
            for argument in arguments {
                if case .array(let more) = argument { result.append(contentsOf: more) } else { result.append(argument) }
            }
            return .list(result)
        case "toReversed":
            return .list(elements.reversed())
        case "toSorted":
            return .list(try sorted(elements, arguments[argument: 0], method, context))
        case "with":
            let number = JSNumberParsing.toIntegerOrInfinity(arguments[argument: 0].toNumber())
            let index = number < 0 ? Double(elements.count) + number : number
            guard index >= 0, index < Double(elements.count) else { throw LangError("\(method): invalid index") }
            var result = elements
            result[Int(index)] = arguments[argument: 1]
            return .list(result)
        case "keys":
            return .list(elements.indices.map { .number(Double($0)) })
        case "values":
            return .list(elements)
        case "entries":
            return .list(elements.enumerated().map { .list([.number(Double($0.offset)), $0.element]) })
        case "toSpliced":
            var copy = elements
            let removed = spliceArguments(arguments, count: copy.count)
            copy.replaceSubrange(removed.range, with: removed.items)
            return .list(copy)
        default:
            return nil
        }
    }

    /// The methods that change the array in place: push, pop, shift, unshift, splice, sort, reverse,
    /// fill, copyWithin. Nil for any other name.
    private static func changingMethod(
        _ array: ArrayValue, _ name: String, _ arguments: [Value], _ context: CallContext
    ) throws -> Value? {
        let method = "array." + name
        let count = array.count
        switch name {
        case "push":
            try context.allocate(.array, Double(count + arguments.count))
            return try array.modify(method) { elements in
                elements.append(contentsOf: arguments)
                return .number(Double(elements.count))
            }
        case "unshift":
            try context.allocate(.array, Double(count + arguments.count))
            return try array.modify(method) { elements in
                elements.insert(contentsOf: arguments, at: 0)
                return .number(Double(elements.count))
            }
        case "pop":
            return try array.modify(method) { $0.popLast() ?? .undefined }
        case "shift":
            return try array.modify(method) { $0.isEmpty ? .undefined : $0.removeFirst() }
        case "splice":
            let change = spliceArguments(arguments, count: count)
            try context.allocate(.array, Double(count + change.items.count))
            return try array.modify(method) { elements in
                let removed = Array(elements[change.range])
                elements.replaceSubrange(change.range, with: change.items)
                return .list(removed)
            }
        case "sort":
            let sorted = try sorted(array.elements, arguments[argument: 0], method, context)
            try array.modify(method) { $0 = sorted }
            return .array(array)
        case "reverse":
            try array.modify(method) { $0.reverse() }
            return .array(array)
        case "fill":
            let start = ArgumentCheck.relativeIndex(arguments[argument: 1], count: count, default: 0)
            let end = ArgumentCheck.relativeIndex(arguments[argument: 2], count: count, default: count)
            try array.modify(method) { elements in
                for index in start..<max(start, end) { elements[index] = arguments[argument: 0] }
            }
            return .array(array)
        case "copyWithin":
            let target = ArgumentCheck.relativeIndex(arguments[argument: 0], count: count, default: 0)
            let start = ArgumentCheck.relativeIndex(arguments[argument: 1], count: count, default: 0)
            let end = ArgumentCheck.relativeIndex(arguments[argument: 2], count: count, default: count)
            let length = min(end - start, count - target)
            try array.modify(method) { elements in
                if length > 0 { elements.replaceSubrange(target..<target + length, with: elements[start..<start + length]) }
            }
            return .array(array)
        default:
            return nil
        }
    }

    /// What `splice(start, deleteCount, ...items)` removes and inserts.
    private static func spliceArguments(_ arguments: [Value], count: Int) -> (range: Range<Int>, items: [Value]) {
        let start = ArgumentCheck.relativeIndex(arguments[argument: 0], count: count, default: 0)
        var deleted = 0
        switch arguments.count {
        case 0: deleted = 0
        case 1: deleted = count - start
        default:
            let number = JSNumberParsing.toIntegerOrInfinity(arguments[1].toNumber())
            deleted = Int(max(0, min(number, Double(count - start))))
        }
        return (start..<start + deleted, Array(arguments.dropFirst(2)))
    }

    static func flatten(_ elements: [Value], depth: Double) -> [Value] {
        var result: [Value] = []
        for element in elements {
            if depth >= 1, case .array(let inner) = element {
                result.append(contentsOf: flatten(inner.elements, depth: depth - 1))
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
