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
    /// (`--token T`, `--token=T`, `ACCT_TOKEN=T`) or a password, nor when
    /// anything in it is shaped like a token (`TokenShape`), wherever it
    /// stands: a bare token pasted at the prompt is never written down.
    static func mayKeep(_ line: String) -> Bool {
        let words = CommandWords.split(line)
        let named = words.contains { word in
            let name = word.split(separator: "=", maxSplits: 1).first.map(String.init) ?? word
            return name == "--token" || name == "ACCT_TOKEN" || (name.contains("password") && name != "--password-stdin")
        }
        if named { return false }
        var isPath = false
        for word in words {
            // A file's path (`--db`, `--token-file`) is no secret, and may be long.
            defer { isPath = pathOptions.contains(word) }
            if isPath || pathOptions.contains(where: { word.hasPrefix($0 + "=") }) { continue }
            if TokenShape.contains(word) { return false }
        }
        return true
    }

    /// The options whose value is a file's path.
    private static let pathOptions: Set<String> = Set(CommandTable.optionsByName.values.compactMap { option in
        if case .path = option.value { return option.name }
        return nil
    })

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

/// What a bearer token looks like, to keep it out of the history: a JWT
/// (a JSON header, a payload and a signature, base64url, joined by dots;
/// five parts for an encrypted one), or any RFC 6750 `b64token` (the
/// alphabet `BearerToken` checks) of `minimumLength` characters or more.
/// A UUID (a device's, an account's id) is shaped like neither. Words of
/// commands, user names, e-mail addresses (split at `@`) are far shorter.
enum TokenShape {
    /// The shortest run of token characters taken for an opaque token.
    static let minimumLength = 32

    /// Whether `text` holds something token-shaped anywhere.
    static func contains(_ text: String) -> Bool {
        runs(Array(text.utf8)).contains { run in
            (run.count >= minimumLength && !isUUID(run)) || isJWT(run)
        }
    }

    /// The longest stretches of `b64token` characters, each with its `=` padding.
    private static func runs(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        var runs: [ArraySlice<UInt8>] = []
        var index = 0
        while index < bytes.count {
            guard isTokenCharacter(bytes[index]) else {
                index += 1
                continue
            }
            let first = index
            while index < bytes.count, isTokenCharacter(bytes[index]) { index += 1 }
            while index < bytes.count, bytes[index] == UInt8(ascii: "=") { index += 1 }
            runs.append(bytes[first..<index])
        }
        return runs
    }

    /// Three (or five) base64url parts joined by dots, the first a JSON
    /// object: `{` to `}` once decoded (`example.com.tr` is not one).
    private static func isJWT(_ run: ArraySlice<UInt8>) -> Bool {
        let parts = run.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 3 || parts.count == 5, !parts[1].isEmpty,
              parts.allSatisfy({ $0.allSatisfy(isBase64URL) }), let header = decodeBase64URL(parts[0]) else { return false }
        let content = header.filter { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }
        return content.first == UInt8(ascii: "{") && content.last == UInt8(ascii: "}")
    }

    /// The bytes `text` (base64url, no padding) encodes; nil when it is no
    /// such text.
    private static func decodeBase64URL(_ text: ArraySlice<UInt8>) -> [UInt8]? {
        guard text.count % 4 != 1 else { return nil }
        var bytes: [UInt8] = []
        var accumulator: UInt32 = 0
        var bits = 0
        for character in text {
            let value: UInt32 = switch character {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): UInt32(character - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): UInt32(character - UInt8(ascii: "a")) + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(character - UInt8(ascii: "0")) + 52
            case UInt8(ascii: "-"): 62
            default: 63
            }
            accumulator = (accumulator << 6) | value
            bits += 6
            if bits >= 8 {
                bits -= 8
                bytes.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
        }
        return bytes
    }

    /// `8-4-4-4-12` hexadecimal digits.
    private static func isUUID(_ run: ArraySlice<UInt8>) -> Bool {
        let groups = run.split(separator: UInt8(ascii: "-"), omittingEmptySubsequences: false)
        return groups.map(\.count) == [8, 4, 4, 4, 12] && groups.allSatisfy { $0.allSatisfy(isHexDigit) }
    }

    /// RFC 6750's token characters: ALPHA, DIGIT, `-`, `.`, `_`, `~`, `+`, `/`.
    private static func isTokenCharacter(_ byte: UInt8) -> Bool {
        isBase64URL(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "~") || byte == UInt8(ascii: "+")
            || byte == UInt8(ascii: "/")
    }

    private static func isBase64URL(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
            true
        default:
            false
        }
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"), UInt8(ascii: "A")...UInt8(ascii: "F"):
            true
        default:
            false
        }
    }
}
