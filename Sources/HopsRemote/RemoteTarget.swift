import Foundation

/// Where remote commands go: a server, a workspace, the token and how to talk to it.
public struct RemoteTarget: Sendable {
    /// The server's URL, ending with `/`; the API is at `baseURL + "api"`.
    public var baseURL: String
    public var workspace: String
    /// The profile name, or nil when the server was given as a URL.
    public var profileName: String?
    /// Never printed, never in an error or a command line: only in the Authorization header.
    var token: String?
    /// Skip TLS verification (`--insecure`); said once on standard error.
    public var insecure: Bool
    /// Extra headers from `HEADERS="Name: value, Name2: value2"`, as the wmill CLI reads them.
    public var extraHeaders: [(name: String, value: String)]

    public init(
        baseURL: String, workspace: String, token: String?, profileName: String? = nil, insecure: Bool = false,
        extraHeaders: [(name: String, value: String)] = []
    ) {
        self.baseURL = RemoteProfile.normalize(baseURL)
        self.workspace = workspace
        self.token = token
        self.profileName = profileName
        self.insecure = insecure
        self.extraHeaders = extraHeaders
    }

    /// Whether a token is known (from WM_TOKEN or the profile).
    public var hasToken: Bool { !(token ?? "").isEmpty }

    /// `prod (https://wm.example.com/, workspace main)`.
    public var label: String {
        (profileName.map { "\($0) " } ?? "") + "(\(baseURL), workspace \(workspace))"
    }

    /// Resolves `--remote NAME|URL` and `--workspace ID` as the wmill CLI would.
    ///
    /// A NAME is a profile; a URL is used with `--workspace` (or the workspace of a profile for the
    /// same URL); nothing given means the active profile, else `BASE_URL`/`BASE_INTERNAL_URL` with
    /// `WM_WORKSPACE`. The token is `WM_TOKEN` when set, else the profile's.
    public static func resolve(
        remote: String?, workspace: String?, insecure: Bool = false, files: ProfileFiles = ProfileFiles(),
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(RemoteError) -> RemoteTarget {
        let profiles = try files.profiles()
        let environmentToken = environment["WM_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        let headers = parseHeaders(environment["HEADERS"])
        func target(_ profile: RemoteProfile) -> RemoteTarget {
            RemoteTarget(
                baseURL: profile.remote, workspace: workspace ?? profile.workspaceID,
                token: environmentToken ?? profile.token, profileName: profile.name, insecure: insecure,
                extraHeaders: headers)
        }
        if let remote, remote.contains("://") {
            let url = RemoteProfile.normalize(remote)
            let sameServer = profiles.filter { $0.remote == url }
            let match = sameServer.first { workspace == nil || $0.workspaceID == workspace }
            guard let chosen = workspace ?? match?.workspaceID else {
                throw RemoteError.profile("give the workspace of \(url) with --workspace ID")
            }
            return RemoteTarget(
                baseURL: url, workspace: chosen, token: environmentToken ?? match?.token, profileName: match?.name,
                insecure: insecure, extraHeaders: headers)
        }
        if let remote {
            guard let profile = profiles.first(where: { $0.name == remote }) else {
                let known = profiles.map(\.name)
                throw RemoteError.profile(
                    "no remote named \(remote) in \(files.remotesPath)"
                        + (known.isEmpty ? "; add one with `hops remote add \(remote) URL --workspace ID`" : " (known: \(known.joined(separator: ", ")))"))
            }
            return target(profile)
        }
        if let active = files.activeName(), let profile = profiles.first(where: { $0.name == active }) {
            return target(profile)
        }
        if let base = environment["BASE_INTERNAL_URL"] ?? environment["BASE_URL"],
            let space = workspace ?? environment["WM_WORKSPACE"], environmentToken != nil
        {
            return RemoteTarget(baseURL: base, workspace: space, token: environmentToken, insecure: insecure, extraHeaders: headers)
        }
        throw RemoteError.profile(
            "no remote given and no active wmill profile in \(files.directory): use --remote NAME|URL, "
                + "or add one with `hops remote add NAME URL --workspace ID`")
    }

    /// `HEADERS="H1: v1, H2: v2"` → pairs.
    static func parseHeaders(_ text: String?) -> [(name: String, value: String)] {
        guard let text, !text.isEmpty else { return [] }
        return text.split(separator: ",").compactMap { part in
            guard let colon = part.firstIndex(of: ":") else { return nil }
            return (
                part[..<colon].trimmingCharacters(in: .whitespaces),
                part[part.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            )
        }
    }
}
