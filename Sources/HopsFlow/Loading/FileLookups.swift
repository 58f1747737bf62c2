import Foundation

/// What one reading of a flow looked up on disk besides the flow's own text, and what it found:
/// a kept reading (`FlowCache`) still holds while every lookup finds the same again.
///
/// Not Sendable: it lives for one load on one thread.
final class FileLookups {
    /// One lookup and what it found.
    enum Lookup: Equatable {
        case exists(path: String, found: Bool)
        case directory(path: String, found: Bool)
        /// A file read as UTF-8 text; nil when it could not be.
        case text(path: String, found: String?)
        /// The names in a folder, empty when it could not be listed.
        case listing(path: String, found: [String])
        /// An absolute path with symbolic links resolved.
        case realPath(path: String, found: String)

        /// The same lookup made again, now.
        func repeated() -> Lookup {
            switch self {
            case .exists(let path, _): .exists(path: path, found: FileManager.default.fileExists(atPath: path))
            case .directory(let path, _): .directory(path: path, found: Self.isDirectory(path))
            case .text(let path, _): .text(path: path, found: try? String(contentsOfFile: path, encoding: .utf8))
            case .listing(let path, _): .listing(path: path, found: (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [])
            case .realPath(let path, _): .realPath(path: path, found: WindmillPaths.real(path))
            }
        }

        private static func isDirectory(_ path: String) -> Bool {
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
        }
    }

    /// Each lookup once, in the order first made.
    private(set) var lookups: [Lookup] = []

    func fileExists(_ path: String) -> Bool {
        guard case .exists(_, let found) = look(.exists(path: path, found: false)) else { return false }
        return found
    }

    func isDirectory(_ path: String) -> Bool {
        guard case .directory(_, let found) = look(.directory(path: path, found: false)) else { return false }
        return found
    }

    func text(_ path: String) -> String? {
        guard case .text(_, let found) = look(.text(path: path, found: nil)) else { return nil }
        return found
    }

    func listing(_ path: String) -> [String] {
        guard case .listing(_, let found) = look(.listing(path: path, found: [])) else { return [] }
        return found
    }

    func realPath(_ path: String) -> String {
        guard case .realPath(_, let found) = look(.realPath(path: path, found: path)) else { return path }
        return found
    }

    /// Whether every lookup of a kept reading finds what it found then.
    static func stillHold(_ lookups: [Lookup]) -> Bool {
        lookups.allSatisfy { $0.repeated() == $0 }
    }

    /// `lookup` made now, or as made before in this reading (a flow of many steps names few files).
    private func look(_ lookup: Lookup) -> Lookup {
        if let made = lookups.first(where: { $0.sameQuestion(as: lookup) }) { return made }
        let answer = lookup.repeated()
        lookups.append(answer)
        return answer
    }
}

extension FileLookups.Lookup {
    /// Whether two lookups ask the same of the same path, whatever they found.
    fileprivate func sameQuestion(as other: Self) -> Bool {
        switch (self, other) {
        case (.exists(let a, _), .exists(let b, _)), (.directory(let a, _), .directory(let b, _)),
            (.text(let a, _), .text(let b, _)), (.listing(let a, _), .listing(let b, _)),
            (.realPath(let a, _), .realPath(let b, _)):
            a == b
        default: false
        }
    }
}
