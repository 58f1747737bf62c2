import Foundation
import HopsHTTP
import HopsLang
import HopsStore

/// The actions hops offers without a script: `http.get/post/put/delete` and `sh(command)`.
///
/// They are values of the language at the prompt (`http.get(url, {headers, timeout})`,
/// `sh("df -h")`) and steps of a flow (a script path `hops:http.get` or `hops:sh`).
public enum BuiltinActions {
    /// The names a flow step can use after `hops:`.
    public static let stepNames = ["http.get", "http.post", "http.put", "http.delete", "sh"]

    /// Sends an HTTP request; `options` may hold `headers` (object), `body` (any JSON value,
    /// sent as JSON; a string is sent as it is) and `timeout` (seconds, default 30).
    public static func http(method: String, url: String, options: Value = .undefined) throws -> Value {
        var request = HTTPRequest(method: method, url: url)
        if case .object(let object) = options {
            if case .object(let headers)? = object["headers"] {
                request.headers = headers.entries.map { ($0.0, $0.1.toDisplayString()) }
            }
            if let timeout = object["timeout"], case .number(let seconds) = timeout, seconds > 0 {
                request.timeout = seconds
            }
            switch object["body"] {
            case nil, .undefined?: break
            case .string(let text)?: request.body = Data(text.utf8)
            case let body?: request.body = Data((body.jsonString() ?? "null").utf8)
            }
        }
        return try HTTPClient().perform(request).value
    }

    /// Runs `command` with `bash -c`; `{stdout, stderr, exit_code}`. A timeout kills its process group.
    public static func sh(
        _ command: String, timeout: Double? = 60, workingDirectory: String? = nil, cancellation: Cancellation? = nil
    ) throws -> Value {
        // The command travels in the environment (readable by this user only), not on the command
        // line (readable by everyone), since it may hold a secret.
        var environment = ProcessInfo.processInfo.environment
        environment["HOPS_SH_COMMAND"] = command
        let result = try ProcessRunner.run(
            ProcessRequest(
                executable: "bash", arguments: ["-c", "__hops_command=$HOPS_SH_COMMAND; unset HOPS_SH_COMMAND; eval \"$__hops_command\""],
                environment: environment, workingDirectory: workingDirectory, timeout: timeout),
            cancellation: cancellation)
        let exitCode = result.exitCode.map(Int.init) ?? 128 + Int(result.signal ?? 0)
        return .object(
            ObjectValue([
                ("stdout", .string(OutputText.escaped(result.standardOutput, keepingControls: true))),
                ("stderr", .string(OutputText.escaped(result.standardError, keepingControls: true))),
                ("exit_code", .number(Double(exitCode))),
            ]))
    }

    /// Runs the action `name` (one of `stepNames`) as a flow step with named arguments:
    /// http: `url`, `headers`, `body`, `timeout`; sh: `command`, `timeout`.
    public static func runStep(
        _ name: String, arguments: ObjectValue, workingDirectory: String?, timeout: Double?,
        cancellation: Cancellation? = nil
    ) -> StepOutcome {
        let started = Date()
        do {
            let result: Value
            if name == "sh" {
                guard case .string(let command)? = arguments["command"] else {
                    throw RunError.invalidArgument("hops:sh needs a string argument `command`")
                }
                result = try sh(command, timeout: timeout ?? 60, workingDirectory: workingDirectory, cancellation: cancellation)
            } else if name.hasPrefix("http."), stepNames.contains(name) {
                guard case .string(let url)? = arguments["url"] else {
                    throw RunError.invalidArgument("hops:\(name) needs a string argument `url`")
                }
                var options = arguments
                if let timeout, options["timeout"] == nil { options["timeout"] = .number(timeout) }
                result = try http(method: String(name.dropFirst(5)).uppercased(), url: url, options: .object(options))
            } else {
                throw RunError.invalidArgument("unknown built-in action hops:\(name) (known: \(stepNames.joined(separator: ", ")))")
            }
            return StepOutcome(result: result, duration: Date().timeIntervalSince(started))
        } catch let error as ProcessError {
            let kind: StepError.Kind = if case .timedOut = error { .timeout } else { .setup }
            return .failure(StepError(kind: kind, message: error.description), duration: Date().timeIntervalSince(started))
        } catch {
            return .failure(StepError(kind: .thrown, message: "\(error)"), duration: Date().timeIntervalSince(started))
        }
    }

    /// `http` (an object of get/post/put/delete) and `sh`, as bindings for the language.
    public static func bindings(workingDirectory: String? = nil, cancellation: Cancellation? = nil) -> [String: Value] {
        func httpFunction(_ method: String) -> Value {
            .function(
                FunctionValue(name: "http.\(method.lowercased())") { arguments, _ in
                    guard case .string(let url)? = arguments.first else {
                        throw LangError("http.\(method.lowercased())(url, options): url must be a string")
                    }
                    do {
                        return try http(method: method, url: url, options: arguments.count > 1 ? arguments[1] : .undefined)
                    } catch {
                        throw LangError("\(error)")
                    }
                })
        }
        let httpObject = ObjectValue(["GET", "POST", "PUT", "DELETE"].map { ($0.lowercased(), httpFunction($0)) })
        let shFunction = FunctionValue(name: "sh") { arguments, _ in
            guard case .string(let command)? = arguments.first else {
                throw LangError("sh(command, options): command must be a string")
            }
            var timeout = 60.0
            if arguments.count > 1, case .object(let options) = arguments[1], case .number(let seconds)? = options["timeout"] {
                timeout = seconds
            }
            do {
                return try sh(command, timeout: timeout, workingDirectory: workingDirectory, cancellation: cancellation)
            } catch {
                throw LangError("sh: \(error)")
            }
        }
        return ["http": .object(httpObject), "sh": .function(shFunction)]
    }
}

extension Value {
    /// A header value: strings as they are, anything else as JSON.
    func toDisplayString() -> String {
        if case .string(let text) = self { return text }
        return jsonString() ?? ""
    }
}
