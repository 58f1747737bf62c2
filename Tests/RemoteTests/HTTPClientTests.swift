import Foundation
import HopsHTTP
import Testing

@Suite struct HTTPClientTests {
    @Test func urlsInErrorsLoseCredentialsAndQuery() {
        #expect(HTTPRequest.displayURL("https://alice:s3cret@wm.example.com/api/w/x?token=abc#f") == "https://wm.example.com/api/w/x")
        #expect(HTTPRequest.displayURL("http://127.0.0.1:8000/api/version") == "http://127.0.0.1:8000/api/version")
        let error = HTTPError.connectionFailed(
            method: "GET", url: HTTPRequest.displayURL("http://u:p@127.0.0.1:1/x?token=t"), reason: "refused")
        #expect(!error.description.contains("token=t") && !error.description.contains("u:p"))
    }

    @Test func aBodyOverTheCapIsRefused() throws {
        let server = try LoopbackHTTPServer()
        let request = HTTPRequest(method: "GET", url: server.base + "/big?token=hidden", maximumBodyBytes: 100_000)
        #expect(throws: HTTPError.bodyTooLarge(method: "GET", url: server.base + "/big", limit: 100_000)) {
            _ = try HTTPClient().perform(request)
        }
        let whole = try HTTPClient().perform(HTTPRequest(method: "GET", url: server.base + "/big"))
        #expect(whole.body.count == 200_000)
    }

    @Test func redirectsAreFollowed() throws {
        let server = try LoopbackHTTPServer()
        let response = try HTTPClient().perform(HTTPRequest(method: "GET", url: server.base + "/to-ok"))
        #expect(response.status == 200 && response.text == "fine")
    }

    @Test func aServerThatIsDownIsAConnectionFailure() throws {
        #expect {
            _ = try HTTPClient().perform(HTTPRequest(method: "GET", url: "http://127.0.0.1:1/api/version"))
        } throws: { error in
            guard let error = error as? HTTPError, case .connectionFailed(let method, let url, _) = error else { return false }
            return method == "GET" && url == "http://127.0.0.1:1/api/version" && error.isConnectionFailure
        }
    }

    @Test func tlsIsVerifiedAndInsecureSkipsItButNeverDowngrades() throws {
        let server = try LoopbackHTTPServer(tls: true)
        #expect {
            _ = try HTTPClient().perform(HTTPRequest(method: "GET", url: server.base + "/ok"))
        } throws: { error in
            if case .tlsFailed? = error as? HTTPError { return "\(error)".contains("--insecure") }
            return false
        }
        let insecure = try HTTPClient().perform(HTTPRequest(method: "GET", url: server.base + "/ok", insecure: true))
        #expect(insecure.status == 200 && insecure.text == "fine")
        let followed = try HTTPClient().perform(HTTPRequest(method: "GET", url: server.base + "/to-ok", insecure: true))
        #expect(followed.text == "fine")
        #expect(throws: HTTPError.insecureRedirect(method: "GET", url: server.base + "/to-http")) {
            _ = try HTTPClient().perform(HTTPRequest(method: "GET", url: server.base + "/to-http", insecure: true))
        }
    }
}
