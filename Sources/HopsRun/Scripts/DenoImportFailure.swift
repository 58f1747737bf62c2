import Foundation

extension ScriptRunner {
    /// A Deno step that failed because one of its imports (`npm:`, `jsr:`, a URL) could not be
    /// fetched: its error names the import as the script writes it and the line it is on, with
    /// Deno's reason, instead of the temporary file Deno ran.
    func explainingImportFailure(_ outcome: StepOutcome, script: Script) -> StepOutcome {
        guard script.language == .deno, var error = outcome.error,
            let failure = DenoImportFailure(
                message: error.message, source: script.content, fileName: script.file.map { ($0 as NSString).lastPathComponent } ?? "main.ts")
        else { return outcome }
        error.kind = .setup
        error.name = "ImportError"
        error.message = failure.description
        var explained = outcome
        explained.error = error
        return explained
    }
}

/// What Deno says when a module cannot be fetched, read back to the import of the script.
struct DenoImportFailure: CustomStringConvertible {
    var specifier: String
    var line: Int
    var reason: String

    /// Deno's phrases for an import it could not fetch or resolve from a registry.
    static let markers = ["Failed loading ", "failed to load", "npm package '", "Could not find npm package", "Import '"]

    /// nil unless `message` is such a failure at an import of `source` (the file named `fileName`).
    init?(message: String, source: String, fileName: String) {
        let lines = message.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let first = lines.first, Self.markers.contains(where: { first.contains($0) }),
            first.contains("failed") || first.contains("Failed") || first.contains("not exist") || first.contains("not find")
        else { return nil }
        // `at file:///…/main.ts:LINE:COLUMN` points at the import's specifier.
        guard let position = lines.last(where: { $0.hasPrefix("at file://") }),
            let file = position.split(separator: ":").dropLast(2).last.map({ ($0 as Substring).split(separator: "/").last ?? "" }),
            // An inline script is main.ts in a step's folder, inline-HASH.ts in a warm process's.
            file == fileName || (fileName == "main.ts" && file.hasPrefix("inline-") && file.hasSuffix(".ts")),
            let (line, column) = Self.position(position),
            let specifier = Self.specifier(in: source, line: line, column: column)
        else { return nil }
        self.specifier = specifier
        self.line = line
        // Deno's first line, and the innermost cause it lists (`N: …`), without the temporary file.
        let causes = lines.dropFirst().filter { !$0.hasPrefix("at ") }
        let innermost = causes.last.map { $0.drop { $0.isNumber }.drop { $0 == ":" }.trimmingCharacters(in: .whitespaces) }
        let headline = first.hasSuffix(".") ? String(first.dropLast()) : first
        reason = [headline, innermost].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
    }

    var description: String {
        let offline = reason.contains("dns error") || reason.contains("Connection refused") || reason.contains("error sending request")
        let hint = offline ? " (offline? the import is fetched when the step first runs, then cached)" : ""
        return "cannot fetch the import '\(specifier)' (line \(line) of the script): \(reason)\(hint)"
    }

    private static func position(_ text: String) -> (Int, Int)? {
        let parts = text.split(separator: ":")
        guard parts.count >= 3, let column = Int(parts[parts.count - 1]), let line = Int(parts[parts.count - 2]) else { return nil }
        return (line, column)
    }

    /// The quoted specifier that starts at or after `column` (from 1) of `line` (from 1).
    private static func specifier(in source: String, line: Int, column: Int) -> String? {
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
        guard line >= 1, line <= lines.count else { return nil }
        let text = Array(lines[line - 1])
        var index = max(0, column - 1)
        while index < text.count, !"\"'`".contains(text[index]) { index += 1 }
        guard index < text.count else { return nil }
        let quote = text[index]
        guard let end = text[(index + 1)...].firstIndex(of: quote) else { return nil }
        return String(text[(index + 1)..<end])
    }
}
