import CSQLite
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// open(2) with a mode, under a name the store's own `open` does not hide.
private func createFile(_ path: String, flags: Int32, mode: mode_t) -> Int32 {
    open(path, flags, mode)
}

/// The SQLite run store of one repository: every run, every step attempt, and the step cache.
///
/// Safe to share between threads: every use of the connection goes through one lock.
/// Several hops processes may use one file at once: WAL lets readers run beside a writer, and
/// writers wait for each other (busy timeout, `BEGIN IMMEDIATE`) instead of failing.
/// Every text written (arguments, results, errors, stdout, stderr, inputs) passes the redactor first.
public final class RunStore: @unchecked Sendable {
    // @unchecked: `database` and `redactor` are only touched while holding `lock`.

    /// The schema version this hops reads and writes.
    public static var schemaVersion: Int { Schema.current.currentVersion }

    /// The store file.
    public let path: String
    private let database: Database
    private let lock = NSLock()
    private var redactor: SecretRedactor
    let hostName: String
    let processID: Int32

    private init(path: String, database: Database, redactor: SecretRedactor) {
        self.path = path
        self.database = database
        self.redactor = redactor
        self.hostName = Self.currentHostName()
        self.processID = getpid()
    }

    /// The store file for a repository: `HOPS_STORE` when set, else `<root>/.hops/hops.db`.
    ///
    /// The CLI's `--store` takes precedence over both and is passed to `open` directly.
    public static func defaultPath(
        repositoryRoot: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> String {
        if let override = environment["HOPS_STORE"], !override.isEmpty { return override }
        return URL(fileURLWithPath: repositoryRoot).appendingPathComponent(".hops/hops.db").path
    }

    /// Opens the store at `path`, creating it (and its folder) when missing, migrating an older schema,
    /// and marking runs whose hops process has died as interrupted.
    ///
    /// A damaged file, a non-SQLite file, another program's database, a newer schema or a file hops may
    /// not read and write is refused with a `RunStoreError` naming the file; the file is left untouched.
    public static func open(path: String, redactor: SecretRedactor = SecretRedactor()) throws -> RunStore {
        try open(path: path, redactor: redactor, schema: .current)
    }

    /// Opens the store at `path` for commands that only read (`runs`, `show`): read-write when hops
    /// may write it, else read-only, so that a store on a read-only file or disk can still be read.
    /// A missing file is created as `open` does; writing to a read-only store fails with `unusable`.
    public static func openForReading(path: String, redactor: SecretRedactor = SecretRedactor()) throws -> RunStore {
        guard FileManager.default.fileExists(atPath: path), !isWritable(path) else {
            return try open(path: path, redactor: redactor)
        }
        try checkFile(at: path, forWriting: false)
        var lastError: DatabaseError?
        for immutable in [false, true] {
            do {
                let database = try Database(path: path, access: .readOnly(immutable: immutable))
                let found = Int(try database.integer("PRAGMA user_version"))
                if found != Schema.current.currentVersion {
                    throw found > Schema.current.currentVersion
                        ? RunStoreError.newerSchema(path: path, found: found, known: Schema.current.currentVersion)
                        : RunStoreError.unusable(
                            path: path, reason: "it is read-only and has an older schema (\(found)) hops cannot upgrade")
                }
                return RunStore(path: path, database: database, redactor: redactor)
            } catch let error as DatabaseError {
                // Without write access to the folder the WAL's index cannot be made: read the file alone.
                if error.isCorruption { throw map(error, path: path) }
                lastError = error
            }
        }
        throw lastError.map { map($0, path: path) } ?? RunStoreError.unusable(path: path, reason: "it cannot be read")
    }

    /// Whether hops may write the file and the folder that holds it (SQLite writes its journal there).
    private static func isWritable(_ path: String) -> Bool {
        access(path, W_OK) == 0 && access((path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent, W_OK) == 0
    }

    static func open(path: String, redactor: SecretRedactor, schema: Schema) throws -> RunStore {
        try checkFile(at: path)
        // Two hops opening one store at once take turns: switching a new file to WAL and migrating
        // need it alone, and SQLite answers "locked" at once there rather than waiting. The lock is
        // on the store's folder: closing a descriptor of the store file itself would drop the
        // POSIX locks SQLite holds on it.
        let folder = (path as NSString).deletingLastPathComponent
        let turn = Glibc.open(folder.isEmpty ? "." : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if turn >= 0 {
            while flock(turn, LOCK_EX) != 0 && errno == EINTR {}
        }
        defer { if turn >= 0 { close(turn) } }
        let database: Database
        do {
            database = try Database(path: path)
            if database.isReadOnly {
                throw RunStoreError.unusable(
                    path: path, reason: "the file is read-only (`hops runs` and `hops show` can still read it)")
            }
            // Read before anything writes: a newer schema must not even have its journal mode changed.
            let found = Int(try database.integer("PRAGMA user_version"))
            if found > schema.currentVersion {
                throw RunStoreError.newerSchema(path: path, found: found, known: schema.currentVersion)
            }
            try database.execute("PRAGMA journal_mode = WAL")
            // A commit is in the WAL file, that is with the operating system, when it returns: a hops
            // killed at any point (kill -9) loses no committed step, at any synchronous level. NORMAL
            // waits for the disk only at a checkpoint, so that a crash of the machine loses at most
            // the latest steps, never the store. The last connection to close leaves a small log
            // where it is and checkpoints a big one (see `Database.logKeptBelow`). Temporary data
            // (the undo log of one statement of a transaction, which a multi-row INSERT keeps)
            // stays in memory instead of a file of its own written and removed by each command.
            // The store file is read through a memory map (writes still go through the file): a
            // resume reading a run of 1,000 steps made 200 fewer read calls.
            try database.execute(
                """
                PRAGMA synchronous = NORMAL; PRAGMA journal_size_limit = 4194304; PRAGMA foreign_keys = ON;
                PRAGMA temp_store = MEMORY; PRAGMA mmap_size = 268435456
                """)
            if found < schema.currentVersion { try schema.migrate(database) }
        } catch let error as DatabaseError {
            throw map(error, path: path)
        }
        let store = RunStore(path: path, database: database, redactor: redactor)
        try store.markInterruptedRuns()
        return store
    }

    /// Refuses a directory, an inaccessible file or a file that is not SQLite; creates the folder
    /// (0700) and an empty file (0600: it holds results and outputs) when missing.
    private static func checkFile(at path: String, forWriting: Bool = true) throws {
        let fileManager = FileManager.default
        var isDirectory: ObjCBool = false
        guard fileManager.fileExists(atPath: path, isDirectory: &isDirectory) else {
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
            if !fileManager.fileExists(atPath: folder.path) {
                do {
                    try fileManager.createDirectory(
                        at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
                } catch {
                    throw RunStoreError.unusable(path: path, reason: "cannot create the folder \(folder.path)")
                }
                if folder.lastPathComponent == ".hops" {
                    // The store holds local results and outputs: keep it out of Git even without a .gitignore entry.
                    do {
                        try "*\n".write(to: folder.appendingPathComponent(".gitignore"), atomically: true, encoding: .utf8)
                    } catch {
                        throw RunStoreError.unusable(
                            path: path, reason: "cannot write \(folder.appendingPathComponent(".gitignore").path): \(error)")
                    }
                }
            }
            // Created here rather than by SQLite, which would make it 0644; its -wal and -shm files follow its mode.
            let descriptor = createFile(path, flags: O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode: 0o600)
            if descriptor < 0 && errno != EEXIST {
                throw RunStoreError.unusable(path: path, reason: String(cString: strerror(errno)))
            }
            if descriptor >= 0 { close(descriptor) }
            return
        }
        if isDirectory.boolValue { throw RunStoreError.unusable(path: path, reason: "it is a directory, not a file") }
        if access(path, forWriting ? R_OK | W_OK : R_OK) != 0 {
            throw RunStoreError.unusable(path: path, reason: String(cString: strerror(errno)))
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw RunStoreError.unusable(path: path, reason: "it cannot be read")
        }
        defer { try? handle.close() }
        let header = (try? handle.read(upToCount: 16)) ?? Data()
        // An empty file is a valid empty database; anything else must start with SQLite's magic string.
        if !header.isEmpty && header != Data("SQLite format 3\0".utf8) {
            throw RunStoreError.corrupt(path: path, detail: "it is not an SQLite database")
        }
    }

    /// Turns a SQLite failure into the store's error: damaged files and permissions get their own message.
    static func map(_ error: DatabaseError, path: String) -> RunStoreError {
        if error.isCorruption { return .corrupt(path: path, detail: error.message) }
        switch error.code {
        case SQLITE_CANTOPEN, SQLITE_PERM, SQLITE_AUTH:
            return .unusable(path: path, reason: error.message)
        case SQLITE_FULL:
            return .cannotWrite(path: path, reason: "the disk is full")
        case SQLITE_READONLY:
            return .cannotWrite(path: path, reason: "it is read-only")
        case SQLITE_IOERR:
            return .cannotWrite(path: path, reason: "\(error.message) (SQLite error \(error.extendedCode))")
        default:
            return .database(error)
        }
    }

    /// Runs `body` with the connection, under the lock, with SQLite failures mapped to `RunStoreError`.
    func withDatabase<T>(_ body: (Database) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        do {
            return try body(database)
        } catch let error as DatabaseError {
            throw Self.map(error, path: path)
        }
    }

    /// Adds secrets learnt during a run; from now on they are masked in everything written.
    public func addSecrets(_ secrets: some Sequence<String>) {
        lock.lock()
        defer { lock.unlock() }
        let secrets = Array(secrets)
        redactor.add(secrets)
        SecretMask.learn(secrets)
    }

    /// Every text written, masked by the store's own secrets and by every secret the process has learnt.
    func redacted(_ text: String?) -> SQLValue {
        SQLValue(SecretMask.redact(redactor.redact(text)))
    }

    /// A step's output: its bytes (a blob) when it was not plain text, else its text; masked.
    func redacted(_ text: String?, bytes: Data?) -> SQLValue {
        guard let bytes else { return redacted(text) }
        return .blob(SecretMask.redact(redactor.redact(bytes)))
    }

    /// The machine's name from gethostname(2): no name-service lookup, so opening the store stays fast.
    static func currentHostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Seconds since 1970 as stored.
    static func timestamp(_ date: Date) -> Double { date.timeIntervalSince1970 }

    static func date(_ timestamp: Double) -> Date { Date(timeIntervalSince1970: timestamp) }
}
