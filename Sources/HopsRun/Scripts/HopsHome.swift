#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The directory where hops keeps per-user state: `$HOPS_HOME`, else `~/.hops`.
public enum HopsHome {
    /// The directory path, or nil when neither HOPS_HOME nor HOME is set.
    public static var path: String? {
        if let home = environment("HOPS_HOME") { return home }
        if let home = environment("HOME") { return home + "/.hops" }
        return nil
    }

    /// The same, as `environment` (a runner's) says.
    static func path(in environment: [String: String]) -> String? {
        if let home = environment["HOPS_HOME"], !home.isEmpty { return home }
        if let home = environment["HOME"], !home.isEmpty { return home + "/.hops" }
        return nil
    }

    /// The history file, creating the directory if needed; nil when there is nowhere to keep it.
    public static func historyPath() -> String? {
        guard let directory = path else { return nil }
        if mkdir(directory, 0o700) != 0 && errno != EEXIST { return nil }
        return directory + "/history"
    }

    private static func environment(_ name: String) -> String? {
        guard let value = getenv(name), value.pointee != 0 else { return nil }
        return String(cString: value)
    }
}
