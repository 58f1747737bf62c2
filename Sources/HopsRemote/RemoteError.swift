/// Why talking to a Windmill server failed, said so the user knows what to check. Never holds a token.
public enum RemoteError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The profile files or the choice of profile.
    case profile(String)
    /// No token: neither WM_TOKEN nor the profile has one.
    case noToken(remote: String)
    /// The transport failed (no connection, timeout, TLS), with the server and path.
    case transport(String)
    /// The server answered with an error status: method, path, workspace, status, its own words.
    case status(method: String, path: String, workspace: String, status: Int, message: String)
    /// An HTML page came back where the API answers text or JSON: a proxy in front of the server.
    case proxyPage(method: String, path: String, status: Int, title: String?)
    /// The answer was not what the API documents.
    case unexpectedAnswer(method: String, path: String, detail: String)
    /// Something local stops the command (a check error, a missing file, a job that is not a flow).
    case refused(String)
    /// Ctrl-C: the remote job was cancelled.
    case interrupted(String)

    public var description: String {
        switch self {
        case .profile(let message): message
        case .noToken(let remote):
            "no token for \(remote): set WM_TOKEN, or add one with `hops remote add NAME URL --workspace ID` (reads the token from standard input)"
        case .transport(let message): message
        case .status(let method, let path, let workspace, let status, let message):
            "\(method) \(path): \(status) \(Self.reason(status)) (workspace \(workspace)): \(message)\(Self.advice(status, workspace: workspace))"
        case .proxyPage(let method, let path, let status, let title):
            "\(method) \(path): \(status), an HTML page\(title.map { " (\"\($0)\")" } ?? "") came back instead of Windmill's API: "
                + "a proxy or login page answered; check the URL, or pass the headers it needs in HEADERS=\"Name: value\""
        case .unexpectedAnswer(let method, let path, let detail): "\(method) \(path): unexpected answer: \(detail)"
        case .refused(let message): message
        case .interrupted(let message): message
        }
    }

    /// What to check for a status a user can do something about.
    private static func advice(_ status: Int, workspace: String) -> String {
        switch status {
        case 401: "; check the token (WM_TOKEN or the profile) and that it belongs to workspace \(workspace): `hops remote whoami`"
        case 403: "; the token is valid but may not do this: check its scopes and your role in workspace \(workspace)"
        case 404: "; check the path and the workspace (--workspace), or whether the item was pushed"
        default: ""
        }
    }

    private static func reason(_ status: Int) -> String {
        switch status {
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        default: "HTTP"
        }
    }

    /// The status code of a `.status` error.
    public var statusCode: Int? {
        if case .status(_, _, _, let status, _) = self { return status }
        return nil
    }
}
