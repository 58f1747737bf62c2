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
    static func programsNamed(in source: String) -> [String] {
        var names: [String] = []
        for pattern in patterns {
            let range = NSRange(source.startIndex..., in: source)
            for match in pattern.matches(in: source, range: range) {
                guard let name = Range(match.range(at: 1), in: source).map({ String(source[$0]) }),
                    !names.contains(name)
                else { continue }
                names.append(name)
            }
        }
        return names
    }

    private static let patterns: [NSRegularExpression] = [
        #"new\s+Deno\.Command\(\s*["'`]([^"'`$\s,]+)["'`]"#,
        #"cmd\s*:\s*\[\s*["'`]([^"'`$\s,]+)["'`]"#,
        #"\b(?:spawn|spawnSync|execFile|execFileSync)\(\s*["'`]([^"'`$\s,]+)["'`]"#,
    ].map { try! NSRegularExpression(pattern: $0) }

    /// A Deno permission list. Deno has no way to write a comma inside an entry: a path holding
    /// one is left out, and Deno's refusal then names it.
    private static func list(_ entries: [String]) -> String {
        var seen = Set<String>()
        return entries.filter { !$0.contains(",") && seen.insert($0).inserted }.joined(separator: ",")
    }
}
