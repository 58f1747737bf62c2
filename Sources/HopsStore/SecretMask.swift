import Foundation
import Synchronization

/// The secrets this process has learnt, and the one place every output path masks them.
///
/// A secret is learnt where it is resolved (a `$var:` or `$res:` reference, a variable a script read,
/// a token); from then on the terminal writers, the notebook writers, the run store, the reports and
/// the exports all mask it, in each of the encodings `SecretRedactor` knows.
public enum SecretMask {
    private static let known = Mutex(SecretRedactor())

    /// Remembers `secrets` for the rest of the process.
    public static func learn(_ secrets: some Sequence<String>) {
        let fresh = Array(secrets).filter { !$0.isEmpty }
        if fresh.isEmpty { return }
        known.withLock { $0.add(fresh) }
    }

    /// `text` with every secret learnt so far masked.
    public static func redact(_ text: String) -> String {
        let redactor = known.withLock { $0 }
        return redactor.redact(text)
    }

    /// Output kept as bytes, masked.
    public static func redact(_ bytes: Data) -> Data { redactor.redact(bytes) }

    /// `text` masked, nil staying nil.
    public static func redact(_ text: String?) -> String? { text.map { redact($0) } }

    /// The redactor holding every secret learnt so far.
    public static var redactor: SecretRedactor { known.withLock { $0 } }
}
