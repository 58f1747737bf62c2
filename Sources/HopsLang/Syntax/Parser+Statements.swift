extension Parser {
    /// Parses one whole expression; anything after it is an error.
    mutating func parseExpression() -> Node? {
        do {
            let node = try expression()
            guard current.kind == .end else { throw unexpected() }
            return node
        } catch {
            return nil
        }
    }

    /// Parses statements separated by newlines or `;`, recovering after an error at the next line.
    mutating func parseProgram() -> [Statement] {
        var statements: [Statement] = []
        while true {
            while accept(";") {}
            if current.kind == .end { return statements }
            do {
                statements.append(try statement())
                if current.kind == .end { return statements }
                if !accept(";"), !current.newlineBefore {
                    throw unexpected(expecting: "a line break or ';' after the statement")
                }
            } catch {
                recover()
            }
        }
    }

    /// Skips to the start of the next line or past the next `;`.
    private mutating func recover() {
        nesting = 0
        if current.kind != .end { index += 1 }
        while current.kind != .end, !current.newlineBefore, !current.isPunctuator(";") { index += 1 }
    }

    private mutating func statement() throws(Failure) -> Statement {
        let token = current
        if token.isKeyword("let") || token.isKeyword("const") || token.isKeyword("var") {
            index += 1
            guard current.kind == .identifier else { throw unexpected(expecting: "a variable name") }
            let name = advance()
            if accept("=") {
                let value = try expression()
                return .declaration(
                    name: name.text, value: value, constant: token.text == "const",
                    token.span.through(value.span))
            }
            if token.text == "const" { throw unexpected(expecting: "'=' after a constant's name") }
            return .declaration(name: name.text, value: nil, constant: false, token.span.through(name.span))
        }
        let target = try expression()
        let op = current
        let compound: [String: BinaryOperator] = [
            "+=": .add, "-=": .subtract, "*=": .multiply, "/=": .divide, "%=": .remainder, "**=": .power,
        ]
        guard op.kind == .punctuator, op.text == "=" || compound[op.text] != nil else {
            return .expression(target)
        }
        guard Parser.isAssignable(target) else {
            throw fail("cannot assign to this expression", target.span)
        }
        index += 1
        var value = try expression()
        if let binary = compound[op.text] {
            value = .binary(binary, target, value, target.span.through(value.span))
        }
        return .assignment(target: target, value: value, target.span.through(value.span))
    }

    /// A name followed by member accesses and indexes: what `=` may assign to.
    static func isAssignable(_ node: Node) -> Bool {
        switch node {
        case .identifier: true
        case .member(let base, _, false, _), .index(let base, _, false, _): isAssignable(base)
        default: false
        }
    }
}
