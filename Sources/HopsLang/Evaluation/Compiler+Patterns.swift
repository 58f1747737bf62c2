/// Turns an arrow function's arguments into the slots of its frame, taking patterns apart.
typealias Binder = ([Value], Environment, inout Runtime) throws(LangError) -> [Value]

/// Binds one value to a pattern by writing the slots of the names the pattern binds.
typealias PatternCode = (Value, inout [Value], Environment, inout Runtime) throws(LangError) -> Void

extension Compiler {
    /// Compiles parameters with patterns, defaults or a rest; `names` are the slots of the arrow's frame.
    mutating func compileParameters(_ parameters: Parameters, names: [String]) -> Binder {
        var bound: [String] = []
        var codes: [PatternCode] = []
        for pattern in parameters.patterns {
            codes.append(compilePattern(pattern, names: names, bound: &bound))
        }
        let rest = parameters.rest.map { compilePattern($0, names: names, bound: &bound) }
        let count = names.count
        return { arguments, environment, runtime throws(LangError) in
            var slots = [Value](repeating: .undefined, count: count)
            for index in codes.indices {
                let argument = index < arguments.count ? arguments[index] : .undefined
                try codes[index](argument, &slots, environment, &runtime)
            }
            if let rest {
                let remaining = arguments.count > codes.count ? Array(arguments[codes.count...]) : []
                try rest(.list(remaining), &slots, environment, &runtime)
            }
            return slots
        }
    }

    /// `bound` collects the names bound so far: a fallback or computed key sees those and no later ones,
    /// as JavaScript evaluates parameters left to right.
    private mutating func compilePattern(_ pattern: Pattern, names: [String], bound: inout [String]) -> PatternCode {
        switch pattern {
        case .name(let name, _):
            let index = names.firstIndex(of: name) ?? 0
            bound.append(name)
            return { value, slots, _, _ in slots[index] = value }
        case .defaulted(let target, let fallback, _):
            let fallbackCode = compileInParameterScope(fallback, bound: bound)
            let targetCode = compilePattern(target, names: names, bound: &bound)
            return { value, slots, environment, runtime throws(LangError) in
                var value = value
                if case .undefined = value {
                    value = try fallbackCode(Frame(slots: slots, parent: environment), &runtime)
                }
                try targetCode(value, &slots, environment, &runtime)
            }
        case .array(let elements, let rest, let span):
            var codes: [PatternCode?] = []
            for element in elements {
                codes.append(element.map { compilePattern($0, names: names, bound: &bound) })
            }
            let restCode = rest.map { compilePattern($0, names: names, bound: &bound) }
            return { value, slots, environment, runtime throws(LangError) in
                let items: [Value]
                switch value {
                case .array(let array):
                    items = array.elements
                case .string(let string):
                    try runtime.step(string.count, span)
                    items = string.map { .string(String($0)) }
                default:
                    throw .notIterable(value, span)
                }
                for index in codes.indices {
                    guard let code = codes[index] else { continue }
                    try code(index < items.count ? items[index] : .undefined, &slots, environment, &runtime)
                }
                if let restCode {
                    let remaining = items.count > codes.count ? Array(items[codes.count...]) : []
                    try restCode(.list(remaining), &slots, environment, &runtime)
                }
            }
        case .object(let properties, let rest, let span):
            return compileObjectPattern(properties, rest: rest, span, names: names, bound: &bound)
        }
    }

    private mutating func compileObjectPattern(
        _ properties: [PatternProperty], rest: Pattern?, _ span: Span, names: [String], bound: inout [String]
    ) -> PatternCode {
        enum Key {
            case named(String)
            case computed(Code)
        }
        var entries: [(key: Key, code: PatternCode)] = []
        for property in properties {
            let key: Key
            switch property.key {
            case .named(let name): key = .named(name)
            case .computed(let node): key = .computed(compileInParameterScope(node, bound: bound))
            }
            entries.append((key, compilePattern(property.value, names: names, bound: &bound)))
        }
        let restCode = rest.map { compilePattern($0, names: names, bound: &bound) }
        var firstName: String?
        if case .named(let name)? = entries.first?.key { firstName = name }
        return { [firstName] value, slots, environment, runtime throws(LangError) in
            if value.isNullish { throw .cannotDestructure(firstName, of: value, span) }
            var used: [String] = []
            for entry in entries {
                let key: String
                switch entry.key {
                case .named(let name): key = name
                case .computed(let code): key = try code(Frame(slots: slots, parent: environment), &runtime).toJSString()
                }
                if restCode != nil { used.append(key) }
                try entry.code(try Compiler.member(value, key, span), &slots, environment, &runtime)
            }
            if let restCode {
                try restCode(.object(Compiler.ownProperties(of: value, excluding: used)), &slots, environment, &runtime)
            }
        }
    }

    /// Compiles a fallback or computed key with only the parameters bound before it in scope.
    private mutating func compileInParameterScope(_ node: Node, bound: [String]) -> Code {
        let last = frames.count - 1
        let all = frames[last]
        frames[last] = bound
        defer { frames[last] = all }
        return compile(node)
    }

    /// What `{...rest}` collects: the own enumerable properties not taken by name.
    static func ownProperties(of value: Value, excluding used: [String]) -> ObjectValue {
        var object = ObjectValue()
        switch value {
        case .object(let source):
            for (key, item) in source.entries where !used.contains(key) { object[key] = item }
        case .array(let items):
            for (index, item) in items.enumerated() where !used.contains(String(index)) { object[String(index)] = item }
        case .string(let string):
            for (index, character) in string.enumerated() where !used.contains(String(index)) {
                object[String(index)] = .string(String(character))
            }
        default:
            break
        }
        return object
    }
}
