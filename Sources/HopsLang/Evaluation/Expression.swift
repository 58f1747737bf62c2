/// An expression compiled once and evaluated many times, with values bound by position or by name.
// Unchecked: the compiled closures capture only constants and spans; all evaluation state lives
// in a Runtime and Environment made per call.
public final class Expression: @unchecked Sendable {
    public let source: SourceFile
    public let parameters: [String]
    public let limits: Limits
    /// The names the expression reads that are neither parameters nor builtin globals.
    public let freeVariables: [String]

    private let code: Code
    /// The names of the root slots: the parameters, then every other free name.
    private let slotNames: [String]
    /// What `evaluate(_:)` appends after the parameters: builtin globals, or unbound slots.
    private let defaultTail: [Value]
    private let defaultUnbound: [Bool]?
    /// The expression as a flat condition, when it is one: the positional evaluations answer it directly.
    private let condition: FlatCondition?

    /// Parses and compiles `source`; throws the first `Diagnostic` if it does not parse.
    public init(_ source: SourceFile, parameters: [String] = [], limits: Limits = .init()) throws {
        var parser = Parser(source)
        let node = parser.parseExpression()
        guard let node, parser.diagnostics.isEmpty else {
            throw parser.diagnostics.first
                ?? Diagnostic("expected an expression", span: Span(start: 0, end: 0), file: source)
        }
        var compiler = Compiler(source: source, parameters: parameters, globals: .root)
        code = compiler.compile(node)
        condition = FlatCondition(node, parameters: parameters)
        self.source = source
        self.parameters = parameters
        self.limits = limits
        slotNames = compiler.frames[0]
        let free = slotNames[parameters.count...]
        freeVariables = free.filter { Builtins.globals[$0] == nil }
        defaultTail = free.map { Builtins.globals[$0] ?? .undefined }
        var unbound = Array(repeating: false, count: parameters.count)
        unbound += free.map { Builtins.globals[$0] == nil }
        defaultUnbound = unbound.contains(true) ? unbound : nil
    }

    /// Whether positional evaluations answer it as a flat condition.
    var isFlatCondition: Bool { condition != nil }

    /// Parses `text` as an expression named `<expr>`.
    public convenience init(_ text: String, parameters: [String] = []) throws {
        try self.init(SourceFile(name: "<expr>", text: text), parameters: parameters)
    }

    /// Evaluates with `arguments` bound to the parameters by position: the fast path.
    public func evaluate(_ arguments: [Value]) throws -> Value {
        if let condition { return .bool(condition.holds(arguments)) }
        return try run(positionalFrame(arguments))
    }

    /// The fast path with a cancellation check, for evaluations someone may interrupt (a flat
    /// condition has nothing to interrupt: it makes no call and no loop).
    public func evaluate(_ arguments: [Value], isCancelled: CancellationCheck) throws -> Value {
        if let condition { return .bool(condition.holds(arguments)) }
        return try run(positionalFrame(arguments), isCancelled: isCancelled)
    }

    private func positionalFrame(_ arguments: [Value]) -> Frame {
        var slots = arguments
        if slots.count != parameters.count {
            slots = Array(slots.prefix(parameters.count))
            slots += repeatElement(.undefined, count: parameters.count - slots.count)
        }
        if !defaultTail.isEmpty { slots += defaultTail }
        return Frame(slots: slots, parent: nil, unbound: defaultUnbound)
    }

    /// Evaluates with values bound by name; a name neither bound nor global is an unknown name when read.
    public func evaluate(bindings: [String: Value]) throws -> Value {
        var slots: [Value] = []
        var unbound: [Bool] = []
        slots.reserveCapacity(slotNames.count)
        unbound.reserveCapacity(slotNames.count)
        for name in slotNames {
            let value = bindings[name] ?? Builtins.globals[name]
            slots.append(value ?? .undefined)
            unbound.append(value == nil)
        }
        return try run(Frame(slots: slots, parent: nil, unbound: unbound))
    }

    /// Evaluates with a cancellation check, for long evaluations someone may interrupt.
    public func evaluate(bindings: [String: Value], isCancelled: CancellationCheck) throws -> Value {
        let slots = slotNames.map { bindings[$0] ?? Builtins.globals[$0] ?? .undefined }
        let unbound = slotNames.map { bindings[$0] == nil && Builtins.globals[$0] == nil }
        return try run(Frame(slots: slots, parent: nil, unbound: unbound), isCancelled: isCancelled)
    }

    /// Runs the code with a runtime made here, so that it is never copied.
    private func run(_ frame: Frame, isCancelled: CancellationCheck? = nil) throws -> Value {
        var runtime = Runtime(limits: limits, isCancelled: isCancelled)
        do {
            // The result leaves the evaluation: its arrays are frozen, so whoever holds it may share it.
            let result = try code(frame, &runtime)
            result.freeze()
            return result
        } catch {
            throw Diagnostic(error, file: source)
        }
    }
}
