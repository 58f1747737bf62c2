import HopsLang

/// How one argument of a step gets its value: a fixed JSON value or an expression evaluated at run time.
public enum InputTransform: Sendable {
    /// A literal value; `undefined` where the flow names the argument without a value.
    case `static`(Value, location: SourceLocation? = nil)
    /// An expression evaluated when the step runs.
    case javascript(FlowExpression)

    /// The expression, for a `javascript` transform.
    public var expression: FlowExpression? {
        if case .javascript(let expression) = self { return expression }
        return nil
    }

    /// The literal value, for a `static` transform.
    public var staticValue: Value? {
        if case .static(let value, _) = self { return value }
        return nil
    }

    /// Where the transform was read, if known.
    public var location: SourceLocation? {
        switch self {
        case .static(_, let location): location
        case .javascript(let expression): expression.location
        }
    }
}

extension InputTransform: Equatable {
    public static func == (left: InputTransform, right: InputTransform) -> Bool {
        switch (left, right) {
        case (.static(let a, _), .static(let b, _)): Value.sameJSON(a, b)
        case (.javascript(let a), .javascript(let b)): a == b
        default: false
        }
    }
}

/// Named arguments of a step, in the order the flow lists them.
public struct InputTransforms: Sendable, Equatable {
    public var entries: [(name: String, transform: InputTransform)]

    public init(_ entries: [(name: String, transform: InputTransform)] = []) {
        self.entries = entries
    }

    public var isEmpty: Bool { entries.isEmpty }
    public var names: [String] { entries.map(\.name) }

    /// The transform of the argument `name`; setting nil removes it.
    public subscript(name: String) -> InputTransform? {
        get { entries.first { $0.name == name }?.transform }
        set {
            if let index = entries.firstIndex(where: { $0.name == name }) {
                if let newValue { entries[index].transform = newValue } else { entries.remove(at: index) }
            } else if let newValue {
                entries.append((name, newValue))
            }
        }
    }

    public static func == (left: InputTransforms, right: InputTransforms) -> Bool {
        left.entries.count == right.entries.count
            && zip(left.entries, right.entries).allSatisfy { $0.name == $1.name && $0.transform == $1.transform }
    }
}
