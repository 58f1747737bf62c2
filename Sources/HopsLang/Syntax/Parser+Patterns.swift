extension Parser {
    /// `(a, [b, c], {d, e: f} = {}, ...rest)`, the cursor on the `(`.
    mutating func parameterList() throws(Failure) -> Parameters {
        _ = try expect("(", "'('")
        var parameters = Parameters(patterns: [])
        while !current.isPunctuator(")") {
            if accept("...") {
                parameters.rest = try bindingTarget()
                guard current.isPunctuator(")") else { throw unexpected(expecting: "')' after the rest parameter") }
                break
            }
            parameters.patterns.append(try bindingElement())
            if !current.isPunctuator(")") { _ = try expect(",", "',' or ')'") }
        }
        index += 1
        try checkDuplicates(parameters.patterns + (parameters.rest.map { [$0] } ?? []))
        return parameters
    }

    /// A pattern with an optional `= fallback`.
    private mutating func bindingElement() throws(Failure) -> Pattern {
        let target = try bindingTarget()
        guard accept("=") else { return target }
        let fallback = try expression()
        return .defaulted(target, fallback: fallback, target.span.through(fallback.span))
    }

    /// A name, an array pattern or an object pattern.
    private mutating func bindingTarget() throws(Failure) -> Pattern {
        try enter()
        defer { nesting -= 1 }
        let token = current
        if token.kind == .identifier {
            index += 1
            return .name(token.text, token.span)
        }
        if token.isPunctuator("[") { return try arrayPattern() }
        if token.isPunctuator("{") { return try objectPattern() }
        throw unexpected(expecting: "a parameter name or pattern")
    }

    /// `[a, , b = 1, ...rest]`.
    private mutating func arrayPattern() throws(Failure) -> Pattern {
        let open = advance()
        var elements: [Pattern?] = []
        var rest: Pattern?
        while !current.isPunctuator("]") {
            if accept(",") {
                elements.append(nil)
                continue
            }
            if accept("...") {
                rest = try bindingTarget()
                guard current.isPunctuator("]") else { throw unexpected(expecting: "']' after the rest element") }
                break
            }
            elements.append(try bindingElement())
            if !current.isPunctuator("]") { _ = try expect(",", "',' or ']'") }
        }
        return .array(elements, rest: rest, open.span.through(advance().span))
    }

    /// `{a, b: c, "d-e": f, [key]: g, h = 1, ...rest}`.
    private mutating func objectPattern() throws(Failure) -> Pattern {
        let open = advance()
        var properties: [PatternProperty] = []
        var rest: Pattern?
        while !current.isPunctuator("}") {
            let token = current
            if accept("...") {
                guard current.kind == .identifier else { throw unexpected(expecting: "a name after '...'") }
                let name = advance()
                rest = .name(name.text, name.span)
                guard current.isPunctuator("}") else { throw unexpected(expecting: "'}' after the rest property") }
                break
            }
            if accept("[") {
                let key = try expression()
                _ = try expect("]", "']'")
                _ = try expect(":", "':'")
                properties.append(PatternProperty(key: .computed(key), value: try bindingElement(), isShorthand: false))
            } else {
                let key = try propertyKey()
                if accept(":") {
                    properties.append(PatternProperty(key: .named(key), value: try bindingElement(), isShorthand: false))
                } else if token.kind == .identifier {
                    var value = Pattern.name(key, token.span)
                    if accept("=") {
                        let fallback = try expression()
                        value = .defaulted(value, fallback: fallback, token.span.through(fallback.span))
                    }
                    properties.append(PatternProperty(key: .named(key), value: value, isShorthand: true))
                } else {
                    throw unexpected(expecting: "':'")
                }
            }
            if !current.isPunctuator("}") { _ = try expect(",", "',' or '}'") }
        }
        return .object(properties, rest: rest, open.span.through(advance().span))
    }

    /// A name bound twice in one parameter list is an error, as in JavaScript's arrow functions.
    private mutating func checkDuplicates(_ patterns: [Pattern]) throws(Failure) {
        var seen: Set<String> = []
        func walk(_ pattern: Pattern) -> (String, Span)? {
            switch pattern {
            case .name(let name, let span):
                return seen.insert(name).inserted ? nil : (name, span)
            case .array(let elements, let rest, _):
                for element in elements.compactMap({ $0 }) + (rest.map { [$0] } ?? []) {
                    if let duplicate = walk(element) { return duplicate }
                }
            case .object(let properties, let rest, _):
                for value in properties.map(\.value) + (rest.map { [$0] } ?? []) {
                    if let duplicate = walk(value) { return duplicate }
                }
            case .defaulted(let target, _, _):
                return walk(target)
            }
            return nil
        }
        for pattern in patterns {
            if let (name, span) = walk(pattern) { throw fail("duplicate parameter '\(name)'", span) }
        }
    }
}
