import Foundation

/// A python3 HTTP server on loopback for the client's own behaviour: redirects, big bodies, HTML.
final class LoopbackHTTPServer {
    let process = Process()
    let port: Int

    static let source = """
        import ssl, sys
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def reply(self, status, body, content_type, extra=()):
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                for name, value in extra:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                self.path = self.path.split("?")[0]
                if self.path == "/big":
                    self.reply(200, "x" * 200000, "text/plain")
                elif self.path == "/to-http":
                    self.reply(302, "", "text/plain", [("Location", "http://127.0.0.1:1/plain")])
                elif self.path == "/to-ok":
                    self.reply(302, "", "text/plain", [("Location", "/ok")])
                elif self.path == "/ok":
                    self.reply(200, "fine", "text/plain")
                elif self.path.startswith("/api/version"):
                    self.reply(200, "<html><head><title>Sign in</title></head><body>Access</body></html>",
                               "text/html; charset=utf-8")
                else:
                    self.reply(404, "not here", "text/plain")

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        if len(sys.argv) > 2:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(sys.argv[1], sys.argv[2])
            server.socket = context.wrap_socket(server.socket, server_side=True)
        print(server.server_address[1], flush=True)
        server.serve_forever()
        """

    let scheme: String

    /// With `tls`, a self-signed certificate made by openssl for 127.0.0.1 (so no client trusts it).
    init(tls: Bool = false) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hops-http-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let script = folder.appendingPathComponent("server.py")
        try Self.source.write(to: script, atomically: true, encoding: .utf8)
        var arguments = ["python3", script.path]
        if tls {
            let certificate = folder.appendingPathComponent("cert.pem").path
            let key = folder.appendingPathComponent("key.pem").path
            let openssl = Process()
            openssl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            openssl.arguments = [
                "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-days", "1",
                "-keyout", key, "-out", certificate,
            ]
            openssl.standardError = FileHandle.nullDevice
            try openssl.run()
            openssl.waitUntilExit()
            arguments += [certificate, key]
        }
        scheme = tls ? "https" : "http"
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        port = try Self.readLine(output).flatMap { Int($0) } ?? 0
    }

    var base: String { "\(scheme)://127.0.0.1:\(port)" }

    deinit { kill(process.processIdentifier, SIGKILL) }

    /// The first line the child prints (waits on the pipe, not on a clock).
    static func readLine(_ pipe: Pipe) throws -> String? {
        var line = Data()
        while let byte = try pipe.fileHandleForReading.read(upToCount: 1), !byte.isEmpty, byte != Data("\n".utf8) {
            line.append(byte)
        }
        return line.isEmpty ? nil : String(decoding: line, as: UTF8.self)
    }
}
