import Foundation
import HopsLang

/// The REST operations hops uses, named after their `operationId`.
extension WindmillClient {
    /// `backendVersion`: `CE v1.743.0`; needs no token.
    public func version() throws(RemoteError) -> String {
        try text("GET", "/version", authorized: false)
    }

    /// `whoami`: the user in this workspace; checks the token and the membership together.
    public func whoami() throws(RemoteError) -> Value {
        try json("GET", workspacePath("/users/whoami"))
    }

    /// `getScriptByPath`, or nil when there is no script at `path`.
    public func script(at path: String) throws(RemoteError) -> Value? {
        try optional { () throws(RemoteError) in try json("GET", workspacePath("/scripts/get/p/\(Self.encodePath(path))")) }
    }

    /// `createScript` with `skip_if_noop`; returns the new hash.
    public func createScript(_ body: Value) throws(RemoteError) -> String {
        try text("POST", workspacePath("/scripts/create"), query: [("skip_if_noop", "true")], body: body)
    }

    /// `getFlowByPath`, or nil when there is no flow at `path`.
    public func flow(at path: String) throws(RemoteError) -> Value? {
        try optional { () throws(RemoteError) in try json("GET", workspacePath("/flows/get/\(Self.encodePath(path))")) }
    }

    /// `createFlow`.
    public func createFlow(_ body: Value) throws(RemoteError) {
        _ = try send("POST", workspacePath("/flows/create"), body: body)
    }

    /// `updateFlow`.
    public func updateFlow(path: String, _ body: Value) throws(RemoteError) {
        _ = try send("POST", workspacePath("/flows/update/\(Self.encodePath(path))"), body: body)
    }

    /// `runFlowByPath`: the new job's id.
    public func runFlow(path: String, arguments: Value) throws(RemoteError) -> String {
        try text("POST", workspacePath("/jobs/run/f/\(Self.encodePath(path))"), body: arguments)
    }

    /// `runFlowPreview` of a local definition: the new job's id.
    public func runFlowPreview(path: String, value: Value, arguments: Value) throws(RemoteError) -> String {
        try text(
            "POST", workspacePath("/jobs/run/preview_flow"),
            body: .object(ObjectValue([("value", value), ("path", .string(path)), ("args", arguments)])))
    }

    /// `getJob` (code included: inline scripts keep their content).
    public func job(_ id: String) throws(RemoteError) -> Value {
        try json("GET", workspacePath("/jobs_u/get/\(Self.encodePath(id))"))
    }

    /// `getJobUpdates`: `{running, completed, new_logs, log_offset, flow_status, …}`.
    public func jobUpdates(_ id: String, logOffset: Int) throws(RemoteError) -> Value {
        try json(
            "GET", workspacePath("/jobs_u/getupdate/\(Self.encodePath(id))"),
            query: [("running", "false"), ("log_offset", String(logOffset))])
    }

    /// `cancelQueuedJob`.
    public func cancelJob(_ id: String, reason: String) throws(RemoteError) {
        _ = try send(
            "POST", workspacePath("/jobs_u/queue/cancel/\(Self.encodePath(id))"),
            body: .object(ObjectValue([("reason", .string(reason))])))
    }

    /// `getCompletedJobResult`: the whole result, never truncated.
    public func completedJobResult(_ id: String) throws(RemoteError) -> Value {
        try json("GET", workspacePath("/jobs_u/completed/get_result/\(Self.encodePath(id))"))
    }

    /// `getJobArgs`: the whole arguments, never truncated.
    public func jobArguments(_ id: String) throws(RemoteError) -> Value {
        try json("GET", workspacePath("/jobs_u/get_args/\(Self.encodePath(id))"))
    }

    /// `getJobLogs`: every line, not only the last 20000 characters.
    public func jobLogs(_ id: String) throws(RemoteError) -> String {
        try send(
            "GET", workspacePath("/jobs_u/get_logs/\(Self.encodePath(id))"), query: [("remove_ansi_warnings", "true")]
        ).text
    }

    /// `listCompletedJobs` with the given filters (newest first).
    public func completedJobs(_ filters: [(String, String)]) throws(RemoteError) -> [Value] {
        let answer = try json("GET", workspacePath("/jobs/completed/list"), query: filters)
        guard case .array(let jobs) = answer else {
            throw RemoteError.unexpectedAnswer(
                method: "GET", path: "/api" + workspacePath("/jobs/completed/list"), detail: "not a list")
        }
        return jobs.elements
    }

    /// `listJobs` (queued and completed) with the given filters.
    public func jobs(_ filters: [(String, String)]) throws(RemoteError) -> [Value] {
        guard case .array(let jobs) = try json("GET", workspacePath("/jobs/list"), query: filters) else {
            throw RemoteError.unexpectedAnswer(method: "GET", path: "/api" + workspacePath("/jobs/list"), detail: "not a list")
        }
        return jobs.elements
    }

    /// `getVariableValue`: the value of a variable (secrets decrypted), or nil when there is none.
    public func variableValue(_ path: String) throws(RemoteError) -> String? {
        try optional { () throws(RemoteError) -> String in
            let value = try json("GET", workspacePath("/variables/get_value/\(Self.encodePath(path))"))
            if case .string(let text) = value { return text }
            return value.jsonString() ?? ""
        }
    }

    /// `getResourceValueInterpolated`: a resource with its `$var:`/`$res:` resolved, or nil.
    public func resourceValue(_ path: String) throws(RemoteError) -> Value? {
        try optional { () throws(RemoteError) in
            try json("GET", workspacePath("/resources/get_value_interpolated/\(Self.encodePath(path))"))
        }
    }

    /// `body()`, or nil on 404.
    private func optional<T>(_ body: () throws(RemoteError) -> T) throws(RemoteError) -> T? {
        do {
            return try body()
        } catch {
            if error.statusCode == 404 { return nil }
            throw error
        }
    }
}

extension WindmillClient {
    /// `getScriptByHash`: the version of a script that a job ran.
    public func script(hash: String) throws(RemoteError) -> Value? {
        try? json("GET", workspacePath("/scripts/get/h/\(Self.encodePath(hash))"))
    }
}
