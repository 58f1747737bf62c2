import HopsLang

/// The variables a cell left behind, as JSON, so that a resumed run can start after it.
struct VariableSnapshot {
    /// The variables whose values survive a JSON round trip.
    var variables: ObjectValue
    /// The names whose values do not (functions, undefined, NaN): a resume cannot restore them.
    var unrestorable: [String]

    /// The variables of `interpreter` other than `excluded` (the ones it had before the notebook ran).
    init(of interpreter: Interpreter, excluding excluded: Set<String>) {
        variables = ObjectValue()
        unrestorable = []
        for name in interpreter.variableNames where !excluded.contains(name) {
            guard let value = interpreter.variable(name) else { continue }
            if value.survivesJSON {
                variables[name] = value
            } else {
                unrestorable.append(name)
            }
        }
    }

    init(variables: ObjectValue, unrestorable: [String]) {
        self.variables = variables
        self.unrestorable = unrestorable
    }

    /// Sets every variable of the snapshot in `interpreter`.
    func restore(into interpreter: Interpreter) {
        for (name, value) in variables.entries { interpreter.setVariable(name, value) }
    }
}

extension Value {
    /// Whether `JSON.parse(JSON.stringify(value))` gives the value back.
    var survivesJSON: Bool {
        switch self {
        case .null, .bool, .string: true
        case .number(let number): number.isFinite
        case .undefined, .function: false
        case .array(let elements): elements.allSatisfy(\.survivesJSON)
        case .object(let object): object.values.allSatisfy(\.survivesJSON)
        }
    }
}
