import ArgumentParser
import Foundation
import HopsRemote
import HopsShell

#if canImport(Glibc)
    import Glibc
#endif

/// `--remote NAME|URL --workspace ID --insecure`: where a remote command goes, declared once.
struct RemoteOptions: ParsableArguments {
    @Option(name: .long, help: "A wmill profile name or a server URL (default: the active wmill profile).")
    var remote: String?

    @Option(name: .long, help: "The workspace id (default: the profile's).")
    var workspace: String?

    @Flag(name: .long, help: "Do not verify the server's TLS certificate (warns).")
    var insecure = false

    /// The resolved target; the token comes from WM_TOKEN or the profile.
    func target() throws -> RemoteTarget {
        let target = try RemoteCommand.answer { () throws(RemoteError) in
            try RemoteTarget.resolve(remote: remote, workspace: workspace, insecure: insecure)
        }
        if insecure { Terminal.writeError("warning: --insecure: the TLS certificate of \(target.baseURL) is not verified\n") }
        return target
    }

    /// A client of the resolved target.
    func client() throws -> WindmillClient {
        let target = try target()
        return try RemoteCommand.answer { () throws(RemoteError) in try WindmillClient(target: target) }
    }
}

/// Running a remote operation and turning its error into one line and exit status 1.
enum RemoteCommand {
    static func answer<T>(_ body: () throws(RemoteError) -> T) throws -> T {
        do {
            return try body()
        } catch {
            Terminal.writeError("error: \(error)\n")
            throw ExitCode(1)
        }
    }
}

/// `hops remote list|add|whoami`: the wmill CLI's profiles, shared with it.
struct RemoteCommandGroup: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remote",
        _superCommandName: "hops",
        abstract: "The Windmill servers hops talks to: the wmill CLI's own profiles.",
        discussion: """
            Profiles live in $WMILL_CONFIG_DIR/windmill/remotes.ndjson (else $XDG_CONFIG_HOME or \
            ~/.config), the file `wmill workspace add` writes; the active one is in activeWorkspace. \
            The token is WM_TOKEN when set, else the profile's; it is never printed.
            """,
        subcommands: [RemoteList.self, RemoteAdd.self, RemoteWhoami.self])
}

/// `hops remote list`.
struct RemoteList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the profiles; * marks the active one.",
        discussion: "Example: hops remote list")

    @Flag(name: .long, help: "Print a JSON array (name, remote, workspace, active, has_token).")
    var json = false

    func run() throws {
        let files = ProfileFiles()
        let profiles = try RemoteCommand.answer { () throws(RemoteError) in try files.profiles() }
        let active = files.activeName()
        if json {
            Terminal.writeOutput(RemoteListing.json(profiles, active: active) + "\n")
            return
        }
        if profiles.isEmpty {
            Terminal.writeOutput("no profiles in \(files.directory): add one with `hops remote add NAME URL --workspace ID`\n")
            return
        }
        Terminal.writeOutput(RemoteListing.table(profiles, active: active) + "\n")
    }
}

/// `hops remote add NAME URL --workspace ID`: the token from WM_TOKEN or standard input, never an argument.
struct RemoteAdd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Add a profile (the same file wmill writes, mode 0600).",
        discussion: """
            The token is read from WM_TOKEN, else from standard input (asked for without echo on a \
            terminal): a token is never a command-line argument, where any user could read it. \
            Example: printf '%s' "$TOKEN" | hops remote add prod https://wm.example.com --workspace main
            """)

    @Argument(help: "The profile's name.") var name: String
    @Argument(help: "The server's URL.") var url: String
    @Option(name: .long, help: "The workspace id.") var workspace: String

    func validate() throws {
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
            throw ValidationError("the URL must start with http:// or https://, got '\(url)'")
        }
    }

    func run() throws {
        let token = try readToken()
        let files = ProfileFiles()
        try RemoteCommand.answer { () throws(RemoteError) in
            try files.add(RemoteProfile(name: name, remote: url, workspaceID: workspace, token: token))
        }
        let active = files.activeName() == name ? " (active)" : ""
        Terminal.writeOutput("added \(name)\(active): \(RemoteProfile.normalize(url)), workspace \(workspace)\n")
    }

    private func readToken() throws -> String {
        if let token = ProcessInfo.processInfo.environment["WM_TOKEN"], !token.isEmpty { return token }
        if Terminal.isTerminal(STDIN_FILENO), let entered = getpass("token for \(name): ") {
            return String(cString: entered)
        }
        let text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else {
            Terminal.writeError("error: no token: set WM_TOKEN or give it on standard input\n")
            throw ExitCode(1)
        }
        return text
    }
}

/// `hops remote whoami`: user, workspace and server version.
struct RemoteWhoami: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "whoami", abstract: "Check the token: the user, the workspace and the server's version.",
        discussion: "Example: hops remote whoami --remote prod")

    @OptionGroup var remote: RemoteOptions

    @Flag(name: .long, help: "Print one JSON object.")
    var json = false

    func run() throws {
        let client = try remote.client()
        let identity = try RemoteCommand.answer { () throws(RemoteError) in try RemoteIdentity.fetch(client) }
        Terminal.writeOutput((json ? identity.json : identity.lines.joined(separator: "\n")) + "\n")
    }
}
