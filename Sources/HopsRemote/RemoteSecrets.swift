import HopsLang
import HopsRun
import Synchronization

/// Variables and resources from a Windmill server, for the `$var:`/`$res:` a repository does not
/// define. Each value is read once per run and kept in memory only; the caller masks it.
public final class RemoteSecrets: SecretFallback {
    public let target: RemoteTarget
    private let variables = Mutex<[String: String?]>([:])
    private let resources = Mutex<[String: Value?]>([:])

    public init(target: RemoteTarget) { self.target = target }

    public func variable(_ path: String) throws -> String? {
        if let known = variables.withLock({ $0[path] }) { return known }
        // A client per lookup: steps of a parallel loop may ask at once, and a curl handle is not shared.
        let value = try WindmillClient(target: target).variableValue(path)
        variables.withLock { $0[path] = .some(value) }
        return value
    }

    public func resource(_ path: String) throws -> Value? {
        if let known = resources.withLock({ $0[path] }) { return known }
        let value = try WindmillClient(target: target).resourceValue(path)
        resources.withLock { $0[path] = .some(value) }
        return value
    }
}
