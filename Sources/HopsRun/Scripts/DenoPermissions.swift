import Foundation

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
    /// Matched by hand, byte by byte (regular expressions would cost more than the step's own start:
    /// ICU compiles them on first use), as `new\s+Deno\.Command\(\s*Q(NAME)Q`, `cmd\s*:\s*\[\s*Q(NAME)Q`
    /// and `\b(spawn|spawnSync|execFile|execFileSync)\(\s*Q(NAME)Q`, where Q is a quote or a backquote
    /// and NAME has no quote, `$`, blank or comma: every match of the first, then the second, then the third.
    static func programsNamed(in source: String) -> [String] {
        let bytes = Array(source.utf8)
        var names: [String] = []
        let calls: [(Int) -> Int?] = [
            { start in
                var at = start
                guard take("new", in: bytes, at: &at), skipSpaces(in: bytes, at: &at) > 0,
                    take("Deno.Command(", in: bytes, at: &at)
                else { return nil }
                return at
            },
            { start in
                var at = start
                guard take("cmd", in: bytes, at: &at) else { return nil }
                skipSpaces(in: bytes, at: &at)
                guard take(":", in: bytes, at: &at) else { return nil }
                skipSpaces(in: bytes, at: &at)
                return take("[", in: bytes, at: &at) ? at : nil
            },
            { start in
                guard start == 0 || !isWord(bytes[start - 1]) else { return nil }
                let functions: [StaticString] = ["spawn", "spawnSync", "execFile", "execFileSync"]
                for function in functions {
                    var at = start
                    if take(function, in: bytes, at: &at), take("(", in: bytes, at: &at) { return at }
                }
                return nil
            },
        ]
        for call in calls {
            for start in bytes.indices {
                guard let after = call(start), let name = quotedName(in: bytes, from: after), !names.contains(name) else {
                    continue
                }
                names.append(name)
            }
        }
        return names
    }

    /// Blanks, a quote, a name, a quote: the name.
    private static func quotedName(in bytes: [UInt8], from start: Int) -> String? {
        func isQuote(_ byte: UInt8) -> Bool { byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") || byte == UInt8(ascii: "`") }
        var at = start
        skipSpaces(in: bytes, at: &at)
        guard at < bytes.count, isQuote(bytes[at]) else { return nil }
        at += 1
        let nameStart = at
        while at < bytes.count, !isQuote(bytes[at]), !isSpace(bytes[at]), bytes[at] != UInt8(ascii: "$"),
            bytes[at] != UInt8(ascii: ",")
        {
            at += 1
        }
        guard at > nameStart, at < bytes.count, isQuote(bytes[at]) else { return nil }
        return String(decoding: bytes[nameStart..<at], as: UTF8.self)
    }

    private static func take(_ literal: StaticString, in bytes: [UInt8], at position: inout Int) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard bytes.count - position >= count else { return false }
        for offset in 0..<count where bytes[position + offset] != literal.utf8Start[offset] { return false }
        position += count
        return true
    }

    @discardableResult
    private static func skipSpaces(in bytes: [UInt8], at position: inout Int) -> Int {
        let start = position
        while position < bytes.count, isSpace(bytes[position]) { position += 1 }
        return position - start
    }

    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) }

    /// `\w`, with every byte of a non-ASCII character counted as a letter.
    private static func isWord(_ byte: UInt8) -> Bool {
        byte >= 0x80 || byte == UInt8(ascii: "_") || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
            || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z"))
    }

    /// A Deno permission list. Deno has no way to write a comma inside an entry: a path holding
    /// one is left out, and Deno's refusal then names it.
    private static func list(_ entries: [String]) -> String {
        var seen = Set<String>()
        return entries.filter { !$0.contains(",") && seen.insert($0).inserted }.joined(separator: ",")
    }
}
