import Foundation
import HopsFlow

/// A script's language, by the runtime that runs it.
public enum ScriptLanguage: String, Sendable, Equatable, CaseIterable {
    /// TypeScript or JavaScript under Deno (Windmill's deno, bun and nativets).
    case deno
    case python3
    case bash

    /// The language for Windmill's name of it; throws for the ones hops cannot run.
    public init(windmillName: String) throws {
        switch windmillName.lowercased() {
        case "deno", "bun", "nativets", "typescript", "ts", "javascript", "js": self = .deno
        case "python3", "python", "py": self = .python3
        case "bash", "sh", "shell": self = .bash
        default: throw RunError.unsupportedLanguage(windmillName)
        }
    }

    /// The language of a script file, from its extension.
    public init(fileExtension: String) throws {
        switch fileExtension.lowercased() {
        case "ts", "mts", "js", "mjs": self = .deno
        case "py": self = .python3
        case "sh", "bash": self = .bash
        default: throw RunError.unsupportedLanguage(fileExtension.isEmpty ? "(no file extension)" : "." + fileExtension)
        }
    }

    var fileExtension: String {
        switch self {
        case .deno: "ts"
        case .python3: "py"
        case .bash: "sh"
        }
    }
}

/// A script to run: its source text, its language, and the file it lives in when it has one.
public struct Script: Sendable {
    public var language: ScriptLanguage
    public var content: String
    /// The script's file; nil for a script written inline in a flow.
    public var file: String?
    /// How messages and the state file name the script (its path, or the step's id).
    public var name: String
    /// The dependency lock of an inline script (a path script's lock is read beside its file).
    public var lock: String?

    public init(language: ScriptLanguage, content: String, file: String? = nil, name: String) {
        self.language = language
        self.content = content
        self.file = file
        self.name = name
    }

    /// The script in `file`, its language from the extension unless given.
    public static func file(_ path: String, language: ScriptLanguage? = nil) throws -> Script {
        guard FileManager.default.fileExists(atPath: path),
            let content = try? String(contentsOfFile: path, encoding: .utf8)
        else { throw RunError.scriptNotFound(path) }
        let resolvedLanguage = try language ?? ScriptLanguage(fileExtension: (path as NSString).pathExtension)
        return Script(language: resolvedLanguage, content: content, file: path, name: path)
    }

    /// A script written inline, in Windmill's language `language`.
    public static func inline(_ content: String, language: String, name: String) throws -> Script {
        Script(language: try ScriptLanguage(windmillName: language), content: content, name: name)
    }
}

extension PathScript {
    /// The file of a path step: as the loader resolved it (from the repository or the flow's
    /// folder), else its path under the repository, `windmill/scripts/`, or `windmill/` with the
    /// extension Windmill leaves off.
    func locate(in flow: Flow, repositoryRoot root: String) -> String? {
        candidates(in: flow, repositoryRoot: root).first { candidate in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory) && !isDirectory.boolValue
        }
    }

    /// Where the file may be, in the order `locate` tries them; each made only when asked for.
    func candidates(in flow: Flow, repositoryRoot root: String) -> ScriptCandidates {
        ScriptCandidates(resolved: resolvedFile, path: path, flowFile: flow.file, root: root)
    }
}

/// The places of `PathScript.candidates`, each made when the one before it is not the file. A
/// plain value: every step asks, a resume a thousand times, and a list of closures, one per place,
/// cost more to make and free than the lookup of the first place, which is most often the file.
struct ScriptCandidates: Sequence, IteratorProtocol {
    let resolved: String?
    let path: String
    let flowFile: String?
    let root: String
    private var place = 0

    init(resolved: String?, path: String, flowFile: String?, root: String) {
        self.resolved = resolved
        self.path = path
        self.flowFile = flowFile
        self.root = root
    }

    mutating func next() -> String? {
        while place < 7 {
            place += 1
            if let candidate = candidate(at: place) { return candidate }
        }
        return nil
    }

    /// As the loader resolved it, from the repository, then from the flow's folder; the path under
    /// the repository; under `windmill/scripts/`; under `windmill/` with each extension.
    private func candidate(at place: Int) -> String? {
        switch place {
        case 1: return resolved.map { $0.hasPrefix("/") ? $0 : root + "/" + $0 }
        case 2:
            guard let resolved, let flowFile else { return nil }
            return ((flowFile as NSString).deletingLastPathComponent as NSString).appendingPathComponent(resolved)
        case 3: return path.hasPrefix("/") ? path : root + "/" + path
        case 4: return root + "/windmill/scripts/" + path
        case 5: return root + "/windmill/" + path + ".ts"
        case 6: return root + "/windmill/" + path + ".py"
        default: return root + "/windmill/" + path + ".sh"
        }
    }
}
