import Foundation
import HopsFlow

/// The permissions a Deno step runs with: those of Windmill's sandboxed workers, on hops's folders.
///
/// Network, system information (`Deno.systemMemoryInfo`, `Deno.loadavg`), the environment (already
/// cut down to what the script names) and imports are granted. Reading is granted on the repository,
/// hops's stdlib, the Deno cache and the step's work folder; writing on the work folder and the
/// state folder (`setState`, `setVariable`); running only the programs the script's source names
/// literally (`new Deno.Command("df", …)`). A warm harness also reads its requests from descriptor 3
/// and writes its answers to 4. `HOPS_DENO_FLAGS` adds flags to these (`--allow-read=/var/log`), as
/// `DENO_FLAGS` sets a Windmill worker's; with `--allow-all` (`-A`) in it, that is all there is, as
/// on a Windmill worker without its sandbox.
enum DenoPermissions {
    static func flags(
        source: String, scriptFile: String, workFolder: String, stdlib: String, context: WorkspaceContext,
        denoDirectory: String, serving: Bool = false
    ) -> [String] {
        let added = (context.environment["HOPS_DENO_FLAGS"] ?? "").split(whereSeparator: \.isWhitespace).map(String.init)
        if added.contains("--allow-all") || added.contains("-A") { return added }
        let scriptFolder = (scriptFile as NSString).deletingLastPathComponent
        var flags = [
            "--allow-net", "--allow-sys", "--allow-env", "--allow-import",
            "--allow-read="
                + list([context.repositoryRoot, scriptFolder, stdlib, denoDirectory, workFolder] + (serving ? ["/dev/fd/3"] : [])),
            "--allow-write=" + list([workFolder, context.stateDirectory] + (serving ? ["/dev/fd/4"] : [])),
        ]
        let programs = programsNamed(in: source)
        if !programs.isEmpty { flags.append("--allow-run=" + list(programs)) }
        return flags + added
    }

    /// The programs `source` starts by a literal name: `new Deno.Command("df", …)`,
    /// `Deno.run({ cmd: ["git", …] })`, node's `spawn("ls", …)`/`execFile("ls", …)`.
    ///
    /// Matched by hand (`TextCursor`) as `new\s+Deno\.Command\(`, `cmd\s*:\s*\[` and
    /// `\b(spawn|spawnSync|execFile|execFileSync)\(`, each then followed by `\s*Q(NAME)Q` where Q is a
    /// quote or a backquote and NAME has no quote, `$`, blank or comma: every match of the first, then
    /// the second, then the third.
    static func programsNamed(in source: String) -> [String] {
        let text = Array(source)
        var names: [String] = []
        let calls: [(inout TextCursor) -> Bool] = [newCommand, commandList, nodeSpawn]
        for call in calls {
            for start in text.indices {
                var cursor = TextCursor(text: text, at: start)
                guard call(&cursor), let name = quotedName(&cursor), !names.contains(name) else { continue }
                names.append(name)
            }
        }
        return names
    }

    /// `new\s+Deno\.Command\(`.
    private static func newCommand(_ cursor: inout TextCursor) -> Bool {
        cursor.take("new") && cursor.skip(while: \.isWhitespace) > 0 && cursor.take("Deno.Command(")
    }

    /// `cmd\s*:\s*\[`.
    private static func commandList(_ cursor: inout TextCursor) -> Bool {
        guard cursor.take("cmd") else { return false }
        cursor.skip(while: \.isWhitespace)
        guard cursor.take(":") else { return false }
        cursor.skip(while: \.isWhitespace)
        return cursor.take("[")
    }

    /// `\b(spawn|spawnSync|execFile|execFileSync)\(`.
    private static func nodeSpawn(_ cursor: inout TextCursor) -> Bool {
        guard cursor.at == 0 || !TextCursor.isWord(cursor.text[cursor.at - 1]) else { return false }
        let start = cursor.at
        for call in ["spawn(", "spawnSync(", "execFile(", "execFileSync("] {
            cursor.at = start
            if cursor.take(call) { return true }
        }
        return false
    }

    /// `\s*Q(NAME)Q`: the name.
    private static func quotedName(_ cursor: inout TextCursor) -> String? {
        func isQuote(_ character: Character) -> Bool { character == "\"" || character == "'" || character == "`" }
        cursor.skip(while: \.isWhitespace)
        guard let open = cursor.current, isQuote(open) else { return nil }
        cursor.at += 1
        let start = cursor.at
        cursor.skip { !isQuote($0) && !$0.isWhitespace && $0 != "$" && $0 != "," }
        guard cursor.at > start, let close = cursor.current, isQuote(close) else { return nil }
        return String(cursor.text[start..<cursor.at])
    }

    /// A Deno permission list. Deno has no way to write a comma inside an entry: a path holding
    /// one is left out, and Deno's refusal then names it.
    private static func list(_ entries: [String]) -> String {
        var seen = Set<String>()
        return entries.filter { !$0.contains(",") && seen.insert($0).inserted }.joined(separator: ",")
    }
}
