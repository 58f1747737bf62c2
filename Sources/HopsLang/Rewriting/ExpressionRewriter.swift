/// Rewrites the names an expression reads from outside (`steps.fetch.result` to `results.fetch`),
/// keeping every other character of its text as written.
///
/// The expression is parsed, so only real reads are offered: not property names, object keys,
/// text inside strings and templates, or names an arrow function binds (`item => item.id` does not
/// read an outside `item`).
public struct ExpressionRewriter: Sendable {
    /// The expression's text.
    public let text: String
    /// Every read of a free name with the accesses that follow it, in the order of the text.
    public let references: [Reference]
    private let scalars: [Unicode.Scalar]

    /// Parses `text`; throws the first `Diagnostic` if it does not parse.
    public init(_ text: String) throws {
        let source = SourceFile(name: "<expr>", text: text)
        var parser = Parser(source)
        let node = parser.parseExpression()
        guard let node, parser.diagnostics.isEmpty else {
            throw parser.diagnostics.first
                ?? Diagnostic("expected an expression", span: Span(start: 0, end: 0), file: source)
        }
        var collector = ReferenceCollector(source: source)
        collector.visit(node, bound: [])
        self.text = text
        self.scalars = source.scalars
        references = collector.references.sorted { $0.start < $1.start }
    }

    /// The text with each reference `replace` returns a replacement for rewritten; a replaced
    /// reference's own arguments and indexes are not offered again.
    public func rewritten(_ replace: (Reference) -> Replacement?) -> String {
        var output = String.UnicodeScalarView()
        var cursor = 0
        for reference in references where reference.start >= cursor {
            guard let replacement = replace(reference) else { continue }
            let count = min(max(replacement.accessCount, 0), reference.path.count)
            if count == reference.path.count, let key = reference.propertyKey, key.name == replacement.text, key.start >= cursor {
                // `{item: flow_input.iter.value}` back to `item` is written `{item}`, as the other way round.
                output.append(contentsOf: scalars[cursor..<key.start])
                output.append(contentsOf: key.name.unicodeScalars)
                cursor = reference.ends[count]
                continue
            }
            output.append(contentsOf: scalars[cursor..<reference.start])
            // `{item}` must keep its key when the value is no longer the same name.
            if reference.isShorthandProperty { output.append(contentsOf: (reference.root + ": ").unicodeScalars) }
            output.append(contentsOf: replacement.text.unicodeScalars)
            cursor = reference.ends[count]
        }
        output.append(contentsOf: scalars[min(cursor, scalars.count)...])
        return String(output)
    }

    /// Parses `text` and rewrites it; the text unchanged when it does not parse.
    public static func rewrite(_ text: String, _ replace: (Reference) -> Replacement?) -> String {
        guard let rewriter = try? ExpressionRewriter(text) else { return text }
        return rewriter.rewritten(replace)
    }
}

extension ExpressionRewriter {
    /// A read of a free name and the chain of accesses written right after it: `steps.fetch.result.items[0]`.
    public struct Reference: Sendable, Equatable {
        /// The name read.
        public var root: String
        /// The member accesses, indexes and calls that follow, innermost first; a chain stops at a parenthesis.
        public var path: [Access]
        /// Written as the shorthand property `{name}` of an object literal.
        public var isShorthandProperty: Bool
        /// Where the name starts in the text, in Unicode scalars.
        let start: Int
        /// Where the reference ends after the root (index 0) and after each access.
        let ends: [Int]
        /// The identifier key of the object literal property whose whole value this reference is, and where it starts.
        var propertyKey: (name: String, start: Int)?

        public static func == (left: Reference, right: Reference) -> Bool {
            left.root == right.root && left.path == right.path && left.isShorthandProperty == right.isShorthandProperty
                && left.start == right.start && left.ends == right.ends
        }

        /// The root and the first `count` accesses, as written (without white space between them).
        public func text(through count: Int) -> String {
            root + path.prefix(max(count, 0)).map(\.text).joined()
        }

        /// The names of the accesses from the start up to the first that has none (a call or a computed index).
        public var names: [String] {
            var names: [String] = []
            for access in path {
                guard let name = access.name, access.kind != .call else { break }
                names.append(name)
            }
            return names
        }
    }

    /// One access after a name: `.x`, `?.x`, `["x"]`, `[i]` or a call `(a, b)`.
    public struct Access: Sendable, Equatable {
        public enum Kind: Sendable, Equatable {
            case member
            case index
            case call
        }

        public var kind: Kind
        /// The member's name, or an index's key when it is a string literal; nil otherwise.
        public var name: String?
        /// Written with `?.`.
        public var isOptional: Bool
        /// The access as written: `.result`, `?.[0]`, `("a", b)`.
        public var text: String
    }

    /// What replaces a reference's root and its first `accessCount` accesses.
    public struct Replacement: Sendable, Equatable {
        public var accessCount: Int
        public var text: String

        public init(accessCount: Int, text: String) {
            self.accessCount = accessCount
            self.text = text
        }
    }
}
