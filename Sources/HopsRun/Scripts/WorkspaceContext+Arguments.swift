import HopsLang

/// A step's arguments twice: with secrets resolved for the script, and as written for the record.
public struct ResolvedArguments: Sendable {
    /// What the script receives: `$var:`/`$res:` strings replaced by their values.
    public var values: ObjectValue
    /// What may be stored and hashed: secrets still as their references.
    public var references: ObjectValue
    /// The secret values resolved, to be masked wherever text leaves the step.
    public var secretValues: [String]
}

extension WorkspaceContext {
    /// Resolves every `$var:PATH` and `$res:PATH` string in `arguments`, at any depth.
    public func resolveArguments(_ arguments: ObjectValue) throws -> ResolvedArguments {
        var secrets: [String] = []
        var values = ObjectValue()
        for (name, value) in arguments.entries {
            values[name] = try resolveSecrets(in: value, secrets: &secrets)
        }
        return ResolvedArguments(values: values, references: arguments, secretValues: secrets)
    }

    /// `value` with its `$var:`/`$res:` strings resolved; the values found are added to `secrets`.
    public func resolveSecrets(in value: Value, secrets: inout [String]) throws -> Value {
        switch value {
        case .string(let text) where text.hasPrefix("$var:"):
            let found = try variable(String(text.dropFirst(5)))
            secrets.append(found.value)
            return .string(found.value)
        case .string(let text) where text.hasPrefix("$res:"):
            let found = try resource(String(text.dropFirst(5)))
            secrets.append(contentsOf: Self.secretStrings(in: found.value))
            return found.value
        case .array(let items):
            return .array(try items.map { try resolveSecrets(in: $0, secrets: &secrets) })
        case .object(let object):
            var resolved = ObjectValue()
            for (key, item) in object.entries { resolved[key] = try resolveSecrets(in: item, secrets: &secrets) }
            return .object(resolved)
        default:
            return value
        }
    }

    /// The secret values behind references a script read through the client (`$var:x`, `$res:y`).
    func secretValues(forReferences references: [String]) -> [String] {
        references.flatMap { reference -> [String] in
            if reference.hasPrefix("$var:") {
                return (try? variable(String(reference.dropFirst(5))).value).map { [$0] } ?? []
            }
            if reference.hasPrefix("$res:"), let found = try? resource(String(reference.dropFirst(5))) {
                return Self.secretStrings(in: found.value)
            }
            return []
        }
    }

    /// The strings of a resource worth masking: every leaf string of four characters or more
    /// (shorter ones would mask ordinary words everywhere).
    static func secretStrings(in value: Value) -> [String] {
        switch value {
        case .string(let text): text.count >= 4 ? [text] : []
        case .array(let items): items.flatMap { secretStrings(in: $0) }
        case .object(let object): object.values.flatMap { secretStrings(in: $0) }
        default: []
        }
    }
}
