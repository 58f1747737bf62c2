import CCurl
import Foundation
import HopsLang

/// One HTTP request: method, URL, headers, body and a time limit.
public struct HTTPRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: Data?
    /// Seconds for the whole exchange.
    public var timeout: Double
    /// Bytes of response body accepted: `HOPS_HTTP_LIMIT`, else 10 MB; a longer body is an error.
    public var maximumBodyBytes: Int = ProcessInfo.processInfo.environment["HOPS_HTTP_LIMIT"].flatMap { Int($0) }
        ?? 10_000_000

    public init(
        method: String, url: String, headers: [(name: String, value: String)] = [], body: Data? = nil,
        timeout: Double = 30
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
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

    /// `{status, headers, body, duration_ms}`; the body parsed as JSON when the content type says JSON.
    public var value: Value {
        var headerObject = ObjectValue()
        for header in headers { headerObject[header.name.lowercased()] = .string(header.value) }
        let text = String(decoding: body, as: UTF8.self)
        let isJSON = contentType.map { $0.lowercased().contains("json") } ?? false
        let bodyValue: Value = isJSON ? ((try? Value(parsingJSON: text)) ?? .string(text)) : .string(text)
        return .object(
            ObjectValue([
                ("status", .number(Double(status))), ("headers", .object(headerObject)), ("body", bodyValue),
                ("duration_ms", .number((duration * 1000).rounded())),
            ]))
    }
}

/// An HTTP client on one libcurl easy handle, freed with the client. Not for use from two threads.
public final class HTTPClient {
    private let handle: UnsafeMutableRawPointer

    public init() throws {
        HTTPClient.initializeOnce
        guard let handle = hops_curl_easy_init() else {
            throw RunError.http(
                hops_curl_available() != 0
                    ? "could not create a curl handle" : "libcurl could not be loaded (install libcurl4)")
        }
        self.handle = handle
    }

    deinit { hops_curl_easy_cleanup(handle) }

    /// curl_global_init is not thread-safe: run it once, before any handle exists.
    private static let initializeOnce: Void = { hops_curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

    /// Sends `request`; a transport failure (refused, timed out, bad URL) throws with curl's reason.
    public func perform(_ request: HTTPRequest) throws -> HTTPResponse {
        guard let scheme = request.url.split(separator: ":").first?.lowercased(), scheme == "http" || scheme == "https"
        else { throw RunError.http("only http and https URLs are supported: \(request.url)") }
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
        try check(hops_curl_setopt_string(handle, CURLOPT_REDIR_PROTOCOLS_STR, "http,https"), "protocols")
        try check(hops_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1), "nosignal")
        try check(hops_curl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 1), "redirects")
        try check(hops_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, max(1, Int(request.timeout * 1000))), "timeout")
        try check(hops_curl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, request.method.uppercased()), "method")
        if request.method.uppercased() == "HEAD" { try check(hops_curl_setopt_long(handle, CURLOPT_NOBODY, 1), "head") }
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
        if buffers.exceeded {
            throw RunError.http(
                "\(request.method.uppercased()) \(request.url): the response body is larger than "
                    + "\(request.maximumBodyBytes) bytes (HOPS_HTTP_LIMIT)")
        }
        guard code == CURLE_OK else {
            let reason = String(cString: hops_curl_easy_strerror(code))
            if code == CURLE_OPERATION_TIMEDOUT {
                throw RunError.http("\(request.method.uppercased()) \(request.url) timed out after \(ProcessError.format(request.timeout))s")
            }
            throw RunError.http("\(request.method.uppercased()) \(request.url) failed: \(reason)")
        }
        var status = 0
        _ = hops_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        var contentType: UnsafeMutablePointer<CChar>?
        _ = hops_curl_getinfo_string(handle, CURLINFO_CONTENT_TYPE, &contentType)
        return HTTPResponse(
            status: status, headers: buffers.headers, body: buffers.body,
            contentType: contentType.map { String(cString: $0) }, duration: duration)
    }

    /// Runs `perform` with the body installed as POSTFIELDS, kept alive for the call.
    private func withBody(_ body: Data?, _ perform: () -> CURLcode) throws -> CURLcode {
        guard let body else { return perform() }
        var bytes = [CChar](repeating: 0, count: body.count + 1)
        body.withUnsafeBytes { source in
            bytes.withUnsafeMutableBytes { target in target.copyMemory(from: source) }
        }
        return try bytes.withUnsafeMutableBufferPointer { buffer in
            try check(hops_curl_setopt_long(handle, CURLOPT_POSTFIELDSIZE, body.count), "body size")
            try check(hops_curl_setopt_pointer(handle, CURLOPT_POSTFIELDS, buffer.baseAddress), "body")
            return perform()
        }
    }

    private func check(_ code: CURLcode, _ what: String) throws {
        guard code == CURLE_OK else {
            throw RunError.http("curl option \(what): \(String(cString: hops_curl_easy_strerror(code)))")
        }
    }
}

/// Body and headers as they arrive; reached from the C callbacks through their data pointer.
private final class ResponseBuffers {
    var body = Data()
    var headers: [(name: String, value: String)] = []
    let limit: Int
    /// Set when the body outgrew `limit`: the transfer was stopped there.
    var exceeded = false

    init(limit: Int) { self.limit = limit }
}

private let bodyCallback: hops_curl_write_callback = { data, size, count, context in
    guard let data, let context else { return 0 }
    let buffers = Unmanaged<ResponseBuffers>.fromOpaque(context).takeUnretainedValue()
    if buffers.body.count + size * count > buffers.limit {
        buffers.exceeded = true
        return 0  // curl stops the transfer
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
