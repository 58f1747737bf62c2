import Foundation
import HopsStore

/// Why a Python step's packages could not be installed.
public struct DependencyError: Error, Sendable, CustomStringConvertible {
    /// The requirements pip could not install, as named in the script or its lock (all of them when pip does not say).
    public var packages: [String]
    public var reason: String

    public var description: String {
        let names = packages.map { "'\($0)'" }.joined(separator: ", ")
        return "cannot install the Python package\(packages.count == 1 ? "" : "s") \(names) from PyPI: \(reason)"
    }
}

/// A Python script's packages as Windmill installs them: from the script's lock (`.script.lock`, or
/// an inline script's `lock`), else from a `# requirements:` header, else from the imports of
/// modules outside the standard library (renamed to their PyPI names as Windmill renames them).
/// They go into a virtual environment (`python3 -m venv`, then pip from PyPI) per set of
/// requirements, cached under `$HOPS_HOME/python/` and shared by every run and flow that asks for
/// the same set; the step then runs under that environment's python3.
public enum PythonDependencies {
    /// The requirements of `source`, one pip requirement each; empty when it needs none.
    public static func requirements(source: String, lock: String?) -> [String] {
        if let lock {
            let lines = lock.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            return lines.filter { !$0.isEmpty && !$0.hasPrefix("#") && !$0.hasPrefix("-") }
        }
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if let header = lines.firstIndex(where: { $0.hasPrefix("#requirements:") || $0.hasPrefix("# requirements:") }) {
            return headerLines(lines[(header + 1)...])
        }
        var found: [String] = []
        if let header = lines.firstIndex(where: { $0.hasPrefix("#extra_requirements:") || $0.hasPrefix("# extra_requirements:") }) {
            found = headerLines(lines[(header + 1)...])
        }
        for module in importedModules(lines) {
            let name = pypiName(module)
            if !found.contains(name) { found.append(name) }
        }
        return found
    }

    /// The `# name` lines that follow a requirements header, up to the first other line.
    private static func headerLines(_ lines: ArraySlice<String>) -> [String] {
        var found: [String] = []
        for line in lines {
            guard line.hasPrefix("#") else { break }
            let text = line.dropFirst().trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty, !text.contains(" ") else { break }
            found.append(text)
        }
        return found
    }

    /// Top-level modules imported before `def main(` by `import a.b, c as d` and `from a.b import c`
    /// (not relative imports), as Windmill reads them: `_` becomes `-`, the standard library and
    /// hops's own `wmill` stand-in left out.
    static func importedModules(_ lines: [String]) -> [String] {
        var modules: [String] = []
        func add(_ dotted: Substring) {
            let top = dotted.split(separator: ".").first.map(String.init) ?? ""
            guard !top.isEmpty, top.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { return }
            let name = top.replacingOccurrences(of: "_", with: "-")
            guard !standardLibrary.contains(name), !standardLibrary.contains(top), !hopsModules.contains(top), !modules.contains(name) else { return }
            modules.append(name)
        }
        for line in lines {
            if line.hasPrefix("def main(") || line.hasPrefix("async def main(") { break }
            // Only statements at the top of the module, as Windmill's parser of the module sees them.
            let text = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            if text.hasPrefix("import ") {
                for part in text.dropFirst("import ".count).split(separator: ",") {
                    if let name = part.split(whereSeparator: \.isWhitespace).first { add(name) }
                }
            } else if text.hasPrefix("from ") {
                let words = text.split(whereSeparator: \.isWhitespace)
                if words.count >= 3, words[2] == "import", !words[1].hasPrefix(".") { add(words[1]) }
            }
        }
        return modules
    }

    /// The PyPI name of an imported module (with `_` already `-`), as Windmill maps them.
    static func pypiName(_ module: String) -> String { pypiNames[module] ?? module }

    /// Where the virtual environment for `requirements` lives.
    public static func environmentFolder(for requirements: [String], pythonVersion: String, cache: String) -> String {
        let key = CacheKey.contentHash(([pythonVersion] + requirements.sorted()).joined(separator: "\n"))
        return cache + "/python/" + String(key.prefix(24))
    }

    /// The python3 of the virtual environment for `requirements`, created and filled by pip when no
    /// run did it yet. pip's progress goes to `progress` (hops's stderr); a failed install leaves no
    /// environment behind, so the next run tries again.
    public static func prepare(
        _ requirements: [String], python: String, pythonVersion: String, cache: String, stepName: String,
        progress: @escaping @Sendable (String) -> Void
    ) throws(DependencyError) -> String {
        let folder = environmentFolder(for: requirements, pythonVersion: pythonVersion, cache: cache)
        let environmentPython = folder + "/bin/python3"
        let complete = folder + "/.hops-complete"
        if FileManager.default.fileExists(atPath: complete) { return environmentPython }
        do {
            try FileManager.default.createDirectory(atPath: cache + "/python", withIntermediateDirectories: true)
        } catch {
            throw DependencyError(packages: requirements, reason: "cannot create \(cache)/python: \(error.localizedDescription)")
        }
        // One installer per environment at a time: the steps of a parallel loop wait for the first.
        let lock = open(folder + ".lock", O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard lock >= 0 else { throw DependencyError(packages: requirements, reason: "cannot lock \(folder).lock") }
        defer { close(lock) }
        flock(lock, LOCK_EX)
        defer { flock(lock, LOCK_UN) }
        if FileManager.default.fileExists(atPath: complete) { return environmentPython }

        progress("installing Python packages for \(stepName): \(requirements.joined(separator: " ")) (once; kept in \(folder))\n")
        try? FileManager.default.removeItem(atPath: folder)
        do throws(DependencyError) {
            // The environment gets no pip of its own (the slow part of `venv`): the shared pip installs into it.
            try run(python, ["-m", "venv", "--without-pip", folder], requirements: requirements, progress: nil)
            try run(
                python,
                ["-m", "pip", "--python", environmentPython, "--disable-pip-version-check", "--no-input", "install",
                 "--progress-bar", "off"] + requirements,
                requirements: requirements, progress: progress)
        } catch {
            try? FileManager.default.removeItem(atPath: folder)
            throw error
        }
        guard FileManager.default.createFile(atPath: complete, contents: Data((requirements.joined(separator: "\n") + "\n").utf8)) else {
            throw DependencyError(packages: requirements, reason: "cannot write \(complete)")
        }
        return environmentPython
    }

    /// Runs a command, its output passed on line by line to `progress`; throws naming the package pip could not install.
    private static func run(
        _ executable: String, _ arguments: [String], requirements: [String], progress: (@Sendable (String) -> Void)?
    ) throws(DependencyError) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["PIP_NO_INPUT"] = "1"
        environment["PYTHONPATH"] = nil
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw DependencyError(packages: requirements, reason: "cannot run \(executable): \(error.localizedDescription)")
        }
        var output = Data()
        let handle = pipe.fileHandleForReading
        while true {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            output.append(chunk)
            if let progress { progress(String(decoding: chunk, as: UTF8.self)) }
        }
        process.waitUntilExit()
        let text = String(decoding: output, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw DependencyError(packages: failedPackages(in: text, requirements: requirements), reason: failureReason(text))
        }
    }

    /// The requirements pip names in its error, else all of them.
    static func failedPackages(in output: String, requirements: [String]) -> [String] {
        var named: [String] = []
        for marker in ["No matching distribution found for ", "Could not find a version that satisfies the requirement "] {
            for line in output.split(separator: "\n") {
                guard let range = line.range(of: marker) else { continue }
                let name = line[range.upperBound...].split(whereSeparator: \.isWhitespace).first.map(String.init) ?? ""
                if !name.isEmpty, !named.contains(name) { named.append(name) }
            }
        }
        return named.isEmpty ? requirements : named
    }

    /// pip's own last error line, and what to check.
    static func failureReason(_ output: String) -> String {
        let lines = output.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        let errorLine = lines.last { $0.hasPrefix("ERROR:") } ?? lines.last ?? "pip failed"
        let offline = output.contains("NewConnectionError") || output.contains("Temporary failure in name resolution")
            || output.contains("Network is unreachable")
        let hint = offline
            ? "PyPI cannot be reached (offline?); connect, or install the package where the step runs"
            : "no such package or version on PyPI, or PyPI could not be reached"
        return "\(hint) (pip: \(errorLine))"
    }

    /// Modules of hops's stdlib that stand in for Windmill's own.
    static let hopsModules: Set<String> = ["wmill"]

    /// Windmill's renames from an import to its PyPI requirement.
    static let pypiNames: [String: String] = [
        "psycopg2": "psycopg2-binary", "psycopg": "psycopg[binary, pool]", "yaml": "pyyaml", "git": "GitPython",
        "shopify": "ShopifyAPI", "seleniumwire": "selenium-wire", "riskfolio": "riskfolio-lib", "smb": "pysmb",
        "PIL": "Pillow", "googleapiclient": "google-api-python-client", "dateutil": "python-dateutil",
        "mailparser": "mail-parser", "gitlab": "python-gitlab", "smbclient": "smbprotocol", "playhouse": "peewee",
        "dns": "dnspython", "msoffcrypto": "msoffcrypto-tool", "tabula": "tabula-py", "shapefile": "pyshp",
        "sklearn": "scikit-learn", "umap": "umap-learn", "cv2": "opencv-python", "atlassian": "atlassian-python-api",
        "mysql": "mysql-connector-python", "tenable": "pytenable", "ns1": "ns1-python", "github": "PyGithub",
        "ldap": "python-ldap", "opensearchpy": "opensearch-py", "socks": "PySocks", "docx": "python-docx",
        "bs4": "beautifulsoup4", "jwt": "PyJWT",
    ]

    /// The standard library's top-level modules (Python 3.8 to 3.13), which need no install.
    static let standardLibrary: Set<String> = [
        "__future__", "_thread", "abc", "aifc", "argparse", "array", "ast", "asynchat", "asyncio", "asyncore", "atexit",
        "audioop", "base64", "bdb", "binascii", "bisect", "builtins", "bz2", "cProfile", "calendar", "cgi", "cgitb",
        "chunk", "cmath", "cmd", "code", "codecs", "codeop", "collections", "colorsys", "compileall", "concurrent",
        "configparser", "contextlib", "contextvars", "copy", "copyreg", "crypt", "csv", "ctypes", "curses",
        "dataclasses", "datetime", "dbm", "decimal", "difflib", "dis", "distutils", "doctest", "email", "encodings",
        "ensurepip", "enum", "errno", "faulthandler", "fcntl", "filecmp", "fileinput", "fnmatch", "fractions",
        "ftplib", "functools", "gc", "getopt", "getpass", "gettext", "glob", "graphlib", "grp", "gzip", "hashlib",
        "heapq", "hmac", "html", "http", "imaplib", "imghdr", "imp", "importlib", "inspect", "io", "ipaddress",
        "itertools", "json", "keyword", "lib2to3", "linecache", "locale", "logging", "lzma", "mailbox", "mailcap",
        "marshal", "math", "mimetypes", "mmap", "modulefinder", "multiprocessing", "netrc", "nntplib", "numbers",
        "operator", "optparse", "os", "pathlib", "pdb", "pickle", "pickletools", "pipes", "pkgutil", "platform",
        "plistlib", "poplib", "posix", "posixpath", "pprint", "profile", "pstats", "pty", "pwd", "py_compile",
        "pyclbr", "pydoc", "queue", "quopri", "random", "re", "readline", "reprlib", "resource", "rlcompleter",
        "runpy", "sched", "secrets", "select", "selectors", "shelve", "shlex", "shutil", "signal", "site", "smtplib",
        "sndhdr", "socket", "socketserver", "sqlite3", "ssl", "stat", "statistics", "string", "stringprep", "struct",
        "subprocess", "sunau", "symtable", "sys", "sysconfig", "syslog", "tabnanny", "tarfile", "telnetlib",
        "tempfile", "termios", "textwrap", "threading", "time", "timeit", "tkinter", "token", "tokenize", "tomllib",
        "trace", "traceback", "tracemalloc", "tty", "turtle", "types", "typing", "unicodedata", "unittest", "urllib",
        "uu", "uuid", "venv", "warnings", "wave", "weakref", "webbrowser", "wsgiref", "xdrlib", "xml", "xmlrpc",
        "zipapp", "zipfile", "zipimport", "zlib", "zoneinfo",
    ]
}

extension ScriptRunner {
    /// The python3 a Python step runs under: the shared one when the script needs no package, else
    /// the cached virtual environment holding its requirements (installed on first use).
    func pythonExecutable(for script: Script, default executable: String) throws(DependencyError) -> String {
        var lock = script.lock
        if lock == nil, let file = script.file {
            // Windmill keeps a path script's lock beside it: `name.py` → `name.script.lock`.
            let lockFile = (file as NSString).deletingPathExtension + ".script.lock"
            lock = try? String(contentsOfFile: lockFile, encoding: .utf8)
        }
        let requirements = PythonDependencies.requirements(source: script.content, lock: lock)
        guard !requirements.isEmpty else { return executable }
        let environment = context.environment
        let home = environment["HOPS_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? (environment["HOME"] ?? NSTemporaryDirectory()) + "/.hops"
        return try PythonDependencies.prepare(
            requirements, python: executable, pythonVersion: runtimes.version(of: executable), cache: home,
            stepName: script.name
        ) { text in FileHandle.standardError.write(Data(text.utf8)) }
    }
}
