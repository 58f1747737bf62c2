import HopsFlow

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The directory where hops keeps per-user state: `$HOPS_HOME`, else `~/.hops`.
public enum HopsHome {
    /// The directory path, or nil when neither HOPS_HOME nor HOME is set.
    public static var path: String? { path(from: environment) }

    /// The same, as `environment` (a runner's) says.
    static func path(in environment: [String: String]) -> String? {
        path { environment[$0].flatMap { $0.isEmpty ? nil : $0 } }
    }

    /// `variable(name)`: a variable's value, nil when it is unset or empty.
    private static func path(from variable: (String) -> String?) -> String? {
        if let home = variable("HOPS_HOME") { return home }
        if let home = variable("HOME") { return home + "/.hops" }
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

extension FlowCache {
    /// Readings of flows kept in `HOPS_HOME/flow-cache`; nil when there is no home.
    public static var home: FlowCache? { HopsHome.path.map { FlowCache(directory: $0 + "/flow-cache") } }
}
