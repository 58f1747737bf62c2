/// A compiled part of an optional chain: nil when a `?.` met null or undefined.
typealias ChainCode = (Frame, inout Runtime) throws(LangError) -> Value?

extension Compiler {
    /// Compiles member accesses, indexes and calls; `?.` ends the whole chain with nil.
    mutating func compileChain(_ node: Node, allowAction: Bool = false) -> ChainCode {
        switch node {
        case .member(let base, let name, let optional, let span):
            let object = compileChain(base)
            let access = Compiler.accessSpan(base, span)
            return { frame, runtime throws(LangError) in
                guard let value = try object(frame, &runtime) else { return nil }
                if optional, value.isNullish { return nil }
                return try Compiler.member(value, name, access)
            }
        case .index(let base, let key, let optional, let span):
            let object = compileChain(base)
            let keyCode = compile(key)
            let access = Compiler.accessSpan(base, span)
            return { frame, runtime throws(LangError) in
                guard let value = try object(frame, &runtime) else { return nil }
                if optional, value.isNullish { return nil }
                return try Compiler.index(value, try keyCode(frame, &runtime), access)
            }
        case .call(let callee, let arguments, let optional, let span):
            return compileCall(callee, arguments, optional: optional, span, allowAction: allowAction)
        default:
            let code = compile(node)
            return { frame, runtime throws(LangError) in try code(frame, &runtime) }
        }
    }

    private mutating func compileCall(
        _ callee: Node, _ arguments: [Element], optional: Bool, _ span: Span, allowAction: Bool
    ) -> ChainCode {
        let calleeText = text(of: callee.span)
        let methodKey: Code?
        let receiverCode: ChainCode
        var receiverOptional = false
        var access = span
        switch callee {
        case .member(let base, let name, let isOptional, let calleeSpan):
            access = Compiler.accessSpan(base, calleeSpan)
            receiverCode = compileChain(base)
            methodKey = { _, _ in .string(name) }
            receiverOptional = isOptional
        case .index(let base, let key, let isOptional, let calleeSpan):
            access = Compiler.accessSpan(base, calleeSpan)
            receiverCode = compileChain(base)
            methodKey = compile(key)
            receiverOptional = isOptional
        default:
            receiverCode = compileChain(callee)
            methodKey = nil
        }
        let compiledArguments = compileElements(arguments)
        guard let methodKey else {
            return { frame, runtime throws(LangError) in
                guard let function = try receiverCode(frame, &runtime) else { return nil }
                if optional, function.isNullish { return nil }
                guard case .function(let function) = function else { throw .notAFunction(calleeText, span) }
                let values = try Compiler.evaluate(compiledArguments, frame, &runtime)
                return try runtime.invoke(function, values, at: span, callee: calleeText, allowAction: allowAction)
            }
        }
        return { frame, runtime throws(LangError) in
            guard let receiver = try receiverCode(frame, &runtime) else { return nil }
            if receiverOptional, receiver.isNullish { return nil }
            let key = try methodKey(frame, &runtime)
            let name: String
            if case .string(let string) = key { name = string } else { name = key.toJSString() }
            switch receiver {
            case .undefined, .null:
                throw .cannotRead(name, of: receiver, access)
            case .object(let object):
                if let own = object[name] {
                    if optional, own.isNullish { return nil }
                    guard case .function(let function) = own else { throw .notAFunction(calleeText, span) }
                    let values = try Compiler.evaluate(compiledArguments, frame, &runtime)
                    return try runtime.invoke(function, values, at: span, callee: calleeText, allowAction: allowAction)
                }
                if optional { return nil }
            default:
                break
            }
            let values = try Compiler.evaluate(compiledArguments, frame, &runtime)
            return try runtime.callMethod(receiver, name, values, at: span)
        }
    }

    /// The part of a member access after its base, `.name` or `[key]`, which errors point at.
    static func accessSpan(_ base: Node, _ span: Span) -> Span {
        Span(start: min(base.span.end, span.end), end: span.end)
    }

    /// `value.name`: an object's own key, else a builtin property, else undefined.
    static func member(_ value: Value, _ name: String, _ span: Span) throws(LangError) -> Value {
        switch value {
        case .object(let object):
            if let own = object[name] { return own }
        case .undefined, .null:
            throw .cannotRead(name, of: value, span)
        default:
            break
        }
        return Builtins.property(of: value, name) ?? .undefined
    }

    /// `value[key]`: array elements by number directly, everything else by the key's string.
    static func index(_ value: Value, _ key: Value, _ span: Span) throws(LangError) -> Value {
        if case .array(let items) = value, case .number(let number) = key {
            if let position = Int(exactly: number) {
                return position >= 0 && position < items.count ? items[position] : .undefined
            }
        }
        let name: String
        if case .string(let string) = key { name = string } else { name = key.toJSString() }
        return try member(value, name, span)
    }
}
