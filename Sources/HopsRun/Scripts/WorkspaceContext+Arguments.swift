import HopsLang
import HopsStore

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
            SecretMask.learn([found.value])
            return .string(found.value)
        case .string(let text) where text.hasPrefix("$res:"):
            let found = try resolvedResource(String(text.dropFirst(5)))
            secrets.append(contentsOf: found.secrets)
            SecretMask.learn(found.secrets)
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
        let found = references.flatMap { reference -> [String] in
            if reference.hasPrefix("$var:") {
                return (try? variable(String(reference.dropFirst(5))).value).map { [$0] } ?? []
            }
            if reference.hasPrefix("$res:"), let found = try? resolvedResource(String(reference.dropFirst(5))) {
                return found.secrets
            }
            return []
        }
        SecretMask.learn(found)
        return found
    }

    /// The resource at `path` with its own `$var:` references resolved, and its secret strings: the
    /// values of those references, and the fields its resource type marks as passwords or whose names
    /// say they are credentials. Its other fields (a host, a port, a user name) are not secret.
    public func resolvedResource(_ path: String) throws -> (value: Value, secrets: [String]) {
        let found = try resource(path)
        let secretFields = resourceTypes[found.key].flatMap { secretFieldsByType[$0] } ?? []
        var secrets: [String] = []
        let value = try resolveResourceValue(found.value, field: nil, secretFields: secretFields, secrets: &secrets)
        return (value, secrets)
    }

    private func resolveResourceValue(
        _ value: Value, field: String?, secretFields: Set<String>, secrets: inout [String]
    ) throws -> Value {
        switch value {
        case .string(let text) where text.hasPrefix("$var:"):
            let found = try variable(String(text.dropFirst(5)))
            secrets.append(found.value)
            return .string(found.value)
        case .string(let text):
            if let field, !text.isEmpty, secretFields.contains(field) || Self.isCredentialName(field) {
                secrets.append(text)
            }
            return value
        case .array(let items):
            return .array(
                try items.map { try resolveResourceValue($0, field: field, secretFields: secretFields, secrets: &secrets) })
        case .object(let object):
            var resolved = ObjectValue()
            for (key, item) in object.entries {
                resolved[key] = try resolveResourceValue(item, field: key, secretFields: secretFields, secrets: &secrets)
            }
            return .object(resolved)
        default:
            return value
        }
    }

    /// Whether a resource field's name says it holds a credential (`password`, `api_key`, `clientSecret`, `token`…).
    static func isCredentialName(_ name: String) -> Bool {
        let words = name.lowercased().filter { $0.isLetter || $0.isNumber }
        let markers = ["password", "passwd", "passphrase", "secret", "token", "apikey", "privatekey", "accesskey",
            "credential", "bearer", "cookie", "pwd"]
        return markers.contains { words.contains($0) } || words == "key" || words == "pass" || words.hasSuffix("key")
    }
}
