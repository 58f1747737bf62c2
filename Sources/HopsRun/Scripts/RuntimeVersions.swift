import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `--version` of the runtimes' binaries, remembered across commands in `HOPS_HOME/runtime-versions`
/// (a line each: path, file identity, version), as ccache remembers its compilers: a binary's
/// version changes only with its file, so the file's device, inode, size and times stand for it.
/// A script (a pyenv or asdf shim) answers for whatever it starts, and is asked every time.
///
/// Asking costs a process (8 ms for bash here), on the way to the first step of every run.
struct RuntimeVersions {
    let file: String

    init?(environment: [String: String]) {
        guard let home = HopsHome.path(in: environment) else { return nil }
        file = home + "/runtime-versions"
    }

    /// What stands for the binary at `executable`, links resolved; nil for a script or a missing file.
    static func identity(of executable: String) -> String? {
        guard let real = realpath(executable, nil) else { return nil }
        defer { free(real) }
        let path = String(cString: real)
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var magic = [UInt8](repeating: 0, count: 4)
        var info = stat()
        guard read(descriptor, &magic, 4) == 4, magic == [0x7F, 0x45, 0x4C, 0x46], fstat(descriptor, &info) == 0
        else { return nil }
        return [
            path, String(info.st_dev), String(info.st_ino), String(info.st_size),
            "\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)", "\(info.st_ctim.tv_sec).\(info.st_ctim.tv_nsec)",
        ].joined(separator: ":")
    }

    /// The version remembered for the binary `identity` stands for.
    func version(for identity: String) -> String? {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: "\t", maxSplits: 1)
            if fields.count == 2, fields[0] == identity { return String(fields[1]) }
        }
        return nil
    }

    /// Remembers `version` for `identity`, in place of what another binary at the same path had.
    func remember(_ version: String, for identity: String) {
        let path = identity.split(separator: ":").first.map(String.init) ?? identity
        let kept = ((try? String(contentsOfFile: file, encoding: .utf8)) ?? "").split(separator: "\n")
            .filter { !$0.hasPrefix(path + ":") }
        let text = (kept.map(String.init) + [identity + "\t" + version]).joined(separator: "\n") + "\n"
        // Written beside and renamed over, so that a hops reading it at the same time sees one or the other.
        let folder = (file as NSString).deletingLastPathComponent
        if mkdir(folder, 0o700) != 0 && errno != EEXIST { return }
        let temporary = file + ".\(getpid())"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(text.utf8)) else { return }
        if rename(temporary, file) != 0 { unlink(temporary) }
    }
}
