import Foundation

/// The parameters of a script's `main`, as Windmill reads them to pass arguments by name.
public struct ScriptSignature: Sendable, Equatable {
    /// The script language the signature was read as.
    public enum Language: String, Sendable {
        case typescript, python, bash
    }

    public var language: Language
    public var parameters: [ScriptParameter]
    /// Whether `main` takes any argument name (`**kwargs`, a rest or destructured parameter, a bash script).
    public var acceptsAnyArgument: Bool
    /// Line (from 1) of `main`'s declaration in the script, when there is one.
    public var line: Int?

    public init(language: Language, parameters: [ScriptParameter], acceptsAnyArgument: Bool = false, line: Int? = nil) {
        self.language = language
        self.parameters = parameters
        self.acceptsAnyArgument = acceptsAnyArgument
        self.line = line
    }

    public var parameterNames: [String] { parameters.map(\.name) }
    public var requiredParameters: [ScriptParameter] { parameters.filter { !$0.isOptional } }

    /// The language for a file name by its extension; nil when hops cannot read its signature.
    public static func language(forFile file: String) -> Language? {
        switch (file as NSString).pathExtension.lowercased() {
        case "ts", "mts", "js", "mjs": .typescript
        case "py": .python
        case "sh", "bash": .bash
        default: nil
        }
    }

    /// The language for a Windmill rawscript language name (`deno`, `bun`, `python3`, `bash` …).
    public static func language(forWindmillLanguage name: String) -> Language? {
        switch name.lowercased() {
        case "deno", "bun", "nativets", "typescript", "ts", "javascript": .typescript
        case "python3", "python", "py": .python
        case "bash", "sh": .bash
        default: nil
        }
    }

    /// Reads the signature of `entry` (`main`, or `preprocessor` for a preprocessor script) from a script's source.
    public static func read(source: String, language: Language, entry: String = "main") throws(ScriptSignatureError) -> ScriptSignature {
        switch language {
        case .typescript: try TypeScriptSignatureScanner(source: source, entry: entry).signature()
        case .python: try PythonSignatureScanner(source: source, entry: entry).signature()
        case .bash: BashSignatureScanner.signature(source: source)
        }
    }

    /// Reads the signature of `main` from a script file, its language from the extension.
    public static func read(file: String, entry: String = "main") throws(ScriptSignatureError) -> ScriptSignature {
        guard let language = language(forFile: file) else { throw .unsupportedLanguage(file) }
        guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8) else {
            throw .unreadable(file)
        }
        return try read(source: text, language: language, entry: entry)
    }
}

/// One parameter of `main`.
public struct ScriptParameter: Sendable, Equatable {
    public var name: String
    /// Whether a caller may leave it out: it has a default, is marked `?`, or is keyword-only with a default.
    public var isOptional: Bool
    /// The type annotation as written, if any.
    public var typeText: String?
    /// The default value as written, if any.
    public var defaultText: String?

    public init(name: String, isOptional: Bool, typeText: String? = nil, defaultText: String? = nil) {
        self.name = name
        self.isOptional = isOptional
        self.typeText = typeText
        self.defaultText = defaultText
    }
}

/// Why a script's signature could not be read.
public enum ScriptSignatureError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No `main` function in the script.
    case missingMain
    /// `main`'s parameter list is not closed.
    case unterminatedParameters(line: Int)
    case unsupportedLanguage(String)
    case unreadable(String)

    public var description: String {
        switch self {
        case .missingMain: "the script has no main function"
        case .unterminatedParameters(let line): "the parameter list of main (line \(line)) is not closed"
        case .unsupportedLanguage(let file): "cannot read the parameters of \((file as NSString).lastPathComponent): unknown script language"
        case .unreadable(let file): "cannot read \(file)"
        }
    }
}
