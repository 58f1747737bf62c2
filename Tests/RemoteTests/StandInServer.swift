import Foundation
import HopsHTTP
import HopsLang
import HopsRemote

/// The stand-in Windmill server of `Tests/Support/windmill-standin`, started on a free loopback port.
///
/// It stops when its standard input closes, so a test process that dies takes it along.
final class StandInServer: @unchecked Sendable {  // its fields are set once, in init
    static let token = "standin-secret-token-7f3a"
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    let process = Process()
    let input = Pipe()
    let base: String
    let dataDirectory: String

    init() throws {
        dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("hops-standin-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", Self.repositoryRoot + "/Tests/Support/windmill-standin/standin.py", "--port", "0", "--data",
            dataDirectory, "--token", Self.token,
        ]
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        guard let line = try LoopbackHTTPServer.readLine(output), line.hasPrefix("listening on ") else {
            throw StandInError("the stand-in did not start")
        }
        base = String(line.dropFirst("listening on ".count))
    }

    deinit {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: dataDirectory)
    }

    /// A target on this server, workspace `main`, with the right token unless told otherwise.
    func target(token: String? = StandInServer.token) -> RemoteTarget {
        RemoteTarget(baseURL: base, workspace: "main", token: token)
    }

    func client(token: String? = StandInServer.token) throws -> WindmillClient {
        let client = try WindmillClient(target: target(token: token))
        client.retryDelays = [0.05, 0.1]
        return client
    }

    /// Calls a `/__standin/` control endpoint; the answer parsed as JSON (null when empty).
    @discardableResult
    func control(_ method: String, _ path: String, _ body: Value? = nil) throws -> Value {
        let response = try HTTPClient().perform(
            HTTPRequest(
                method: method, url: base + "/__standin/" + path, body: body.map { Data(($0.jsonString() ?? "null").utf8) },
                timeout: 60))
        guard response.status < 300 else { throw StandInError("\(method) \(path): \(response.status) \(response.text)") }
        return response.text.isEmpty ? .null : ((try? Value(parsingJSON: response.text)) ?? .string(response.text))
    }

    /// What the stand-in found wrong in the requests and its own answers; a test expects none.
    func violations() throws -> [String] {
        guard case .array(let items) = try control("GET", "violations") else { return ["violations: not a list"] }
        return items.map { $0.jsonString() ?? "" }
    }

    /// Every API request received, as JSON text each (the token already hidden by the stand-in).
    func requests() throws -> [Value] {
        guard case .array(let items) = try control("GET", "requests") else { return [] }
        return items.elements
    }

    func reset() throws { try control("POST", "reset") }

    static func json(_ text: String) -> Value { (try? Value(parsingJSON: text)) ?? .null }
}

struct StandInError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
