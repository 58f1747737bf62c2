import Foundation
import HopsFlow
import HopsLang

/// What the expressions of a step can see: the flow's input, earlier results, the loop's item.
///
/// OpenFlow names them `flow_input`, `results`, `previous_result`, `flow_input.iter`; the seed
/// format `inputs`, `steps.<id>.result`, `steps.<id>.failures`, `item`, `index`. Both are bound.
public struct Scope: Sendable {
    /// The flow's inputs, as given (with defaults applied).
    public var inputs: ObjectValue
    /// Results of the steps run so far in this scope, by id.
    public private(set) var results: ObjectValue
    /// Failed iterations of loop steps, by the loop's id.
    public private(set) var failures: [String: Value]
    /// `steps`: each step id with `{result}`, and `{failures}` for loops; kept as results come in,
    /// since every expression of every step is given it.
    public private(set) var steps: ObjectValue = ObjectValue()
    public var previousResult: Value
    /// The current item and index inside a loop.
    public var iteration: (value: Value, index: Int)?
    /// Further names, such as `error` in the failure module.
    public var extra: [String: Value] = [:]

    public init(inputs: ObjectValue) {
        self.inputs = inputs
        results = ObjectValue()
        failures = [:]
        previousResult = .null
    }

    /// `flow_input`: the inputs, plus `iter` inside a loop.
    public var flowInput: Value {
        var object = inputs
        if let iteration {
            object["iter"] = .object(ObjectValue([("value", iteration.value), ("index", .number(Double(iteration.index)))]))
        }
        return .object(object)
    }

    /// The names an expression of this scope can read, besides `extra` (`result`, `error`, `params`).
    func bindings(functions: [String: Value], extra: [String: Value] = [:]) -> [String: Value] {
        var bindings = functions
        bindings["flow_input"] = flowInput
        bindings["inputs"] = .object(inputs)
        bindings["results"] = .object(results)
        bindings["steps"] = .object(steps)
        bindings["previous_result"] = previousResult
        bindings["params"] = .object(ObjectValue())
        if let iteration {
            bindings["item"] = iteration.value
            bindings["index"] = .number(Double(iteration.index))
        }
        for (name, value) in self.extra { bindings[name] = value }
        for (name, value) in extra { bindings[name] = value }
        return bindings
    }

    /// Records a step's result so later steps see it.
    mutating func record(_ id: String, result: Value) {
        results[id] = result
        previousResult = result
        var step = ObjectValue([("result", result)])
        if let failed = failures[id] { step["failures"] = failed }
        steps[id] = .object(step)
    }

    /// Sets (or, with nil, removes) the result of a step that ran inside another, such as a branch's.
    mutating func export(_ id: String, _ value: Value?) {
        results[id] = value
        steps[id] = value.map { .object(ObjectValue([("result", $0)])) }
    }

    /// Records the failed iterations of a loop step, `steps.<id>.failures`.
    mutating func recordFailures(_ id: String, _ failed: Value) {
        failures[id] = failed
        if case .object(var step)? = steps[id] {
            step["failures"] = failed
            steps[id] = .object(step)
        }
    }
}

/// Compiles and evaluates a flow's expressions, reporting errors at their place in the flow file.
enum FlowExpressions {
    /// Evaluates `expression`; a parse or runtime error carries `file:line:col` when the flow has one.
    static func evaluate(_ expression: FlowExpression, bindings: [String: Value]) throws -> Value {
        // Padding the text to its position in the file makes diagnostics point into the flow file.
        var text = expression.evaluableText
        var name = "<expression>"
        if let location = expression.location {
            name = location.file
            text = String(repeating: "\n", count: max(0, location.line - 1))
                + String(repeating: " ", count: max(0, location.column - 1)) + expression.evaluableText
        }
        let compiled = try Expression(SourceFile(name: name, text: text))
        return try compiled.evaluate(bindings: bindings)
    }

    /// The value of an input transform: the literal, or the expression's value.
    static func evaluate(_ transform: InputTransform, bindings: [String: Value]) throws -> Value {
        switch transform {
        case .static(let value, _): value
        case .javascript(let expression): try evaluate(expression, bindings: bindings)
        }
    }
}
