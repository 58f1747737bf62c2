import CCurl
import Foundation

/// An HTTP client on one libcurl easy handle, freed with the client. Not for use from two threads.
///
/// TLS is verified unless a request says `insecure`; an https request never follows a redirect to
/// http; errors name the URL without its credentials or query string.
public final class HTTPClient {
    private let handle: UnsafeMutableRawPointer

    public init() throws(HTTPError) {
        HTTPClient.initializeOnce
        guard let handle = hops_curl_easy_init() else {
            throw HTTPError.unavailable(
                hops_curl_available() != 0
                    ? "could not create a curl handle" : "libcurl could not be loaded (install libcurl4)")
        }
        self.handle = handle
    }

    deinit { hops_curl_easy_cleanup(handle) }

    /// curl_global_init is not thread-safe: run it once, before any handle exists.
    private static let initializeOnce: Void = { hops_curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

    /// Sends `request`; a transport failure (refused, timed out, bad certificate) throws an `HTTPError`.
    public func perform(_ request: HTTPRequest) throws(HTTPError) -> HTTPResponse {
        guard let scheme = request.url.split(separator: ":").first?.lowercased(), scheme == "http" || scheme == "https"
        else { throw HTTPError.unsupportedScheme(url: request.url) }
        let method = request.method.uppercased()
        let shownURL = request.displayURL
        hops_curl_easy_reset(handle)
        let buffers = ResponseBuffers(limit: request.maximumBodyBytes)
        let context = Unmanaged.passRetained(buffers)
        defer { context.release() }

        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { hops_curl_slist_free_all(headerList) }
        for header in request.headers { headerList = hops_curl_slist_append(headerList, "\(header.name): \(header.value)") }
        if request.body != nil, !request.headers.contains(where: { $0.name.lowercased() == "content-type" }) {
            headerList = hops_curl_slist_append(headerList, "Content-Type: application/json")
        }

        try check(hops_curl_setopt_string(handle, CURLOPT_URL, request.url), "url")
        try check(hops_curl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https"), "protocols")
        // Never downgrade: an https request follows redirects to https only.
        try check(
            hops_curl_setopt_string(handle, CURLOPT_REDIR_PROTOCOLS_STR, scheme == "https" ? "https" : "http,https"),
            "redirect protocols")
        try check(hops_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1), "nosignal")
        try check(hops_curl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 1), "redirects")
        try check(hops_curl_setopt_long(handle, CURLOPT_MAXREDIRS, 10), "redirect limit")
        try check(hops_curl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, request.insecure ? 0 : 1), "tls peer")
        try check(hops_curl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, request.insecure ? 0 : 2), "tls host")
        try check(hops_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, max(1, Int(request.timeout * 1000))), "timeout")
        let connectLimit = min(request.connectTimeout, request.timeout)
        try check(hops_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, max(1, Int(connectLimit * 1000))), "connect timeout")
        try check(hops_curl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, method), "method")
        if method == "HEAD" { try check(hops_curl_setopt_long(handle, CURLOPT_NOBODY, 1), "head") }
        try check(hops_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList), "headers")
        try check(hops_curl_setopt_write_function(handle, CURLOPT_WRITEFUNCTION, bodyCallback), "write")
        try check(hops_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, context.toOpaque()), "write data")
        try check(hops_curl_setopt_write_function(handle, CURLOPT_HEADERFUNCTION, headerCallback), "header")
        try check(hops_curl_setopt_pointer(handle, CURLOPT_HEADERDATA, context.toOpaque()), "header data")

        let started = Date()
        let code: CURLcode = try withBody(request.body) {
            hops_curl_easy_perform(handle)
        }
        let duration = Date().timeIntervalSince(started)
        guard code == CURLE_OK else {
            throw failure(code, method: method, url: shownURL, request: request, buffers: buffers)
        }
        var status = 0
        _ = hops_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        var contentType: UnsafeMutablePointer<CChar>?
        _ = hops_curl_getinfo_string(handle, CURLINFO_CONTENT_TYPE, &contentType)
        return HTTPResponse(
            status: status, headers: buffers.headers, body: buffers.body,
            contentType: contentType.map { String(cString: $0) }, duration: duration)
    }

    /// The error a failed transfer means, in the words a user can act on.
    private func failure(
        _ code: CURLcode, method: String, url: String, request: HTTPRequest, buffers: ResponseBuffers
    ) -> HTTPError {
        let reason = String(cString: hops_curl_easy_strerror(code))
        if buffers.overflowed { return .bodyTooLarge(method: method, url: url, limit: request.maximumBodyBytes) }
        switch code {
        case CURLE_OPERATION_TIMEDOUT:
            var connectTime = 0.0
            _ = hops_curl_getinfo_double(handle, CURLINFO_CONNECT_TIME, &connectTime)
            if connectTime == 0 {
                return .connectionFailed(
                    method: method, url: url,
                    reason: "no connection within \(HTTPError.format(min(request.connectTimeout, request.timeout)))s")
            }
            return .timedOut(method: method, url: url, seconds: request.timeout)
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return .connectionFailed(method: method, url: url, reason: reason)
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CONNECT_ERROR, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CACERT_BADFILE:
            return .tlsFailed(method: method, url: url, reason: reason)
        case CURLE_UNSUPPORTED_PROTOCOL:
            return .insecureRedirect(method: method, url: url)
        default:
            return .failed(method: method, url: url, reason: reason)
        }
    }

    /// Runs `perform` with the body installed as POSTFIELDS, kept alive for the call.
    private func withBody(_ body: Data?, _ perform: () -> CURLcode) throws(HTTPError) -> CURLcode {
        guard let body else { return perform() }
        var bytes = [CChar](repeating: 0, count: body.count + 1)
        body.withUnsafeBytes { source in
            bytes.withUnsafeMutableBytes { target in target.copyMemory(from: source) }
        }
        let handle = handle
        let codes = bytes.withUnsafeMutableBufferPointer { buffer in
            let size = hops_curl_setopt_long(handle, CURLOPT_POSTFIELDSIZE, body.count)
            let fields = hops_curl_setopt_pointer(handle, CURLOPT_POSTFIELDS, buffer.baseAddress)
            guard size == CURLE_OK, fields == CURLE_OK else { return (size == CURLE_OK ? fields : size, CURLE_OK) }
            return (CURLE_OK, perform())
        }
        try check(codes.0, "body")
        return codes.1
    }

    private func check(_ code: CURLcode, _ what: String) throws(HTTPError) {
        guard code == CURLE_OK else {
            throw HTTPError.unavailable("curl option \(what): \(String(cString: hops_curl_easy_strerror(code)))")
        }
    }
}

/// Body and headers as they arrive; reached from the C callbacks through their data pointer.
private final class ResponseBuffers {
    let limit: Int
    var body = Data()
    var headers: [(name: String, value: String)] = []
    /// The body passed `limit`; the transfer was stopped.
    var overflowed = false

    init(limit: Int) { self.limit = limit }
}

private let bodyCallback: hops_curl_write_callback = { data, size, count, context in
    guard let data, let context else { return 0 }
    let buffers = Unmanaged<ResponseBuffers>.fromOpaque(context).takeUnretainedValue()
    if buffers.body.count + size * count > buffers.limit {
        buffers.overflowed = true
        return 0  // anything but size * count makes curl stop with CURLE_WRITE_ERROR
    }
    buffers.body.append(UnsafeRawPointer(data).assumingMemoryBound(to: UInt8.self), count: size * count)
    return size * count
}

private let headerCallback: hops_curl_write_callback = { data, size, count, context in
    guard let data, let context else { return 0 }
    let buffers = Unmanaged<ResponseBuffers>.fromOpaque(context).takeUnretainedValue()
    let line = String(decoding: UnsafeRawBufferPointer(start: data, count: size * count), as: UTF8.self)
    if line.hasPrefix("HTTP/") {
        buffers.headers = []  // a new response after a redirect: keep only the last one's headers
    } else if let colon = line.firstIndex(of: ":") {
        let name = line[..<colon].trimmingCharacters(in: .whitespaces)
        let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
        buffers.headers.append((name, value))
    }
    return size * count
}
