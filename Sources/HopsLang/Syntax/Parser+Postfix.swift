extension Parser {
    /// A primary expression followed by member accesses, indexes and calls.
    mutating func postfix() throws(Failure) -> Node {
        let start = Span(start: current.start, end: current.start)
        var node = try primary()
        let entry = nesting
        defer { nesting = entry }
        var isOptionalChain = false
        while true {
            let token = current
            if token.isPunctuator(".") {
                index += 1
                try enter()
                let name = try propertyName()
                node = .member(node, name: name.text, optional: false, start.through(name.span))
            } else if token.isPunctuator("?.") {
                index += 1
                try enter()
                isOptionalChain = true
                if accept("[") {
                    let key = try expression()
                    let close = try expect("]", "']'")
                    node = .index(node, key, optional: true, start.through(close.span))
                } else if current.isPunctuator("(") {
                    let (arguments, close) = try argumentList()
                    node = .call(node, arguments, optional: true, start.through(close))
                } else {
                    let name = try propertyName()
                    node = .member(node, name: name.text, optional: true, start.through(name.span))
                }
            } else if token.isPunctuator("["), !token.newlineBefore {
                index += 1
                try enter()
                let key = try expression()
                let close = try expect("]", "']'")
                node = .index(node, key, optional: false, start.through(close.span))
            } else if token.isPunctuator("("), !token.newlineBefore {
                try enter()
                let (arguments, close) = try argumentList()
                node = .call(node, arguments, optional: false, start.through(close))
            } else if token.kind == .template || token.kind == .templateHead, !token.newlineBefore {
                throw fail("tagged templates are not supported", token.span)
            } else {
                break
            }
        }
        return isOptionalChain ? .optionalChain(node, node.span) : node
    }

    /// A name after `.`: any identifier or keyword.
    private mutating func propertyName() throws(Failure) -> Token {
        guard current.kind == .identifier || current.kind == .keyword else {
            throw unexpected(expecting: "a property name")
        }
        return advance()
    }

    private mutating func argumentList() throws(Failure) -> ([Element], Span) {
        _ = try expect("(", "'('")
        var arguments: [Element] = []
        while !current.isPunctuator(")") {
            arguments.append(try element())
            if !current.isPunctuator(")") { _ = try expect(",", "',' or ')'") }
        }
        return (arguments, advance().span)
    }

    private mutating func element() throws(Failure) -> Element {
        let token = current
        if accept("...") {
            let value = try expression()
            return .spread(value, token.span.through(value.span))
        }
        return .value(try expression())
    }

    mutating func primary() throws(Failure) -> Node {
        let token = current
        switch token.kind {
        case .number:
            index += 1
            return .literal(.number(token.number), token.span)
        case .string:
            index += 1
            return .literal(.string(token.text), token.span)
        case .template:
            index += 1
            return .template(strings: [token.text], expressions: [], token.span)
        case .templateHead:
            return try template()
        case .identifier:
            index += 1
            return .identifier(token.text, token.span)
        case .regExp:
            index += 1
            do {
                return .literal(Builtins.regExpObject(try RegExpValue(source: token.text, flags: token.flags)), token.span)
            } catch {
                throw fail(error.message, token.span)
            }
        case .keyword where token.text == "new":
            return try construction()
        case .keyword:
            switch token.text {
            case "true": index += 1; return .literal(.bool(true), token.span)
            case "false": index += 1; return .literal(.bool(false), token.span)
            case "null": index += 1; return .literal(.null, token.span)
            case "undefined": index += 1; return .literal(.undefined, token.span)
            default: throw fail("'\(token.text)' is not supported in expressions", token.span)
            }
        case .punctuator:
            switch token.text {
            case "(":
                index += 1
                try enter()
                defer { nesting -= 1 }
                let inner = try expression()
                _ = try expect(")", "')'")
                parenthesized.insert(inner.span)
                return inner
            case "[":
                return try arrayLiteral()
            case "{":
                return try objectLiteral()
            default:
                throw unexpected(expecting: "an expression")
            }
        default:
            throw unexpected(expecting: "an expression")
        }
    }

    /// `new F(...)` or `new a.F(...)`, as a call of F's hidden construct member (see Builtins.constructKey).
    private mutating func construction() throws(Failure) -> Node {
        let start = advance().span
        try enter()
        defer { nesting -= 1 }
        var callee: Node
        if current.isKeyword("new") {
            callee = try construction()
        } else {
            guard current.kind == .identifier else { throw unexpected(expecting: "a constructor name") }
            let name = advance()
            callee = .identifier(name.text, name.span)
        }
        while accept(".") {
            let name = try propertyName()
            callee = .member(callee, name: name.text, optional: false, callee.span.through(name.span))
        }
        let member = Node.member(callee, name: Builtins.constructKey, optional: false, callee.span)
        guard current.isPunctuator("("), !current.newlineBefore else {
            return .call(member, [], optional: false, start.through(callee.span))
        }
        let (arguments, close) = try argumentList()
        return .call(member, arguments, optional: false, start.through(close))
    }

    private mutating func template() throws(Failure) -> Node {
        let start = advance()
        var strings = [start.text]
        var expressions: [Node] = []
        try enter()
        defer { nesting -= 1 }
        while true {
            expressions.append(try expression())
            let part = current
            switch part.kind {
            case .templateMiddle:
                index += 1
                strings.append(part.text)
            case .templateTail:
                index += 1
                strings.append(part.text)
                return .template(strings: strings, expressions: expressions, start.span.through(part.span))
            default:
                throw unexpected(expecting: "'}' closing the template substitution")
            }
        }
    }

    private mutating func arrayLiteral() throws(Failure) -> Node {
        let open = advance()
        try enter()
        defer { nesting -= 1 }
        var elements: [Element] = []
        while !current.isPunctuator("]") {
            if current.isPunctuator(",") { throw fail("holes in arrays are not supported", current.span) }
            elements.append(try element())
            if !current.isPunctuator("]") { _ = try expect(",", "',' or ']'") }
        }
        return .array(elements, open.span.through(advance().span))
    }

    private mutating func objectLiteral() throws(Failure) -> Node {
        let open = advance()
        try enter()
        defer { nesting -= 1 }
        var properties: [Property] = []
        while !current.isPunctuator("}") {
            let token = current
            if accept("...") {
                let value = try expression()
                properties.append(.spread(value, token.span.through(value.span)))
            } else if accept("[") {
                let key = try expression()
                _ = try expect("]", "']'")
                _ = try expect(":", "':'")
                properties.append(.computed(key, try expression()))
            } else {
                let key = try propertyKey()
                if accept(":") {
                    properties.append(.named(key, try expression(), key: token.span))
                } else if token.kind == .identifier, current.isPunctuator(",") || current.isPunctuator("}") {
                    properties.append(.shorthand(key, token.span))
                } else {
                    throw unexpected(expecting: "':'")
                }
            }
            if !current.isPunctuator("}") { _ = try expect(",", "',' or '}'") }
        }
        return .object(properties, open.span.through(advance().span))
    }

    /// A property key in an object literal or pattern: a name, keyword, string or number.
    mutating func propertyKey() throws(Failure) -> String {
        let token = current
        let key: String
        switch token.kind {
        case .identifier, .keyword, .string: key = token.text
        case .number: key = Value.number(token.number).toJSString()
        default: throw unexpected(expecting: "a property name")
        }
        index += 1
        return key
    }
}
