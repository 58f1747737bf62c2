import Foundation

/// Tab completion of flow paths for `:load`: folders to descend into, `.yaml` files, and
/// `.flow` / `__flow` folders, relative to the current folder.
enum FlowPathCompletion {
    static func complete(_ text: String) -> LineEditor.Completion {
        let word = text.split(separator: " ", omittingEmptySubsequences: false).last.map(String.init) ?? ""
        let slash = word.lastIndex(of: "/")
        let folderPart = slash.map { String(word[...$0]) } ?? ""
        let prefix = slash.map { String(word[word.index(after: $0)...]) } ?? word
        let folder = folderPart.isEmpty ? "." : (folderPart as NSString).expandingTildeInPath
        let manager = FileManager.default
        guard let names = try? manager.contentsOfDirectory(atPath: folder) else {
            return LineEditor.Completion(wordLength: word.count, candidates: [])
        }
        var candidates: [String] = []
        for name in names.sorted() where name.hasPrefix(prefix) {
            if name.hasPrefix(".") && !prefix.hasPrefix(".") { continue }
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: (folder as NSString).appendingPathComponent(name), isDirectory: &isDirectory) else {
                continue
            }
            if isDirectory.boolValue {
                // A wmill flow folder is a flow itself; any other folder is a way down.
                let isFlow = name.hasSuffix(".flow") || name.hasSuffix("__flow")
                candidates.append(folderPart + name + (isFlow ? "" : "/"))
            } else if name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
                candidates.append(folderPart + name)
            }
        }
        return LineEditor.Completion(wordLength: word.count, candidates: candidates)
    }
}
