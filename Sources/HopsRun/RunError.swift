/// Why a step could not run or did not succeed, said so a user knows what to fix.
public enum RunError: Error, Sendable, Equatable, CustomStringConvertible {
    case missingVariable(path: String, environmentName: String)
    /// `unreadable`: the files under `windmill/` that could not be read as resources.
    case missingResource(path: String, unreadable: [String])
    case denoNotFound
    case unsupportedLanguage(String)
    case scriptNotFound(String)
    case invalidArgument(String)

    public var description: String {
        switch self {
        case .missingVariable(let path, let name):
            "variable not found: \(path) (set \(name) or add `\(path)=…` to .env)"
        case .missingResource(let path, let unreadable):
            "resource not found: \(path) (no file windmill/resources/\(path.split(separator: "/").last ?? "").yaml or .json)"
                + (unreadable.isEmpty ? "" : "; not valid YAML or JSON: " + unreadable.joined(separator: ", "))
        case .denoNotFound: "deno not found: run `make deps` or set HOPS_DENO"
        case .unsupportedLanguage(let language): "language \(language) is not supported by hops"
        case .scriptNotFound(let path): "script not found: \(path)"
        case .invalidArgument(let message): message
        }
    }
}
