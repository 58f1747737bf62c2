/// Why an HTTP exchange did not produce a response. URLs are shown without credentials or query.
public enum HTTPError: Error, Sendable, Equatable, CustomStringConvertible {
    /// libcurl is missing or a handle could not be made.
    case unavailable(String)
    /// Only http and https are spoken.
    case unsupportedScheme(url: String)
    /// The whole exchange took longer than its time limit.
    case timedOut(method: String, url: String, seconds: Double)
    /// No connection: refused, unknown host, unreachable, connect timeout.
    case connectionFailed(method: String, url: String, reason: String)
    /// The server's certificate could not be verified.
    case tlsFailed(method: String, url: String, reason: String)
    /// An https request was redirected to plain http.
    case insecureRedirect(method: String, url: String)
    /// The response body was larger than the request allows.
    case bodyTooLarge(method: String, url: String, limit: Int)
    /// Any other transfer failure, with curl's reason.
    case failed(method: String, url: String, reason: String)

    /// Whether trying again later may work: no connection, or a transfer cut short.
    public var isConnectionFailure: Bool {
        switch self {
        case .connectionFailed, .failed: true
        default: false
        }
    }

    public var description: String {
        switch self {
        case .unavailable(let reason): reason
        case .unsupportedScheme(let url): "only http and https URLs are supported: \(HTTPRequest.displayURL(url))"
        case .timedOut(let method, let url, let seconds): "\(method) \(url) timed out after \(Self.format(seconds))s"
        case .connectionFailed(let method, let url, let reason): "\(method) \(url): cannot connect: \(reason)"
        case .tlsFailed(let method, let url, let reason):
            "\(method) \(url): TLS certificate not verified: \(reason) (--insecure skips the check)"
        case .insecureRedirect(let method, let url): "\(method) \(url): refused a redirect from https to http"
        case .bodyTooLarge(let method, let url, let limit):
            "\(method) \(url): the response body is larger than \(limit) bytes (HOPS_HTTP_LIMIT)"
        case .failed(let method, let url, let reason): "\(method) \(url) failed: \(reason)"
        }
    }

    /// Seconds as `0.5` or `30`.
    static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
    }
}
