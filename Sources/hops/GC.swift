import ArgumentParser
import Foundation
import HopsShell
import HopsStore

/// `hops gc --older-than 30d` and `hops gc --size`: delete old runs, report the store's size.
struct GC: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gc",
        _superCommandName: "hops",
        abstract: "Delete runs older than an age, or report the size of the run store.",
        discussion: """
            --older-than takes a number and a unit: d (days), h (hours) or m (minutes), e.g. 30d. \
            Runs still running are kept; steps of newer runs that reused a deleted result keep \
            their own copy of it.
            """)

    @Option(name: .long, help: "Delete the runs started longer ago than this (30d, 12h, 90m).")
    var olderThan: String?

    @Flag(name: .long, help: "Print the size of the store and what takes the room.")
    var size = false

    @Option(name: .long, help: "The run store (default: HOPS_STORE, else .hops/hops.db in the repository).")
    var store: String?

    func validate() throws {
        if olderThan == nil && !size { throw ValidationError("give --older-than AGE (e.g. 30d) or --size") }
        if let olderThan, Self.seconds(olderThan) == nil {
            throw ValidationError("--older-than is a number and a unit d, h or m (e.g. 30d), not '\(olderThan)'")
        }
    }

    func run() throws {
        let runStore = try StoreCommand.open(store)
        if let olderThan, let seconds = Self.seconds(olderThan) {
            let collected = try StoreCommand.answer { try runStore.gc(olderThan: Date().addingTimeInterval(-seconds)) }
            let runs = collected.runsDeleted == 1 ? "run" : "runs"
            let steps = collected.stepsDeleted == 1 ? "step" : "steps"
            Terminal.writeOutput(
                "deleted \(collected.runsDeleted) \(runs) (\(collected.stepsDeleted) \(steps)) older than \(olderThan); "
                    + "freed \(RunListing.bytes(collected.bytesFreed))\n")
        }
        if size {
            let report = try StoreCommand.answer { try runStore.sizeReport() }
            Terminal.writeOutput(RunListing.sizeReport(report) + "\n")
        }
    }

    /// `30d`, `12h`, `90m` in seconds; nil for anything else.
    static func seconds(_ age: String) -> TimeInterval? {
        guard let unit = age.last, let number = Double(age.dropLast()), number >= 0, number.isFinite else { return nil }
        switch unit {
        case "d": return number * 86400
        case "h": return number * 3600
        case "m": return number * 60
        default: return nil
        }
    }
}
