import Foundation
import HopsLang
import HopsStore
import Synchronization
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
    public var resources: [String: Value] { resourceFiles.read.values }
    /// The resource type named by each resource file that names one, by resource path.
    public var resourceTypes: [String: String] { resourceFiles.read.types }
    /// The fields each resource type (`*.resource-type.yaml|json` under `windmill/`) marks as
    /// passwords (`password: true` or `format: password` in its schema).
    public var secretFieldsByType: [String: Set<String>] { resourceFiles.read.secretFields }
    public let environment: [String: String]
    /// Files that could not be read as resources or resource types (not YAML or JSON): named by the
    /// error of a `$res:` that is not found, never fatal. The parser's own message is not kept: it
    /// may quote the file, and a resource file holds secrets.
    public var problems: [String] { resourceFiles.read.problems }
    /// Where variables and resources not defined here are looked up next (a Windmill server).
    public var fallback: (any SecretFallback)?
    /// The resources and resource types, read when first asked for: finding the resource types means
    /// walking the whole `windmill/` tree, which most commands (a resume of cached steps, a step
    /// without `$res:`) never need.
    private let resourceFiles: ResourceFiles

    /// Reads `.env` under `repositoryRoot`; `windmill/resources` and the resource types when first used.
    public init(repositoryRoot: String, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.repositoryRoot = repositoryRoot
        self.environment = environment
        fileVariables = Self.readEnvFile(at: repositoryRoot + "/.env")
        resourceFiles = ResourceFiles(root: repositoryRoot + "/windmill")
    }

    /// The resources and resource types of a tree, read once, on first use, by whichever thread asks.
    private final class ResourceFiles: Sendable {
        struct Read: Sendable {
            var values: [String: Value]
            var types: [String: String]
            var secretFields: [String: Set<String>]
            var problems: [String]
        }

        private let root: String
        private let cache = Mutex<Read?>(nil)

        init(root: String) { self.root = root }

        var read: Read {
            cache.withLock { cache in
                if let cache { return cache }
                var problems: [String] = []
                let resources = WorkspaceContext.readResources(under: root + "/resources", problems: &problems)
                let secretFields = WorkspaceContext.readResourceTypes(under: root, problems: &problems)
                let read = Read(values: resources.values, types: resources.types, secretFields: secretFields, problems: problems)
                cache = read
                return read
            }
        }
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
            let found = overrides[candidate] as? String ?? environment[Self.environmentName(candidate)]
                ?? fileVariables[candidate]
            if let found {
                SecretMask.learn([found])
                return (found, candidate)
            }
        }
        if let value = try fallback?.variable(path) {
            SecretMask.learn([value])
            return (value, path)
        }
        let shortest = Self.candidates(path).last ?? path
        throw RunError.missingVariable(path: path, environmentName: Self.environmentName(shortest))
    }

    /// The value of the resource at `path`, and the key it was found under.
    public func resource(_ path: String) throws -> (value: Value, key: String) {
        for candidate in Self.candidates(path) {
            if let value = resources[candidate] { return (value, candidate) }
        }
        if let value = try fallback?.resource(path) { return (value, path) }
        throw RunError.missingResource(path: path, unreadable: problems)
    }

    /// The keys a script can ask for: every path-like word of its source (`f/homeops/token`) and
    /// its shorter forms (`homeops/token`, `token`), as `variable` and `resource` look them up.
    static func pathsMentioned(in source: String) -> Set<String> {
        var paths: Set<String> = []
        var word = ""
        for character in source + " " {
            if character.isLetter || character.isNumber || "_-./".contains(character) {
                word.append(character)
                continue
            }
            if !word.isEmpty { paths.formUnion(candidates(word)) }
            word = ""
        }
        return paths
    }

    /// The environment a script gets: this one without the `WM_VAR_*` variables it does not name.
    func scriptEnvironment(source: String) -> [String: String] {
        let named = Set(Self.pathsMentioned(in: source).map(Self.environmentName))
        return environment.filter { !$0.key.hasPrefix("WM_VAR_") || named.contains($0.key) }
    }

    /// What the harnesses read through `HOPS_CONTEXT_FILE`: the variables of `.env` and the
    /// resources whose path the script's source names, not every one of them.
    func harnessContextJSON(source: String) -> String {
        let named = Self.pathsMentioned(in: source)
        let variables = ObjectValue(
            fileVariables.filter { named.contains($0.key) }.sorted { $0.key < $1.key }.map { ($0.key, Value.string($0.value)) })
        let resourceObject = ObjectValue(
            resources.filter { named.contains($0.key) }.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
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

    static func readResources(
        under directory: String, problems: inout [String]
    ) -> (values: [String: Value], types: [String: String]) {
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else { return ([:], [:]) }
        var resources: [String: Value] = [:]
        var types: [String: String] = [:]
        while let relative = enumerator.nextObject() as? String {
            if relative.hasSuffix(".resource-type.yaml") || relative.hasSuffix(".resource-type.json") { continue }
            let suffixes = [".resource.yaml", ".resource.json", ".yaml", ".yml", ".json"]
            guard let suffix = suffixes.first(where: { relative.hasSuffix($0) }) else { continue }
            let key = String(relative.dropLast(suffix.count))
            let file = directory + "/" + relative
            do {
                let text = try String(contentsOfFile: file, encoding: .utf8)
                var value =
                    suffix.hasSuffix("json") ? try Value(parsingJSON: text) : Self.value(fromYAML: try Yams.load(yaml: text))
                // Windmill's own resource files wrap the value next to its type.
                if case .object(let object) = value, let inner = object["value"], case .string(let type)? = object["resource_type"] {
                    value = inner
                    types[key] = type
                }
                resources[key] = value
            } catch {
                problems.append(file)
            }
        }
        return (resources, types)
    }

    /// The password fields of each resource type defined in the tree, by type name (the file's name).
    static func readResourceTypes(under directory: String, problems: inout [String]) -> [String: Set<String>] {
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else { return [:] }
        var types: [String: Set<String>] = [:]
        while let relative = enumerator.nextObject() as? String {
            guard let suffix = [".resource-type.yaml", ".resource-type.json"].first(where: { relative.hasSuffix($0) })
            else { continue }
            let name = String((relative as NSString).lastPathComponent.dropLast(suffix.count))
            let file = directory + "/" + relative
            do {
                let text = try String(contentsOfFile: file, encoding: .utf8)
                let definition =
                    suffix.hasSuffix("json") ? try Value(parsingJSON: text) : Self.value(fromYAML: try Yams.load(yaml: text))
                guard case .object(let object) = definition, case .object(let schema)? = object["schema"],
                    case .object(let properties)? = schema["properties"]
                else { continue }
                var fields: Set<String> = []
                for (field, property) in properties.entries {
                    guard case .object(let details) = property else { continue }
                    if case .bool(true)? = details["password"] { fields.insert(field) }
                    if case .string("password")? = details["format"] { fields.insert(field) }
                }
                types[name] = fields
            } catch {
                problems.append(file)
            }
        }
        return types
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
