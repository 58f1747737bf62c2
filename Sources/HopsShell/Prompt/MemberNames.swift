import HopsLang

/// Names Tab offers besides variables: members of values, global objects and keywords.
enum MemberNames {
    /// Methods every array has, as in JavaScript.
    static let arrayMethods = [
        "length", "at", "concat", "entries", "every", "filter", "find", "findIndex", "findLast",
        "findLastIndex", "flat", "flatMap", "forEach", "includes", "indexOf", "join", "keys",
        "lastIndexOf", "map", "reduce", "reduceRight", "reverse", "slice", "some", "sort", "toReversed",
        "toSorted", "values",
    ]

    /// Methods every string has, as in JavaScript.
    static let stringMethods = [
        "length", "at", "charAt", "charCodeAt", "codePointAt", "concat", "endsWith", "includes",
        "indexOf", "lastIndexOf", "localeCompare", "match", "padEnd", "padStart", "repeat", "replace",
        "replaceAll", "slice", "split", "startsWith", "substring", "toLowerCase", "toUpperCase", "trim",
        "trimEnd", "trimStart",
    ]

    /// Methods every number has.
    static let numberMethods = ["toFixed", "toString", "toPrecision"]

    /// The global names every program sees.
    static let globalNames = [
        "Math", "JSON", "Object", "Array", "Number", "String", "Boolean", "Date", "parseInt",
        "parseFloat", "isNaN", "isFinite", "Infinity", "NaN", "undefined",
    ]

    /// Words of the language that can start an expression or statement.
    static let keywords = ["let", "typeof", "true", "false", "null"]

    /// The member names Tab offers after `value.`.
    static func of(_ value: Value) -> [String] {
        switch value {
        case .object(let object): object.orderedKeys
        case .array: arrayMethods
        case .string: stringMethods
        case .number: numberMethods
        case .function(let function): staticMembers[function.name] ?? []
        default: []
        }
    }

    /// Members of the global constructors, which are functions rather than objects.
    static let staticMembers: [String: [String]] = [
        "Object": ["keys", "values", "entries", "fromEntries", "assign"],
        "Array": ["isArray", "from", "of"],
        "Number": ["isInteger", "isFinite", "isNaN", "isSafeInteger", "parseFloat", "parseInt"],
        "String": ["fromCharCode"],
    ]

    /// A global's value, got by evaluating its bare name: reading a global has no effects.
    static func global(_ name: String) -> Value? {
        guard globalNames.contains(name) else { return nil }
        return try? Expression(SourceFile(name: "<completion>", text: name)).evaluate([])
    }
}
