/// Compiles a syntax tree into nested closures, with every variable resolved to a slot,
/// so that evaluating it again costs no lookups by name.
struct Compiler {
    /// Where names that are not parameters of an enclosing arrow function come from.
    enum Globals {
        /// An `Expression`: free names become slots of the root environment, filled per evaluation.
        case root
        /// An `Interpreter`: names live in its table.
        case table(GlobalTable)
    }

    let source: SourceFile
    let globals: Globals
    /// Names of each enclosing function, outermost first; the first frame is the root environment.
    var frames: [[String]]
    /// Names read that no enclosing function binds, in order of first use.
    var freeNames: [String] = []
    /// The deepest nesting of the code compiled so far, to weigh arrow bodies.
    private var height = 0
    private var currentHeight = 0

    init(source: SourceFile, parameters: [String], globals: Globals) {
        self.source = source
        self.globals = globals
        frames = [parameters]
    }

    /// The source text of a node, shortened, for messages like "x.y is not a function".
    func text(of span: Span) -> String {
        let text = source.slice(span.start, span.end)
        return text.count <= 40 ? text : "expression"
    }

    mutating func compile(_ node: Node) -> Code {
        currentHeight += 1
        height = max(height, currentHeight)
        defer { currentHeight -= 1 }
        switch node {
        case .literal(let value, _):
            return { _, _ in value }
        case .template(let strings, let expressions, let span):
            return compileTemplate(strings, expressions.map { compile($0) }, span)
        case .identifier(let name, let span):
            return compileIdentifier(name, span)
        case .array(let elements, _):
            return compileArray(elements)
        case .object(let properties, _):
            return compileObject(properties)
        case .member, .index, .call:
            let chain = compileChain(node)
            return { frame, runtime throws(LangError) in try chain(frame, &runtime) ?? .undefined }
        case .optionalChain(let inner, _):
            let chain = compileChain(inner)
            return { frame, runtime throws(LangError) in try chain(frame, &runtime) ?? .undefined }
        case .arrow(let parameters, let body, _):
            return compileArrow(parameters, body)
        case .unary(let op, let operand, let span):
            return compileUnary(op, operand, span)
        case .binary(let op, let left, let right, let span):
            return compileBinary(op, left, right, span)
        case .conditional(let condition, let then, let otherwise, _):
            let test = compileTest(condition)
            let yes = compile(then)
            let no = compile(otherwise)
            return { frame, runtime throws(LangError) in
                try test(frame, &runtime) ? try yes(frame, &runtime) : try no(frame, &runtime)
            }
        }
    }

    // MARK: Names

    /// Where a name lives: a slot of an enclosing function or of the root; nil for the interpreter's table.
    private mutating func resolve(_ name: String) -> (depth: Int, index: Int)? {
        for frame in frames.indices.reversed() {
            if let index = frames[frame].lastIndex(of: name) { return (frames.count - 1 - frame, index) }
        }
        if !freeNames.contains(name) { freeNames.append(name) }
        guard case .root = globals else { return nil }
        frames[0].append(name)
        return (frames.count - 1, frames[0].count - 1)
    }

    /// `test` of the value of `node`: a name of the root frame is read in place, saving a closure
    /// call on the hottest path. Generic and inlined, so that each kind of test is compiled into its closure.
    @inline(__always)
    mutating func compileTest<T: ValueTest>(of node: Node, _ test: T) -> Test {
        if case .identifier(let name, let span) = node, frames.count == 1, case .root = globals,
            let (depth, index) = resolve(name), depth == 0
        {
            return { frame, _ throws(LangError) in
                let value = frame.slots[index]
                if case .undefined = value, frame.isUnbound(index) { throw .unknownName(name, span) }
                return test.holds(for: value)
            }
        }
        let code = compile(node)
        return { frame, runtime throws(LangError) in test.holds(for: try code(frame, &runtime)) }
    }

    mutating func compileIdentifier(_ name: String, _ span: Span) -> Code {
        guard let (depth, index) = resolve(name) else {
            return compileGlobal(name, span)
        }
        if depth > 0 {
            if depth == frames.count - 1, case .root = globals {
                return { frame, _ throws(LangError) in
                    let root = frame.ancestor(depth)
                    let value = root.slots[index]
                    if case .undefined = value, root.isUnbound(index) { throw .unknownName(name, span) }
                    return value
                }
            }
            if depth == 1 {
                return { frame, _ in frame.parent?.frame.slots[index] ?? .undefined }
            }
            return { frame, _ in frame.ancestor(depth).slots[index] }
        }
        if frames.count == 1, case .root = globals {
            return { frame, _ throws(LangError) in
                let value = frame.slots[index]
                if case .undefined = value, frame.isUnbound(index) { throw .unknownName(name, span) }
                return value
            }
        }
        return { frame, _ in frame.slots[index] }
    }

    /// A name of the interpreter's table, or failing that a builtin global.
    private func compileGlobal(_ name: String, _ span: Span) -> Code {
        guard case .table(let table) = globals else { return { _, _ throws(LangError) in throw .unknownName(name, span) } }
        if table.index(of: name) == nil, let builtin = Builtins.globals[name] {
            return { _, _ in builtin }
        }
        let index = table.slot(for: name)
        return { _, _ throws(LangError) in
            guard let value = table.values[index] else { throw .unknownName(name, span) }
            return value
        }
    }

    /// `typeof name` is "undefined" for a name nothing binds, instead of an error.
    mutating func compileTypeOfIdentifier(_ name: String, _ span: Span) -> Code {
        let read = compileIdentifier(name, span)
        return { frame, runtime in
            do {
                return .string(try read(frame, &runtime).typeName)
            } catch {
                return .string("undefined")
            }
        }
    }

    // MARK: Functions

    private mutating func compileArrow(_ parameters: Parameters, _ body: Node) -> Code {
        let names = parameters.names
        frames.append(names)
        let savedHeight = height
        let savedCurrent = currentHeight
        height = 0
        currentHeight = 0
        // Patterns are compiled in the arrow's own frame: their fallbacks see the names bound before them.
        let bind = parameters.isSimple ? nil : compileParameters(parameters, names: names)
        let code = compile(body)
        let weight = max(height, 1)
        height = max(savedHeight, savedCurrent + weight)
        currentHeight = savedCurrent
        frames.removeLast()
        let count = names.count
        return { frame, _ in
            .function(
                FunctionValue(
                    name: "anonymous",
                    arrow: Arrow(
                        parameterCount: count, weight: weight, bind: bind, body: code, environment: Environment(frame))))
        }
    }

    // MARK: Literals

    private func compileTemplate(_ strings: [String], _ parts: [Code], _ span: Span) -> Code {
        if parts.count == 1, strings[0].isEmpty, strings[1].isEmpty {
            let part = parts[0]
            return { frame, runtime throws(LangError) in
                .string(try part(frame, &runtime).toJSString())
            }
        }
        return { frame, runtime throws(LangError) in
            var result = strings[0]
            for index in parts.indices {
                result += try parts[index](frame, &runtime).toJSString()
                result += strings[index + 1]
                try runtime.allocate(.string, Double(result.utf8.count), span)
            }
            return .string(result)
        }
    }

    /// Compiled elements of an array literal or argument list: a value or a spread.
    enum CompiledElement {
        case value(Code)
        case spread(Code, Span)
    }

    mutating func compileElements(_ elements: [Element]) -> [CompiledElement] {
        elements.map { element in
            switch element {
            case .value(let node): .value(compile(node))
            case .spread(let node, let span): .spread(compile(node), span)
            }
        }
    }

    private mutating func compileArray(_ elements: [Element]) -> Code {
        let compiled = compileElements(elements)
        return { frame, runtime throws(LangError) in
            .list(try Compiler.evaluate(compiled, frame, &runtime))
        }
    }

    static func evaluate(
        _ elements: [CompiledElement], _ frame: Frame, _ runtime: inout Runtime
    ) throws(LangError) -> [Value] {
        var values: [Value] = []
        values.reserveCapacity(elements.count)
        for element in elements {
            switch element {
            case .value(let code):
                values.append(try code(frame, &runtime))
            case .spread(let code, let span):
                let value = try code(frame, &runtime)
                switch value {
                case .array(let items):
                    try runtime.step(items.count, span)
                    values.append(contentsOf: items)
                case .string(let string):
                    try runtime.step(string.count, span)
                    values.append(contentsOf: string.map { .string(String($0)) })
                default:
                    throw .notIterable(value, span)
                }
            }
        }
        return values
    }

    private mutating func compileObject(_ properties: [Property]) -> Code {
        enum Entry {
            case named(String, Code)
            case computed(Code, Code)
            case spread(Code, Span)
        }
        let entries: [Entry] = properties.map { property in
            switch property {
            case .named(let name, let value, _): .named(name, compile(value))
            case .shorthand(let name, let span): .named(name, compileIdentifier(name, span))
            case .computed(let key, let value): .computed(compile(key), compile(value))
            case .spread(let value, let span): .spread(compile(value), span)
            }
        }
        // Distinct names only: every object the literal makes has the same keys, so they share one shape.
        let names = entries.compactMap { entry in if case .named(let name, _) = entry { name } else { nil } }
        if names.count == entries.count, Set(names.map(PropertyKey.init)).count == names.count {
            let shape = ObjectValue.Shape(names)
            let codes = entries.compactMap { entry in if case .named(_, let code) = entry { code } else { nil } }
            return { frame, runtime throws(LangError) in
                var values: [Value] = []
                values.reserveCapacity(codes.count)
                for code in codes { values.append(try code(frame, &runtime)) }
                return .object(ObjectValue(shape: shape, values: values))
            }
        }
        return { frame, runtime throws(LangError) in
            var object = ObjectValue()
            for entry in entries {
                switch entry {
                case .named(let name, let code):
                    object[name] = try code(frame, &runtime)
                case .computed(let key, let code):
                    let name = try key(frame, &runtime).toJSString()
                    object[name] = try code(frame, &runtime)
                case .spread(let code, let span):
                    switch try code(frame, &runtime) {
                    case .object(let other):
                        try runtime.step(other.count, span)
                        for (key, value) in other.entries { object[key] = value }
                    case .array(let items):
                        try runtime.step(items.count, span)
                        for (index, value) in items.enumerated() { object[String(index)] = value }
                    case .string(let string):
                        try runtime.step(string.count, span)
                        for (index, character) in string.enumerated() {
                            object[String(index)] = .string(String(character))
                        }
                    default:
                        break
                    }
                }
            }
            return .object(object)
        }
    }
}
