/// Why the run store cannot be used or cannot answer; each message names the file and what to do.
public enum RunStoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file was written by a newer schema than this hops knows.
    case newerSchema(path: String, found: Int, known: Int)
    /// The file is damaged or is not an SQLite database at all.
    case corrupt(path: String, detail: String)
    /// The file (or its folder) cannot be opened for reading and writing.
    case unusable(path: String, reason: String)
    /// The file is an SQLite database of something else.
    case notAStore(path: String, tables: [String])
    /// A run reference matches several runs.
    case ambiguousRun(reference: String, candidates: [RunID])
    /// A write names a run that is not in the store.
    case unknownRun(RunID)
    /// A write names a step attempt that is not in the store.
    case unknownStep(StepRecordID)
    /// A write failed: a full disk, an I/O error, a read-only file or disk.
    case cannotWrite(path: String, reason: String)
    /// A SQLite failure not covered above.
    case database(DatabaseError)

    public var description: String {
        switch self {
        case .newerSchema(let path, let found, let known):
            return "\(path) was written by a newer hops (schema \(found), this hops knows \(known)): "
                + "upgrade hops or use another store with --store"
        case .corrupt(let path, let detail):
            return "\(path) is not a usable hops store (\(detail)); it was left untouched: "
                + "move it away (e.g. `mv \(path) \(path).broken`) so hops starts a new store, "
                + "or use another store with --store"
        case .unusable(let path, let reason):
            return "cannot open the hops store \(path): \(reason): "
                + "fix its permissions or use another store with --store"
        case .notAStore(let path, let tables):
            let listed = tables.prefix(5).joined(separator: ", ") + (tables.count > 5 ? ", …" : "")
            return "\(path) is an SQLite database but not a hops store (it holds \(listed)); it was left untouched: "
                + "use another store with --store"
        case .ambiguousRun(let reference, let candidates):
            let listed = candidates.prefix(5).map(\.rawValue).joined(separator: ", ")
            return "run '\(reference)' is ambiguous: it matches \(listed)\(candidates.count > 5 ? ", …" : ""); "
                + "give more of the id"
        case .unknownRun(let id):
            return "no run \(id) in the store"
        case .unknownStep(let id):
            return "no step attempt #\(id) in the store"
        case .cannotWrite(let path, let reason):
            return "cannot write the hops store \(path): \(reason); what this run did is not (fully) recorded: "
                + "free some space or fix the file, or use another store with --store"
        case .database(let error):
            return error.description
        }
    }
}
