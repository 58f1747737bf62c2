import HopsLang
import HopsStore

/// HTTP headers that carry credentials, masked wherever an action's arguments or result are recorded.
public enum SensitiveHeaders {
    /// Whether a header's name says it carries a credential: Authorization, Cookie, or a name ending
    /// in -Token, -Key, -Secret or -Password (X-Api-Key, X-Auth-Token, …), in any case.
    public static func isSensitive(_ name: String) -> Bool {
        let lower = name.lowercased()
        if ["authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "api-key", "apikey"]
            .contains(lower)
        { return true }
        return ["-token", "-key", "-secret", "-password", "_token", "_key", "_secret", "_password"].contains {
            lower.hasSuffix($0)
        }
    }

    /// `value` with the values of sensitive headers replaced by the mask, at any depth: in every object
    /// under a key named `headers`. Each value masked is also learnt as a secret, so the same value is
    /// masked in whatever else is printed or stored.
    public static func masked(_ value: Value) -> Value {
        var learnt: [String] = []
        let result = masked(value, inHeaders: false, learnt: &learnt)
        SecretMask.learn(learnt)
        return result
    }

    private static func masked(_ value: Value, inHeaders: Bool, learnt: inout [String]) -> Value {
        switch value {
        case .array(let items):
            return .array(items.map { masked($0, inHeaders: false, learnt: &learnt) })
        case .object(let object):
            var result = ObjectValue()
            for (key, item) in object.entries {
                if inHeaders, isSensitive(key) {
                    collectStrings(item, into: &learnt)
                    result[key] = .string(SecretRedactor.mask)
                } else {
                    result[key] = masked(item, inHeaders: key.lowercased() == "headers", learnt: &learnt)
                }
            }
            return .object(result)
        default:
            return value
        }
    }

    private static func collectStrings(_ value: Value, into strings: inout [String]) {
        switch value {
        case .string(let text):
            strings.append(text)
            // `Bearer abc` and `Basic abc`: the credential alone is secret too.
            if let space = text.firstIndex(of: " ") {
                let credential = text[text.index(after: space)...].trimmingCharacters(in: .whitespaces)
                if credential.count >= 4 { strings.append(credential) }
            }
        case .array(let items): items.forEach { collectStrings($0, into: &strings) }
        case .object(let object): object.values.forEach { collectStrings($0, into: &strings) }
        default: break
        }
    }
}
