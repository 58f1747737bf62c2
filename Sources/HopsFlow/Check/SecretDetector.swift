import Foundation
import HopsLang

/// Recognises literal secrets in flow files: values under secret-sounding keys and values shaped
/// like well-known tokens. Findings never repeat the secret itself.
enum SecretDetector {
    static let hint = "use $var:path or $res:path (a Windmill variable or resource) instead of a literal"

    private static let secretKeyFragments = [
        "token", "password", "passwd", "secret", "api_key", "apikey", "api-key", "private_key", "privatekey",
        "access_key", "accesskey", "credential", "auth_key",
    ]

    private static let tokenPatterns: [(name: String, pattern: String)] = [
        ("a GitHub token", #"\b(ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{20,}"#),
        ("a GitHub token", #"\bgithub_pat_[A-Za-z0-9_]{20,}"#),
        ("a Slack token", #"\bxox[bpars]-[A-Za-z0-9-]{10,}"#),
        ("an API key", #"\bsk-[A-Za-z0-9_-]{20,}"#),
        ("an AWS access key", #"\bAKIA[0-9A-Z]{16}\b"#),
        ("a bearer token", #"\bBearer\s+[A-Za-z0-9._~+/=-]{12,}"#),
        ("a JSON web token", #"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+"#),
        ("a private key", #"-----BEGIN [A-Z ]*PRIVATE KEY-----"#),
        ("a Slack webhook", #"hooks\.slack\.com/services/[A-Za-z0-9/]{20,}"#),
    ]

    private static let compiledPatterns: [(name: String, regex: NSRegularExpression)] = tokenPatterns.compactMap { entry in
        (try? NSRegularExpression(pattern: entry.pattern)).map { (entry.name, $0) }
    }

    /// What is wrong with `value` under `key` ("holds a literal secret" …), or nil when it looks harmless.
    static func finding(key: String, value: Value) -> String? {
        switch value {
        case .string(let text):
            if let kind = tokenKind(in: text) { return "holds what looks like \(kind)" }
            if isSecretKey(key) && isPlausibleSecret(text) { return "holds a literal secret" }
            if isHighEntropy(text) { return "holds what looks like a secret key (a long random string)" }
            return nil
        case .object(let object):
            for (childKey, child) in object.entries {
                if let inner = finding(key: childKey, value: child) { return "has a field '\(childKey)' that \(inner)" }
            }
            return nil
        case .array(let items):
            for item in items {
                if let inner = finding(key: key, value: item) { return inner }
            }
            return nil
        default:
            return nil
        }
    }

    static func isSecretKey(_ key: String) -> Bool {
        let lowered = key.lowercased()
        return secretKeyFragments.contains { lowered.contains($0) }
    }

    /// A literal that could be a secret: not empty, not a reference, not a placeholder, no blanks.
    static func isPlausibleSecret(_ text: String) -> Bool {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.count >= 4, !trimmed.contains(where: \.isWhitespace) else { return false }
        for prefix in ["$var:", "$res:", "$", "<", "{{", "%"] where trimmed.hasPrefix(prefix) { return false }
        // Windmill paths of variables and resources (f/…, u/…, g/…) name a secret, they are not one.
        if trimmed.range(of: #"^[fug]/[A-Za-z0-9_./-]+$"#, options: .regularExpression) != nil { return false }
        return true
    }

    static func tokenKind(in text: String) -> String? {
        let range = NSRange(location: 0, length: (text as NSString).length)
        return compiledPatterns.first { $0.regex.firstMatch(in: text, range: range) != nil }?.name
    }

    /// A long string of letters and digits with the spread of characters of a random key.
    static func isHighEntropy(_ text: String) -> Bool {
        guard text.count >= 32, text.count <= 512,
            text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+/=_-".contains($0)) }),
            text.contains(where: \.isNumber), text.contains(where: \.isLetter),
            !text.contains("/") || text.hasSuffix("=")
        else { return false }
        var counts: [Character: Int] = [:]
        for character in text { counts[character, default: 0] += 1 }
        let length = Double(text.count)
        let entropy = counts.values.reduce(0.0) { sum, count in
            let probability = Double(count) / length
            return sum - probability * log2(probability)
        }
        return entropy >= 4.0
    }
}

extension FlowChecker {
    /// Static arguments with literal secrets: under secret-sounding names, or shaped like tokens.
    mutating func checkSecrets(in transforms: InputTransforms, module: FlowModule) {
        for (name, transform) in transforms.entries {
            guard case .static(let value, let location) = transform,
                let finding = SecretDetector.finding(key: name, value: value)
            else { continue }
            report(.error, "argument '\(name)' of step '\(stepName(module))' \(finding); \(SecretDetector.hint)",
                at: location ?? module.location)
        }
    }

    /// Token-shaped string literals inside an expression.
    mutating func checkSecretLiterals(inExpression text: String, site: ExpressionSite) {
        guard let kind = SecretDetector.tokenKind(in: text) else { return }
        report(.error, "\(site.what) holds what looks like \(kind); \(SecretDetector.hint)", at: site.expression.location)
    }
}
