import Foundation
import HopsLang

/// One profile of the wmill CLI: a name for a server URL, a workspace and a token.
public struct RemoteProfile: Sendable, Equatable {
    public var name: String
    /// The server's URL, ending with `/` as the CLI writes it (the API is at `remote + "api"`).
    public var remote: String
    public var workspaceID: String
    /// Never printed; kept only in memory and in the 0600 file the CLI also reads.
    public var token: String?

    public init(name: String, remote: String, workspaceID: String, token: String?) {
        self.name = name
        self.remote = RemoteProfile.normalize(remote)
        self.workspaceID = workspaceID
        self.token = token
    }

    /// `https://wm.example.com` → `https://wm.example.com/`, as `new URL(...)` gives it.
    public static func normalize(_ url: String) -> String {
        var text = url.trimmingCharacters(in: .whitespaces)
        if let schemeEnd = text.range(of: "://") {
            let host = text[schemeEnd.upperBound...]
            if !host.contains("/") { text += "/" }
        }
        return text.hasSuffix("/") ? text : text + "/"
    }
}

/// The wmill CLI's profile files: `remotes.ndjson` and `activeWorkspace` in `<config>/windmill/`.
///
/// The folder is `$WMILL_CONFIG_DIR/windmill`, else `$XDG_CONFIG_HOME/windmill`, else
/// `~/.config/windmill`, the same the CLI uses on Linux, so `wmill workspace add` is all the set-up.
public struct ProfileFiles: Sendable {
    public let directory: String

    public init(directory: String) { self.directory = directory }

    /// The folder the wmill CLI reads for `environment`.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let base: String
        if let configured = environment["WMILL_CONFIG_DIR"], !configured.isEmpty {
            base = configured
        } else if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty {
            base = xdg
        } else {
            base = (environment["HOME"] ?? NSHomeDirectory()) + "/.config"
        }
        self.init(directory: (base as NSString).appendingPathComponent("windmill"))
    }

    var remotesPath: String { (directory as NSString).appendingPathComponent("remotes.ndjson") }
    var activePath: String { (directory as NSString).appendingPathComponent("activeWorkspace") }

    /// Every profile, in file order; lines of two characters or fewer are skipped as the CLI does.
    public func profiles() throws(RemoteError) -> [RemoteProfile] {
        guard let data = FileManager.default.contents(atPath: remotesPath) else { return [] }
        var found: [RemoteProfile] = []
        for (index, line) in String(decoding: data, as: UTF8.self).split(separator: "\n").enumerated() {
            let text = line.trimmingCharacters(in: .whitespaces)
            if text.count <= 2 { continue }
            guard case .object(let object)? = try? Value(parsingJSON: text),
                case .string(let name)? = object["name"], case .string(let remote)? = object["remote"],
                case .string(let workspace)? = object["workspaceId"]
            else {
                throw RemoteError.profile("\(remotesPath):\(index + 1): not a profile (name, remote, workspaceId)")
            }
            var token: String?
            if case .string(let value)? = object["token"] { token = value }
            found.append(RemoteProfile(name: name, remote: remote, workspaceID: workspace, token: token))
        }
        return found
    }

    /// The name in `activeWorkspace`, if any.
    public func activeName() -> String? {
        guard let data = FileManager.default.contents(atPath: activePath) else { return nil }
        let name = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return name.isEmpty ? nil : name
    }

    /// Adds or replaces the profile `profile.name`, in the file format the CLI writes, mode 0600;
    /// makes it active when no profile was.
    public func add(_ profile: RemoteProfile) throws(RemoteError) {
        var all = try profiles().filter { $0.name != profile.name }
        all.append(profile)
        let lines = all.map { profile -> String in
            var object = ObjectValue([
                ("name", .string(profile.name)), ("remote", .string(profile.remote)),
                ("workspaceId", .string(profile.workspaceID)),
            ])
            if let token = profile.token { object["token"] = .string(token) }
            return Value.object(object).jsonString() ?? "{}"
        }
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try write(lines.joined(separator: "\n") + "\n", to: remotesPath)
            if activeName() == nil { try write(profile.name, to: activePath) }
        } catch let error as RemoteError {
            throw error
        } catch {
            throw RemoteError.profile("cannot write \(remotesPath): \(error.localizedDescription)")
        }
    }

    /// Writes `text` into a new file of mode 0600 and renames it over `path`.
    private func write(_ text: String, to path: String) throws {
        let temporary = path + ".tmp-\(getpid())"
        guard FileManager.default.createFile(
            atPath: temporary, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600])
        else { throw RemoteError.profile("cannot write \(temporary)") }
        guard rename(temporary, path) == 0 else {
            unlink(temporary)
            throw RemoteError.profile("cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }
}
