/// Runs the statements of the prompt and of notebooks, keeping variables between runs.
public final class Interpreter {
    public var limits: Limits
    /// Polled during long evaluations; returning true stops them with an "interrupted" error.
    public var isCancelled: CancellationCheck = { false }

    private let table = GlobalTable()
    private let actions = ActionSet()

    public init(limits: Limits = .init()) {
        self.limits = limits
    }

    public func setVariable(_ name: String, _ value: Value) {
        table[name] = value
        table.constants.remove(name)
    }

    public func variable(_ name: String) -> Value? { table[name] }

    /// The names that currently have a value, in the order they were first defined.
    public var variableNames: [String] { table.names.filter { table[$0] != nil } }

    /// Defines a side-effecting function that may only be called at statement level.
    public func defineAction(_ name: String, _ function: FunctionValue) {
        actions.functions.insert(ObjectIdentifier(function))
        setVariable(name, .function(function))
    }

    /// Defines an object whose function members are actions, like `http.get`.
    public func defineAction(_ name: String, _ object: ObjectValue) {
        for case .function(let function) in object.values { actions.functions.insert(ObjectIdentifier(function)) }
        setVariable(name, .object(object))
    }

    /// Whether `text` stops in the middle of something (an open bracket, a trailing operator).
    public static func isIncomplete(_ text: String) -> Bool {
        var parser = Parser(SourceFile(name: "<prompt>", text: text))
        _ = parser.parseProgram()
        return parser.diagnostics.first?.isIncomplete ?? false
    }

    /// Runs the statements of `source`; returns the value of the last one when it is an expression.
    /// Stops at the first error, keeping what the statements before it did.
    public func execute(_ source: SourceFile) throws -> Value? {
        var parser = Parser(source)
        let statements = parser.parseProgram()
        if let diagnostic = parser.diagnostics.first { throw diagnostic }
        var compiler = Compiler(source: source, parameters: [], globals: .table(table))
        let compiled = statements.map { compiler.compileStatement($0) }
        var runtime = Runtime(limits: limits, isCancelled: isCancelled, actions: actions)
        let root = Frame(slots: [], parent: nil)
        var result: Value?
        do {
            for statement in compiled {
                result = try statement(root, &runtime)
            }
        } catch {
            throw Diagnostic(error, file: source)
        }
        return result
    }
}

extension Interpreter {
    /// Runs statements typed at the prompt.
    public func execute(_ text: String) throws -> Value? {
        try execute(SourceFile(name: "<prompt>", text: text))
    }
}
