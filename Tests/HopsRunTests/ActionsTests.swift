import Foundation
import HopsHTTP
import HopsLang
import Testing

@testable import HopsRun

/// A small HTTP server on loopback: `/json` answers JSON, `/echo` returns the request, `/slow` sleeps.
final class LoopbackServer {
    let process = Process()
    let port: Int

    static let source = """
        import json, sys, time
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def reply(self, status, body, content_type):
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("X-Test", "yes")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def handle_any(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                if self.path == "/json":
                    self.reply(200, json.dumps({"ok": True, "items": [1, 2]}), "application/json")
                elif self.path == "/slow":
                    time.sleep(5)
                    self.reply(200, "late", "text/plain")
                elif self.path == "/echo":
                    echo = {"method": self.command, "body": body, "auth": self.headers.get("Authorization"),
                            "type": self.headers.get("Content-Type")}
                    self.reply(201, json.dumps(echo), "application/json; charset=utf-8")
                else:
                    self.reply(404, "not here", "text/plain")

            do_GET = do_POST = do_PUT = do_DELETE = handle_any

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        print(server.server_address[1], flush=True)
        server.serve_forever()
        """

    init() throws {
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("hops-server-\(UUID().uuidString).py")
        try Self.source.write(to: script, atomically: true, encoding: .utf8)
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path]
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while let byte = try output.fileHandleForReading.read(upToCount: 1), !byte.isEmpty, byte != Data("\n".utf8) {
            line.append(byte)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self)) else {
            throw RunError.invalidArgument("the test server did not start")
        }
        self.port = port
    }

    var base: String { "http://127.0.0.1:\(port)" }

    deinit { kill(process.processIdentifier, SIGKILL) }
}

@Suite(.serialized) struct ActionsTests {
    @Test func getParsesJSONBodiesAndKeepsHeaders() throws {
        let server = try LoopbackServer()
        let response = try BuiltinActions.http(method: "GET", url: server.base + "/json")
        guard case .object(let object) = response else { Issue.record("not an object"); return }
        #expect(json(object["status"]) == "200")
        #expect(json(object["body"]) == #"{"items":[1,2],"ok":true}"#)
        if case .object(let headers)? = object["headers"] { #expect(json(headers["x-test"]) == #""yes""#) }
        #expect(object["duration_ms"] != nil)

        let missing = try BuiltinActions.http(method: "GET", url: server.base + "/nothing")
        if case .object(let notFound) = missing {
            #expect(json(notFound["status"]) == "404")
            #expect(json(notFound["body"]) == #""not here""#)
        }
    }

    @Test func postSendsJSONAndHeaders() throws {
        let server = try LoopbackServer()
        let options = Value.object(
            object([
                ("headers", .object(object([("Authorization", .string("Bearer t"))]))),
                ("body", .object(object([("a", .number(1))]))),
            ]))
        let response = try BuiltinActions.http(method: "POST", url: server.base + "/echo", options: options)
        guard case .object(let object) = response else { Issue.record("not an object"); return }
        #expect(json(object["status"]) == "201")
        #expect(json(object["body"]) == #"{"auth":"Bearer t","body":"{\"a\":1}","method":"POST","type":"application/json"}"#)
        let put = try BuiltinActions.http(method: "PUT", url: server.base + "/echo")
        if case .object(let putObject) = put, case .object(let body)? = putObject["body"] {
            #expect(json(body["method"]) == #""PUT""#)
        }
    }

    @Test func timeoutAndRefusedAndSchemesAreClearErrors() throws {
        let server = try LoopbackServer()
        #expect {
            _ = try BuiltinActions.http(
                method: "GET", url: server.base + "/slow", options: .object(object([("timeout", .number(0.5))])))
        } throws: { "\($0)" == "GET \(server.base)/slow timed out after 0.5s" }
        #expect(throws: HTTPError.unsupportedScheme(url: "file:///etc/passwd")) {
            _ = try BuiltinActions.http(method: "GET", url: "file:///etc/passwd")
        }
        #expect { _ = try BuiltinActions.http(method: "GET", url: "http://127.0.0.1:1/") } throws: {
            "\($0)".contains("cannot connect")
        }
    }

    @Test func httpIsAFunctionOfTheLanguage() throws {
        let server = try LoopbackServer()
        let bindings = BuiltinActions.bindings()
        let result = try Expression("http.get(base + '/json').body.items[1]").evaluate(
            bindings: bindings.merging(["base": .string(server.base)]) { $1 })
        #expect(json(result) == "2")
    }

    @Test func shReturnsOutputAndExitCode() throws {
        let result = try BuiltinActions.sh("echo out; echo err >&2; exit 3")
        #expect(json(result) == #"{"exit_code":3,"stderr":"err\n","stdout":"out\n"}"#)
        let viaLanguage = try Expression("sh('printf hi').stdout").evaluate(bindings: BuiltinActions.bindings())
        #expect(json(viaLanguage) == #""hi""#)
        #expect { _ = try BuiltinActions.sh("sleep 10", timeout: 0.5) } throws: { "\($0)" == "timed out after 0.5s" }
    }

    @Test func actionsRunAsSteps() throws {
        let outcome = BuiltinActions.runStep(
            "sh", arguments: object([("command", .string("echo step"))]), workingDirectory: nil, timeout: 10)
        if case .object(let result)? = outcome.result { #expect(json(result["stdout"]) == #""step\n""#) }
        let unknown = BuiltinActions.runStep("ftp.get", arguments: ObjectValue(), workingDirectory: nil, timeout: nil)
        #expect(unknown.error?.message.contains("unknown built-in action hops:ftp.get") == true)
    }
}
