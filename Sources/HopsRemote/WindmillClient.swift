import Foundation
import HopsHTTP
import HopsLang

/// A client of one Windmill server and workspace, on the REST API of `windmill-api.openapi.yaml`.
///
/// Reads are retried with back-off on connection errors, 5xx and 429; writes are sent once. An error
/// status becomes a `RemoteError` naming the method, the path and the workspace, never the token.
/// Not for use from two threads (one curl handle).
public final class WindmillClient {
    public let target: RemoteTarget
    private let http: HTTPClient
    /// Seconds for one request; connecting gets `connectTimeout` of them.
    public var timeout: Double = 30
    public var connectTimeout: Double = 5
    /// Pauses before the second, third, … try of a read.
    public var retryDelays: [Double] = [0.25, 0.75, 1.5]

    public init(target: RemoteTarget) throws(RemoteError) {
        self.target = target
        do {
            http = try HTTPClient()
        } catch {
            throw RemoteError.transport(error.description)
        }
    }

    /// `/w/<workspace>` + `rest`: a workspace route.
    public func workspacePath(_ rest: String) -> String { "/w/\(Self.encodePath(target.workspace))\(rest)" }

    /// Sends one request to `/api` + `path`; `body` is sent as JSON. Error statuses throw.
    public func send(
        _ method: String, _ path: String, query: [(String, String)] = [], body: Value? = nil, authorized: Bool = true
    ) throws(RemoteError) -> HTTPResponse {
        let apiPath = "/api" + path
        var url = target.baseURL + String(apiPath.dropFirst())
        if !query.isEmpty {
            url += "?" + query.map { "\(Self.encodeQuery($0.0))=\(Self.encodeQuery($0.1))" }.joined(separator: "&")
        }
        var headers = target.extraHeaders
        if authorized {
            guard let token = target.token, !token.isEmpty else { throw RemoteError.noToken(remote: target.baseURL) }
            headers.append(("Authorization", "Bearer \(token)"))
        }
        var request = HTTPRequest(
            method: method, url: url, headers: headers, body: body.map { Data(($0.jsonString() ?? "null").utf8) },
            timeout: timeout, connectTimeout: connectTimeout, insecure: target.insecure)
        if body == nil && method == "POST" { request.body = Data() }
        let isRead = method == "GET"
        var attempt = 0
        while true {
            let response: HTTPResponse
            do {
                response = try http.perform(request)
            } catch {
                if isRead, error.isConnectionFailure, attempt < retryDelays.count {
                    Thread.sleep(forTimeInterval: retryDelays[attempt])
                    attempt += 1
                    continue
                }
                throw RemoteError.transport(Self.transportMessage(error, server: target.baseURL))
            }
            if isRead, response.status >= 500 || response.status == 429, attempt < retryDelays.count {
                Thread.sleep(forTimeInterval: retryDelays[attempt])
                attempt += 1
                continue
            }
            try check(response, method: method, path: apiPath)
            return response
        }
    }

    /// The answer parsed as JSON.
    public func json(
        _ method: String, _ path: String, query: [(String, String)] = [], body: Value? = nil
    ) throws(RemoteError) -> Value {
        let response = try send(method, path, query: query, body: body)
        do {
            return try Value(parsingJSON: response.text)
        } catch {
            throw RemoteError.unexpectedAnswer(
                method: method, path: "/api" + path, detail: "not JSON: \(Self.firstLine(response.text, limit: 120))")
        }
    }

    /// The answer as text (a job id, a path, a version).
    public func text(
        _ method: String, _ path: String, query: [(String, String)] = [], body: Value? = nil, authorized: Bool = true
    ) throws(RemoteError) -> String {
        try send(method, path, query: query, body: body, authorized: authorized).text
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Throws for an error status or an HTML page from something in front of the server.
    private func check(_ response: HTTPResponse, method: String, path: String) throws(RemoteError) {
        let type = response.contentType?.lowercased() ?? ""
        let text = response.text
        let start = text.prefix(200).trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        if type.contains("text/html") || start.hasPrefix("<!doctype html") || start.hasPrefix("<html")
            || response.header("cf-mitigated") != nil
        {
            throw RemoteError.proxyPage(method: method, path: path, status: response.status, title: Self.htmlTitle(text))
        }
        guard response.status >= 400 else { return }
        var message = Self.firstLine(text, limit: 300)
        if message.isEmpty { message = "(no message)" }
        throw RemoteError.status(
            method: method, path: path, workspace: target.workspace, status: response.status, message: message)
    }

    static func transportMessage(_ error: HTTPError, server: String) -> String {
        switch error {
        case .connectionFailed:
            "\(error.description): is the server at \(HTTPRequest.displayURL(server)) up, and is the URL right?"
        default: error.description
        }
    }

    static func htmlTitle(_ text: String) -> String? {
        guard let open = text.range(of: "<title>", options: .caseInsensitive),
            let close = text.range(of: "</title>", options: .caseInsensitive, range: open.upperBound..<text.endIndex)
        else { return nil }
        let title = text[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespacesAndNewlines)
        return title.isEmpty ? nil : String(title.prefix(80))
    }

    static func firstLine(_ text: String, limit: Int) -> String {
        let line = text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").first.map(String.init) ?? ""
        return line.count > limit ? String(line.prefix(limit)) + "…" : line
    }

    /// A Windmill path in a URL: slashes kept, anything outside the unreserved set escaped.
    static func encodePath(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~/")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    static func encodeQuery(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}

@available(*, unavailable)
extension WindmillClient: Sendable {}
