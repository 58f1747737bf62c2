import Foundation

/// Drives the built `hops` through a pseudo-terminal with a python3 `pty` script: send keys,
/// wait for text, and collect everything the terminal showed, with escape sequences removed.
struct TerminalSession {
    /// One step of a session.
    enum Step: Encodable {
        /// Type these characters.
        case send(String)
        /// Wait until this text appears in what the terminal shows after the previous match.
        case expect(String)

        func encode(to encoder: Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .send(let text): try container.encode(["send": text])
            case .expect(let text): try container.encode(["expect": text])
            }
        }
    }

    struct Outcome: Decodable {
        /// What the terminal showed, without escape sequences and carriage returns.
        var transcript: String
        /// The exit status, or nil when hops had to be killed.
        var status: Int32?
        /// The step that timed out, if one did.
        var failure: String?
    }

    private struct Request: Encodable {
        var binary: String
        var arguments: [String]
        var environment: [String: String]
        var steps: [Step]
    }

    /// Runs hops on a terminal through the steps, then sends Ctrl-D and waits for it to leave.
    static func run(_ steps: [Step], arguments: [String] = [], hopsHome: URL) throws -> Outcome {
        var environment = ProcessInfo.processInfo.environment
        environment["HOPS_HOME"] = hopsHome.path
        environment["TERM"] = "xterm"
        environment["NO_COLOR"] = nil
        let request = Request(binary: try HopsProcess.binary(), arguments: arguments, environment: environment, steps: steps)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", driver, String(decoding: try JSONEncoder().encode(request), as: UTF8.self)]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return try JSONDecoder().decode(Outcome.self, from: data)
    }

    private static let driver = #"""
        import fcntl, json, os, pty, re, select, signal, struct, sys, termios, time

        request = json.loads(sys.argv[1])
        pid, fd = pty.fork()
        if pid == 0:
            os.execve(request["binary"], [request["binary"]] + request["arguments"], request["environment"])
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))

        raw = b""
        def pump(timeout):
            global raw
            ready, _, _ = select.select([fd], [], [], timeout)
            if not ready:
                return True
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                return False
            if not chunk:
                return False
            raw += chunk
            return True

        ESCAPES = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)|\x1b[=>()][0-9A-Za-z]?|\x07")
        def shown():
            text = ESCAPES.sub("", raw.decode("utf-8", "replace"))
            return text.replace("\r", "")

        failure = None
        position = 0
        for step in request["steps"]:
            if "send" in step:
                try:
                    os.write(fd, step["send"].encode())
                except OSError:
                    failure = "hops left before " + repr(step["send"])
                    break
                time.sleep(0.05)
                continue
            wanted = step["expect"]
            deadline = time.time() + 10
            while True:
                text = shown()
                found = text.find(wanted, position)
                if found >= 0:
                    position = found + len(wanted)
                    break
                if time.time() > deadline or not pump(0.1):
                    failure = "timed out waiting for " + repr(wanted)
                    break
            if failure:
                break

        try:
            os.write(fd, b"\x04")
        except OSError:
            pass
        status = None
        deadline = time.time() + 10
        while time.time() < deadline:
            done, code = os.waitpid(pid, os.WNOHANG)
            if done:
                status = os.waitstatus_to_exitcode(code)
                break
            pump(0.05)
        if status is None:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        while pump(0.05) and select.select([fd], [], [], 0)[0]:
            pass
        print(json.dumps({"transcript": shown(), "status": status, "failure": failure}))
        """#
}
