/// Walks a syntax tree and collects the reads of names no enclosing arrow function binds.
struct ReferenceCollector {
    let source: SourceFile
    var references: [ExpressionRewriter.Reference] = []

    init(source: SourceFile) {
        self.source = source
    }

    mutating func visit(_ node: Node, bound: Set<String>) {
        switch node {
        case .literal:
            break
        case .template(_, let expressions, _):
            for expression in expressions { visit(expression, bound: bound) }
        case .identifier(let name, let span):
            if !bound.contains(name) { record(name, span, path: [], ends: [span.end], shorthand: false) }
        case .array(let elements, _):
            visit(elements, bound: bound)
        case .object(let properties, _):
            for property in properties {
                switch property {
                case .named(let key, let value, let keySpan):
                    let count = references.count
                    visit(value, bound: bound)
                    // `{item: item}` after a rewrite may go back to `{item}`: note the key of a value that is one reference.
                    if references.count > count, references[count].start == value.span.start,
                        references[count].ends.last == value.span.end, source.slice(keySpan.start, keySpan.end) == key
                    {
                        references[count].propertyKey = (key, keySpan.start)
                    }
                case .computed(let key, let value):
                    visit(key, bound: bound)
                    visit(value, bound: bound)
                case .spread(let value, _): visit(value, bound: bound)
                case .shorthand(let name, let span):
                    if !bound.contains(name) { record(name, span, path: [], ends: [span.end], shorthand: true) }
                }
            }
        case .member, .index, .call:
            visitChain(node, bound: bound)
        case .optionalChain(let inner, _):
            visit(inner, bound: bound)
        case .arrow(let parameters, let body, _):
            var inner = bound
            for pattern in parameters.patterns + (parameters.rest.map { [$0] } ?? []) {
                visit(pattern, bound: &inner)
            }
            visit(body, bound: inner)
        case .unary(_, let operand, _):
            visit(operand, bound: bound)
        case .binary(_, let left, let right, _):
            visit(left, bound: bound)
            visit(right, bound: bound)
        case .conditional(let condition, let then, let otherwise, _):
            visit(condition, bound: bound)
            visit(then, bound: bound)
            visit(otherwise, bound: bound)
        }
    }

    private mutating func visit(_ elements: [Element], bound: Set<String>) {
        for element in elements {
            switch element {
            case .value(let node), .spread(let node, _): visit(node, bound: bound)
            }
        }
    }

    /// A pattern's fallbacks and computed keys see the names bound before them, then its names are bound.
    private mutating func visit(_ pattern: Pattern, bound: inout Set<String>) {
        switch pattern {
        case .name(let name, _):
            bound.insert(name)
        case .array(let elements, let rest, _):
            for element in elements.compactMap({ $0 }) + (rest.map { [$0] } ?? []) { visit(element, bound: &bound) }
        case .object(let properties, let rest, _):
            for property in properties {
                if case .computed(let key) = property.key { visit(key, bound: bound) }
                visit(property.value, bound: &bound)
            }
            if let rest { visit(rest, bound: &bound) }
        case .defaulted(let target, let fallback, _):
            visit(fallback, bound: bound)
            visit(target, bound: &bound)
        }
    }

    /// `root.a?.b[k](x)`: one reference for the free root with its accesses, then what is inside them.
    private mutating func visitChain(_ node: Node, bound: Set<String>) {
        var accesses: [Node] = []
        var current = node
        chain: while true {
            switch current {
            case .member(let base, _, _, _), .index(let base, _, _, _), .call(let base, _, _, _):
                accesses.append(current)
                current = base
            default:
                break chain
            }
        }
        accesses.reverse()
        if case .identifier(let name, let span) = current, !bound.contains(name) {
            var path: [ExpressionRewriter.Access] = []
            var ends = [span.end]
            for access in accesses {
                let end = access.span.end
                let written = source.slice(ends[ends.count - 1], end)
                let text = String(written.drop { $0.isWhitespace })
                // `(a.b).c`: the access after a parenthesis belongs to the parenthesized expression.
                guard let first = text.first, first == "." || first == "?" || first == "[" || first == "(" else { break }
                path.append(Self.describe(access, text: text))
                ends.append(end)
            }
            record(name, span, path: path, ends: ends, shorthand: false)
        } else {
            visit(current, bound: bound)
        }
        for access in accesses {
            switch access {
            case .index(_, let key, _, _): visit(key, bound: bound)
            case .call(_, let arguments, _, _): visit(arguments, bound: bound)
            default: break
            }
        }
    }

    private static func describe(_ access: Node, text: String) -> ExpressionRewriter.Access {
        switch access {
        case .member(_, let name, let optional, _):
            return .init(kind: .member, name: name, isOptional: optional, text: text)
        case .index(_, let key, let optional, _):
            var name: String?
            if case .literal(.string(let string), _) = key { name = string }
            return .init(kind: .index, name: name, isOptional: optional, text: text)
        case .call(_, _, let optional, _):
            return .init(kind: .call, name: nil, isOptional: optional, text: text)
        default:
            return .init(kind: .call, name: nil, isOptional: false, text: text)
        }
    }

    private mutating func record(_ name: String, _ span: Span, path: [ExpressionRewriter.Access], ends: [Int], shorthand: Bool) {
        references.append(
            ExpressionRewriter.Reference(root: name, path: path, isShorthandProperty: shorthand, start: span.start, ends: ends))
    }
}
