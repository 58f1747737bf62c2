import Foundation
import HopsLang
import Yams

/// Variables, resources and state locations of a repository, as scripts and `$var:`/`$res:` see them.
///
/// Variables come from the environment (`WM_VAR_<PATH>`) and the git-ignored `.env` at the root,
/// resources from `windmill/resources/**/*.{yaml,json}`; stdlib/README.md documents the rules.
public struct WorkspaceContext: Sendable {
    public let repositoryRoot: String
    /// Variables read from `.env`, by path.
    public let fileVariables: [String: String]
    /// Resources read from `windmill/resources`, by path.
    public let resources: [String: Value]
    public let environment: [String: String]
    /// Files that could not be read as resources, with why; shown, never fatal.
    public let problems: [String]
    /// Where variables and resources not defined here are looked up next (a Windmill server).
    public var fallback: (any SecretFallback)?

    /// Reads `.env` and `windmill/resources` under `repositoryRoot`.
    public init(repositoryRoot: String, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.repositoryRoot = repositoryRoot
        self.environment = environment
        var problems: [String] = []
        fileVariables = Self.readEnvFile(at: repositoryRoot + "/.env")
        resources = Self.readResources(under: repositoryRoot + "/windmill/resources", problems: &problems)
        self.problems = problems
    }

    /// Where `setVariable` keeps values and where scripts keep their state.
    public var stateDirectory: String { repositoryRoot + "/.hops/state" }
    public var variablesFile: String { stateDirectory + "/variables.json" }

    /// The state file of a script, named after its path or the step that runs it.
    public func stateFile(for key: String) -> String {
        let name = key.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." ? $0 : "_" }
        return stateDirectory + "/" + String(name) + ".json"
    }

    /// `f/a/b/c`, then `a/b/c`, `b/c`, `c`: a Windmill path matches the longest local key.
    static func candidates(_ path: String) -> [String] {
        let segments = path.split(separator: "/").map(String.init)
        return segments.indices.map { segments[$0...].joined(separator: "/") }
    }

    static func environmentName(_ path: String) -> String {
        "WM_VAR_" + String(path.uppercased().map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" })
    }

    /// The value of the variable at `path`, and the key it was found under.
    public func variable(_ path: String) throws -> (value: String, key: String) {
        let overrides = (try? Data(contentsOf: URL(fileURLWithPath: variablesFile)))
            .flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] } ?? [:]
        for candidate in Self.candidates(path) {
            if let value = overrides[candidate] as? String { return (value, candidate) }
            if let value = environment[Self.environmentName(candidate)] { return (value, candidate) }
            if let value = fileVariables[candidate] { return (value, candidate) }
        }
        if let value = try fallback?.variable(path) { return (value, path) }
        let shortest = Self.candidates(path).last ?? path
        throw RunError.missingVariable(path: path, environmentName: Self.environmentName(shortest))
    }

    /// The value of the resource at `path`, and the key it was found under.
    public func resource(_ path: String) throws -> (value: Value, key: String) {
        for candidate in Self.candidates(path) {
            if let value = resources[candidate] { return (value, candidate) }
        }
        if let value = try fallback?.resource(path) { return (value, path) }
        throw RunError.missingResource(path: path)
    }

    /// What the harnesses read through `HOPS_CONTEXT_FILE`.
    func harnessContextJSON() -> String {
        let variables = ObjectValue(fileVariables.sorted { $0.key < $1.key }.map { ($0.key, Value.string($0.value)) })
        let resourceObject = ObjectValue(resources.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        let context = Value.object(
            ObjectValue([
                ("variables", .object(variables)), ("resources", .object(resourceObject)),
                ("workspace", .string(environment["WM_WORKSPACE"] ?? "hops")),
            ]))
        return context.jsonString() ?? "{}"
    }
}

/// Variables and resources from elsewhere, for the `$var:`/`$res:` a repository does not define;
/// what it returns is a secret like any other (masked, never stored).
public protocol SecretFallback: Sendable {
    /// The variable's value, or nil when there is none.
    func variable(_ path: String) throws -> String?
    /// The resource's value with its own references resolved, or nil when there is none.
    func resource(_ path: String) throws -> Value?
}

extension WorkspaceContext {
    /// `path=value` lines; `#` starts a comment; `export ` and surrounding quotes are dropped.
    static func readEnvFile(at path: String) -> [String: String] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [:] }
        var variables: [String: String] = [:]
        for rawLine in text.split(whereSeparator: \.isNewline) {
            var line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") { line = String(line.dropFirst(7)) }
            guard let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            var value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                value = String(value.dropFirst().dropLast())
            }
            variables[key] = value
        }
        return variables
    }

    static func readResources(under directory: String, problems: inout [String]) -> [String: Value] {
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else { return [:] }
        var resources: [String: Value] = [:]
        while let relative = enumerator.nextObject() as? String {
            let suffixes = [".resource.yaml", ".resource.json", ".yaml", ".yml", ".json"]
            guard let suffix = suffixes.first(where: { relative.hasSuffix($0) }) else { continue }
            let key = String(relative.dropLast(suffix.count))
            let file = directory + "/" + relative
            do {
                let text = try String(contentsOfFile: file, encoding: .utf8)
                var value =
                    suffix.hasSuffix("json") ? try Value(parsingJSON: text) : Self.value(fromYAML: try Yams.load(yaml: text))
                // Windmill's own resource files wrap the value next to its type.
                if case .object(let object) = value, let inner = object["value"], object["resource_type"] != nil {
                    value = inner
                }
                resources[key] = value
            } catch {
                problems.append("\(file): \(error)")
            }
        }
        return resources
    }

    static func value(fromYAML node: Any?) -> Value {
        switch node {
        case nil: return .null
        case let value as Bool: return .bool(value)
        case let value as Int: return .number(Double(value))
        case let value as Double: return .number(value)
        case let value as String: return .string(value)
        case let value as [Any]: return .array(value.map { Self.value(fromYAML: $0) })
        case let value as [String: Any]:
            return .object(ObjectValue(value.sorted { $0.key < $1.key }.map { ($0.key, Self.value(fromYAML: $0.value)) }))
        case let value as [AnyHashable: Any]:
            return .object(
                ObjectValue(value.map { ("\($0.key)", Self.value(fromYAML: $0.value)) }.sorted { $0.0 < $1.0 }))
        default: return .string("\(node ?? "")")
        }
    }
}
