import Libc

/// Why `--token-file`'s file is refused.
enum TokenFileProblem: Equatable, Sendable {
    /// Missing, or not readable by this user.
    case unreadable
    /// A symbolic link: read through it, a file of someone else could stand in.
    case symbolicLink
    /// A directory, a FIFO, a device: not a file that holds a token.
    case notRegularFile
    /// Another user's file: they could change the token under us.
    case notOwned
    /// Readable or writable by group or others: its `mode`, in octal.
    case openToOthers(mode: String)
}

/// `--token-file PATH`: a token kept in a file of the user's own, off the
/// command line (which every local user can read in `/proc/PID/cmdline`).
/// The file is opened without following a symbolic link, and is taken only
/// when it is a regular file owned by this user with no permission for
/// group or others (0600 or stricter), as `ssh` takes a private key.
enum TokenFile {
    /// The most a token file may hold: a bearer token is far shorter.
    static let limit = 65_536

    /// The token in the file at `path`, its trailing newline (LF or CRLF)
    /// trimmed; the core validates the rest, as for `--token`.
    static func read(_ path: String) throws(UsageError) -> String {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK)
        guard descriptor >= 0 else {
            throw .tokenFile(path: path, problem: errno == ELOOP ? .symbolicLink : .unreadable)
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw .tokenFile(path: path, problem: .unreadable) }
        guard status.st_mode & S_IFMT == S_IFREG else { throw .tokenFile(path: path, problem: .notRegularFile) }
        guard status.st_uid == geteuid() else { throw .tokenFile(path: path, problem: .notOwned) }
        let permissions = status.st_mode & 0o777
        guard permissions & 0o077 == 0 else {
            throw .tokenFile(path: path, problem: .openToOthers(mode: "0" + String(permissions, radix: 8)))
        }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while bytes.count <= limit {
            let count = buffer.withUnsafeMutableBytes { Libc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { throw .tokenFile(path: path, problem: .unreadable) }
            if count == 0 { break }
            bytes.append(contentsOf: buffer[..<count])
        }
        if bytes.last == UInt8(ascii: "\n") { bytes.removeLast() }
        if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }
}
