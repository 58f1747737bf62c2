import Foundation
import HopsHTTP
import HopsLang
import Testing

@testable import HopsRun

/// An HTTP response body larger than the limit is an error, not unbounded memory.
@Suite struct HTTPBoundTests {
    @Test func aBodyOverTheLimitIsAClearError() throws {
        let server = try LoopbackServer()
        var request = HTTPRequest(method: "GET", url: server.base + "/json")
        let whole = try HTTPClient().perform(request)
        #expect(whole.body.count > 10)
        request.maximumBodyBytes = 10
        #expect {
            _ = try HTTPClient().perform(request)
        } throws: { error in
            "\(error)".hasSuffix("the response body is larger than 10 bytes (HOPS_HTTP_LIMIT)")
        }
    }
}
