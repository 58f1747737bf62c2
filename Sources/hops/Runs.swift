import ArgumentParser
import Foundation
import HopsShell
import HopsStore

/// `hops runs [--json] [--limit N] [--size]`: the recorded runs, newest first.
struct Runs: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        _superCommandName: "hops",
        abstract: "List the recorded runs, newest first.",
        discussion: """
            One line per run: its id, kind, flow, status, start (local time), duration and failed \
            step. A run is named by its id, any unique prefix of it, `last` or -1, -2, … in the \
            other commands (show, resume, replay). The store is --store, else HOPS_STORE, else \
            <repo>/.hops/hops.db.
            """)

    @Flag(name: .long, help: "Print a JSON array of runs.")
    var json = false

    @Option(name: .long, help: "Show at most this many runs.")
    var limit = 20

    @Flag(name: .long, help: "Print the size of the store and what takes the room instead.")
    var size = false

    @Option(name: .long, help: "The run store (default: HOPS_STORE, else .hops/hops.db in the repository).")
    var store: String?

    @OptionGroup(title: "The runs of a Windmill server (with --remote)") var remote: RemoteOptions

    @Flag(name: .long, help: "With --remote: only failed and cancelled runs.")
    var failed = false

    @Option(name: .long, help: "With --remote: only the runs of this flow path (f/folder/name).")
    var flow: String?

    @Option(name: .long, help: "With --remote: only runs started within this age (30m, 12h, 2d).")
    var since: String?

    func validate() throws {
        if limit < 1 { throw ValidationError("--limit must be at least 1") }
        if remote.remote == nil, failed || flow != nil || since != nil {
            throw ValidationError("--failed, --flow and --since list a server's runs: give --remote NAME|URL")
        }
    }

    func run() throws {
        if remote.remote != nil {
            try RemoteRunsCommand.run(remote: remote, failed: failed, flow: flow, since: since, limit: limit, json: json)
            return
        }
        let runStore = try StoreCommand.open(store, forReading: true)
        if size {
            let report = try StoreCommand.answer { try runStore.sizeReport() }
            Terminal.writeOutput(RunListing.sizeReport(report) + "\n")
            return
        }
        let runs = try StoreCommand.answer { try runStore.runs(limit: limit) }
        if json {
            Terminal.writeOutput((RunListing.json(runs).jsonString(indent: 2) ?? "[]") + "\n")
        } else {
            Terminal.writeOutput(RunListing.table(runs, colored: Terminal.useColor(on: STDOUT_FILENO)) + "\n")
        }
    }
}

/// Opening the store for a command, and reporting its errors as exit statuses.
enum StoreCommand {
    /// Exit status when the store cannot be opened or read (sysexits' EX_IOERR).
    static let storeFailure: Int32 = 74
    /// Exit status when the named run or step is not in the store (sysexits' EX_NOINPUT).
    static let notFound: Int32 = 66

    /// The store `--store` names, else the default one; its error (naming the file) printed and exit 74.
    /// `forReading`: a store hops may not write is opened read-only instead of refused.
    static func open(_ option: String?, near file: String? = nil, forReading: Bool = false) throws -> RunStore {
        do {
            if forReading { return try RunStore.openForReading(path: StoreLocation.path(option: option, near: file)) }
            return try StoreLocation.open(option: option, near: file)
        } catch {
            Terminal.writeError("error: \(error)\n")
            throw ExitCode(storeFailure)
        }
    }

    /// Runs a store query; a store error is printed and exits 74, a lookup error exits 66.
    static func answer<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as RunDetail.LookupError {
            Terminal.writeError("error: \(error)\n")
            throw ExitCode(notFound)
        } catch let error as RunStoreError {
            Terminal.writeError("error: \(error)\n")
            if case .ambiguousRun = error { throw ExitCode(notFound) }
            throw ExitCode(storeFailure)
        }
    }
}
