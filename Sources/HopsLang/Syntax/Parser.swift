/// A recursive-descent parser with precedence climbing for binary operators.
/// It records diagnostics, and after an error skips to the next statement.
struct Parser {
    /// How deep expressions may nest before the parser gives up, so nothing overflows the stack.
    static let maximumNesting = 256

    let source: SourceFile
    private(set) var tokens: [Token]
    var index = 0
    var nesting = 0
    var diagnostics: [Diagnostic] = []
    /// The spans of expressions written inside parentheses, which may mix `??` with `||` and `&&`.
    var parenthesized: Set<Span> = []

    /// Thrown after a diagnostic has been recorded, to unwind to a point of recovery.
    struct Failure: Error {}

    init(_ source: SourceFile) {
        self.source = source
        tokens = Lexer.tokenize(source)
    }

    var current: Token { tokens[index] }
    var previous: Token { tokens[max(index - 1, 0)] }

    func peek(_ ahead: Int) -> Token { tokens[min(index + ahead, tokens.count - 1)] }

    mutating func advance() -> Token {
        let token = tokens[index]
        if index < tokens.count - 1 { index += 1 }
        return token
    }

    mutating func accept(_ punctuator: String) -> Bool {
        guard current.isPunctuator(punctuator) else { return false }
        index += 1
        return true
    }

    mutating func expect(_ punctuator: String, _ what: String) throws(Failure) -> Token {
        guard current.isPunctuator(punctuator) else { throw unexpected(expecting: what) }
        return advance()
    }

    /// Records an error at the current token; at the end of input it marks the input incomplete.
    mutating func unexpected(expecting what: String? = nil) -> Failure {
        let token = current
        if token.kind == .error {
            return fail(token.text, token.span, incomplete: token.isIncomplete)
        }
        var message = "unexpected \(token.described)"
        if let what { message += ", expected \(what)" }
        return fail(message, token.span, incomplete: token.kind == .end)
    }

    mutating func fail(_ message: String, _ span: Span, incomplete: Bool = false) -> Failure {
        diagnostics.append(Diagnostic(message, span: span, file: source, isIncomplete: incomplete))
        return Failure()
    }

    /// Enters one level of nesting; fails when the limit is reached.
    mutating func enter() throws(Failure) {
        nesting += 1
        if nesting > Parser.maximumNesting {
            throw fail("nesting too deep", current.span)
        }
    }

    // MARK: Expressions

    /// An expression including arrow functions and the conditional operator.
    mutating func expression() throws(Failure) -> Node {
        try enter()
        defer { nesting -= 1 }
        if let arrow = try arrowFunction() { return arrow }
        let condition = try binary(minimumPrecedence: 0)
        guard accept("?") else { return condition }
        let then = try expression()
        _ = try expect(":", "':' of the conditional")
        let otherwise = try expression()
        return .conditional(condition, then, otherwise, condition.span.through(otherwise.span))
    }

    private mutating func arrowFunction() throws(Failure) -> Node? {
        let start = current.start
        let parameters: Parameters
        if current.kind == .identifier, peek(1).isPunctuator("=>") {
            let name = advance()
            parameters = Parameters(patterns: [.name(name.text, name.span)])
        } else if current.isPunctuator("("), isArrowParameterList() {
            parameters = try parameterList()
        } else {
            return nil
        }
        let arrow = try expect("=>", "'=>'")
        if current.isPunctuator("{") {
            throw fail("an arrow function body must be an expression; wrap an object in parentheses", current.span)
        }
        if arrow.newlineBefore { throw fail("line break before '=>'", arrow.span) }
        let body = try expression()
        return .arrow(parameters: parameters, body: body, Span(start: start, end: body.span.end))
    }

    /// Whether the `(` under the cursor opens a parameter list: its matching `)` is followed by `=>`.
    private func isArrowParameterList() -> Bool {
        var ahead = 1
        var depth = 0
        while true {
            let token = peek(ahead)
            switch token.kind {
            case .end, .error:
                return false
            case .punctuator where token.text == "(" || token.text == "[" || token.text == "{":
                depth += 1
            case .punctuator where token.text == ")" || token.text == "]" || token.text == "}":
                if depth == 0 { return token.text == ")" && peek(ahead + 1).isPunctuator("=>") }
                depth -= 1
            default:
                break
            }
            ahead += 1
        }
    }

    private static func binaryOperator(_ token: Token) -> (BinaryOperator, precedence: Int)? {
        switch token.kind {
        case .punctuator:
            guard let op = BinaryOperator.written(token.text) else { return nil }
            switch op {
            case .coalesce, .or: return (op, 1)
            case .and: return (op, 2)
            case .strictEqual, .strictNotEqual, .looseEqual, .looseNotEqual: return (op, 3)
            case .less, .lessOrEqual, .greater, .greaterOrEqual: return (op, 4)
            case .add, .subtract: return (op, 5)
            case .multiply, .divide, .remainder: return (op, 6)
            case .power: return (op, 7)
            case .in: return nil
            }
        case .keyword where token.text == "in":
            return (.in, 4)
        default:
            return nil
        }
    }

    private mutating func binary(minimumPrecedence: Int) throws(Failure) -> Node {
        var left = try unary()
        let entry = nesting
        defer { nesting = entry }
        while let (op, precedence) = Parser.binaryOperator(current), precedence >= minimumPrecedence {
            let operatorToken = advance()
            // Each operator applied in this loop deepens the tree without recursing, so it counts.
            try enter()
            let right =
                op == .power
                ? try binary(minimumPrecedence: precedence)
                : try binary(minimumPrecedence: precedence + 1)
            if mixesCoalescing(op, left) || mixesCoalescing(op, right) {
                throw fail("cannot mix '??' with '||' or '&&' without parentheses", operatorToken.span)
            }
            left = .binary(op, left, right, left.span.through(right.span))
        }
        return left
    }

    /// Whether `operand`, unparenthesized, may not stand beside `op`: JavaScript refuses `a ?? b || c`,
    /// `a || b ?? c` and the same with `&&`, because the order of evaluation would be a guess.
    private func mixesCoalescing(_ op: BinaryOperator, _ operand: Node) -> Bool {
        guard case .binary(let inner, _, _, let span) = operand, !parenthesized.contains(span) else { return false }
        switch (op, inner) {
        case (.coalesce, .and), (.coalesce, .or), (.and, .coalesce), (.or, .coalesce): return true
        default: return false
        }
    }

    private mutating func unary() throws(Failure) -> Node {
        let token = current
        let op: UnaryOperator?
        if token.kind == .punctuator {
            op = UnaryOperator(rawValue: token.text).flatMap { $0 == .typeOf ? nil : $0 }
        } else {
            op = token.isKeyword("typeof") ? .typeOf : nil
        }
        guard let op else { return try postfix() }
        index += 1
        try enter()
        defer { nesting -= 1 }
        let operand = try unary()
        if current.isPunctuator("**") {
            throw fail("wrap the unary expression in parentheses before '**'", current.span)
        }
        return .unary(op, operand, token.span.through(operand.span))
    }
}
