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
        var parameters: [String] = []
        if current.kind == .identifier, peek(1).isPunctuator("=>") {
            parameters = [advance().text]
        } else if current.isPunctuator("("), isArrowParameterList() {
            index += 1
            while !current.isPunctuator(")") {
                guard current.kind == .identifier else { throw unexpected(expecting: "a parameter name") }
                let name = advance()
                if parameters.contains(name.text) {
                    throw fail("duplicate parameter '\(name.text)'", name.span)
                }
                parameters.append(name.text)
                if !current.isPunctuator(")") { _ = try expect(",", "',' or ')'") }
            }
            index += 1
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

    /// Whether the `(` under the cursor opens a parameter list: names and commas up to `) =>`.
    private func isArrowParameterList() -> Bool {
        var ahead = 1
        while true {
            let token = peek(ahead)
            if token.isPunctuator(")") { return peek(ahead + 1).isPunctuator("=>") }
            guard token.kind == .identifier || token.isPunctuator(",") else { return false }
            ahead += 1
        }
    }

    private static func binaryOperator(_ token: Token) -> (BinaryOperator, precedence: Int)? {
        switch token.kind {
        case .punctuator:
            guard let op = BinaryOperator(rawValue: token.text) else { return nil }
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
            index += 1
            // Each operator applied in this loop deepens the tree without recursing, so it counts.
            try enter()
            let right =
                op == .power
                ? try binary(minimumPrecedence: precedence)
                : try binary(minimumPrecedence: precedence + 1)
            left = .binary(op, left, right, left.span.through(right.span))
        }
        return left
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
