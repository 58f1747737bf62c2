import HopsLang

/// Who the token is on the server, as `hops remote whoami` and `:remote` print it.
public struct RemoteIdentity: Sendable {
    public var server: String
    public var profile: String?
    public var workspace: String
    public var email: String
    public var username: String
    public var isAdmin: Bool
    public var version: String

    /// Asks the server for its version and the token's user in the workspace.
    public static func fetch(_ client: WindmillClient) throws(RemoteError) -> RemoteIdentity {
        let version = try client.version()
        let user = try client.whoami()
        func text(_ key: String) -> String {
            if case .object(let object) = user, case .string(let value)? = object[key] { return value }
            return ""
        }
        var admin = false
        if case .object(let object) = user, case .bool(let value)? = object["is_admin"] { admin = value }
        return RemoteIdentity(
            server: client.target.baseURL, profile: client.target.profileName, workspace: client.target.workspace,
            email: text("email"), username: text("username"), isAdmin: admin, version: version)
    }

    public var lines: [String] {
        [
            "user:      \(username) <\(email)>\(isAdmin ? " (admin)" : "")",
            "workspace: \(workspace)",
            "server:    \(server)\(profile.map { " (profile \($0))" } ?? "")",
            "version:   \(version)",
        ]
    }

    public var json: String {
        var object = ObjectValue([
            ("user", .string(username)), ("email", .string(email)), ("is_admin", .bool(isAdmin)),
            ("workspace", .string(workspace)), ("server", .string(server)), ("version", .string(version)),
        ])
        object["profile"] = profile.map { .string($0) } ?? .null
        return Value.object(object).jsonString(indent: 2) ?? "{}"
    }
}

/// The profiles as `hops remote list` prints them; never the token.
public enum RemoteListing {
    public static func table(_ profiles: [RemoteProfile], active: String?) -> String {
        let rows = profiles.map { profile in
            [
                (profile.name == active ? "* " : "  ") + profile.name, profile.remote, profile.workspaceID,
                profile.token == nil ? "no token" : "token set",
            ]
        }
        let header = ["  NAME", "URL", "WORKSPACE", "TOKEN"]
        let widths = (0..<header.count).map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        return ([header] + rows).map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    public static func json(_ profiles: [RemoteProfile], active: String?) -> String {
        Value.array(
            profiles.map { profile in
                .object(
                    ObjectValue([
                        ("name", .string(profile.name)), ("remote", .string(profile.remote)),
                        ("workspace", .string(profile.workspaceID)), ("active", .bool(profile.name == active)),
                        ("has_token", .bool(profile.token != nil)),
                    ]))
            }
        ).jsonString(indent: 2) ?? "[]"
    }
}
