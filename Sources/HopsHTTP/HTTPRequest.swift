import Foundation

/// One HTTP request: method, URL, headers, body, time limits and how much of an answer to accept.
public struct HTTPRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: Data?
    /// Seconds for the whole exchange.
    public var timeout: Double
    /// Seconds to establish the connection (TCP and TLS); a server that is down fails within it.
    public var connectTimeout: Double
    /// Skip TLS certificate and host name verification (the caller warns when it sets this).
    public var insecure: Bool
    /// The largest response body accepted; a larger one fails instead of filling memory.
    public var maximumBodyBytes: Int

    /// 64 MiB: far above any JSON a step or a server answers, far below what would hurt.
    public static let defaultMaximumBodyBytes =
        ProcessInfo.processInfo.environment["HOPS_HTTP_LIMIT"].flatMap { Int($0) } ?? 64 << 20

    public init(
        method: String, url: String, headers: [(name: String, value: String)] = [], body: Data? = nil,
        timeout: Double = 30, connectTimeout: Double = 10, insecure: Bool = false,
        maximumBodyBytes: Int = HTTPRequest.defaultMaximumBodyBytes
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.insecure = insecure
        self.maximumBodyBytes = maximumBodyBytes
    }

    /// The URL as it may be shown: without user and password, query string or fragment.
    public var displayURL: String { HTTPRequest.displayURL(url) }

    /// `url` without its userinfo, query string and fragment, which may carry credentials.
    public static func displayURL(_ url: String) -> String {
        var text = url
        if let cut = text.firstIndex(where: { $0 == "?" || $0 == "#" }) { text = String(text[..<cut]) }
        guard let schemeEnd = text.range(of: "://") else { return text }
        let authorityStart = schemeEnd.upperBound
        let authorityEnd = text[authorityStart...].firstIndex(of: "/") ?? text.endIndex
        if let at = text[authorityStart..<authorityEnd].lastIndex(of: "@") {
            text.removeSubrange(authorityStart...at)
        }
        return text
    }
}

/// What came back: status, headers in arrival order, body, and how long it took.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: Data
    public var contentType: String?
    /// Seconds from the start of the request to the end of the body.
    public var duration: Double

    public init(
        status: Int, headers: [(name: String, value: String)], body: Data, contentType: String?, duration: Double
    ) {
        self.status = status
        self.headers = headers
        self.body = body
        self.contentType = contentType
        self.duration = duration
    }

    /// The last value of the header `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        headers.last { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// The body as UTF-8 text.
    public var text: String { String(decoding: body, as: UTF8.self) }
}
