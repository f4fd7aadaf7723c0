import AccountCore
import Libc

/// The prompt's history, kept across sessions in one file
/// (`$XDG_STATE_HOME/acct/history`): owner-only (0600, its directory
/// 0700), at most `limit` lines, and never a line that carries a token or a
/// password.
struct History {
    /// The file; nil keeps the history for this session only.
    let path: String?
    /// The most lines kept.
    var limit = 1000
    /// The lines, oldest first.
    private(set) var entries: [String] = []

    /// The history at `path` (its file read, and cut to `limit` when it
    /// grew past it); empty when there is none yet.
    init(path: String?, limit: Int = 1000) {
        self.path = path
        self.limit = limit
        guard let path, let bytes = Self.read(path) else { return }
        entries = String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init)
        if entries.count > limit {
            entries.removeFirst(entries.count - limit)
            _ = rewrite()
        }
    }

    /// Whether `line` may be kept: not when one of its words is a token
    /// (`--token T`, `--token=T`, `ACCT_TOKEN=T`) or a password.
    static func mayKeep(_ line: String) -> Bool {
        !CommandWords.split(line).contains { word in
            let name = word.split(separator: "=", maxSplits: 1).first.map(String.init) ?? word
            return name == "--token" || name == "ACCT_TOKEN" || (name.contains("password") && name != "--password-stdin")
        }
    }

    /// Adds `line`, unless it is empty, the same as the last, or carries a
    /// secret; false when the file could not be written.
    mutating func add(_ line: String) -> Bool {
        guard !line.isEmpty, line != entries.last, Self.mayKeep(line) else { return true }
        entries.append(line)
        guard let path else { return true }
        if entries.count > limit {
            entries.removeFirst(entries.count - limit)
            return rewrite()
        }
        return Self.write(Array((line + "\n").utf8), to: path, flags: O_APPEND)
    }

    /// Writes the file anew from `entries`, through a new file renamed over
    /// it, so another prompt reading it meanwhile sees the old or the new.
    private func rewrite() -> Bool {
        guard let path else { return true }
        let temporary = path + ".new"
        unlink(temporary)
        let text = entries.map { $0 + "\n" }.joined()
        return Self.write(Array(text.utf8), to: temporary, flags: O_EXCL) && rename(temporary, path) == 0
    }

    private static func write(_ bytes: [UInt8], to path: String, flags: Int32) -> Bool {
        let directory = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        guard (try? StoreFile.makePrivateDirectory(directory)) != nil else { return false }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | flags, mode_t(0o600))
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        // A file made before, by hand or another umask, is made owner-only.
        guard fchmod(descriptor, mode_t(0o600)) == 0 else { return false }
        var rest = bytes[...]
        while !rest.isEmpty {
            let written = rest.withUnsafeBytes { Libc.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0, errno == EINTR { continue }
            guard written > 0 else { return false }
            rest = rest.dropFirst(written)
        }
        return true
    }

    private static func read(_ path: String) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { Libc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            bytes.append(contentsOf: buffer[..<count])
        }
        return bytes
    }
}
