
/// Whose a cached value, a queued operation or an audit entry is: a person
/// at one back end.
///
/// An account is its back end and its user id there; the base URL is not
/// part of it, so a queue survives the API moving host. Until the host or
/// the server has said whose a token is, the person behind it is known only
/// by a local id (`unconfirmed(backend:)`): their operations wait for that
/// very token, or for the server to say whose it is. Rows of an earlier
/// store whose owner could not be told are held with an unknown owner and
/// never sent under a guess.
///
/// Stored as text: `allmine:507f1f77` for a known user, `allmine?5b1f…`
/// for a person not yet named, `?legacy:…` for an earlier store's row.
public struct AccountID: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The stored form.
    public let rawValue: String

    /// Reads the stored form.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// The account `userID` of `backend`.
    public init(backend: String, userID: String) {
        rawValue = backend + ":" + userID
    }

    /// A person of `backend` known only by a token so far.
    static func unconfirmed(backend: String) -> AccountID {
        AccountID(rawValue: backend + "?" + UniqueID().description)
    }

    // The separators are ASCII: found in the UTF-8 bytes, not by walking
    // grapheme clusters (a status names every queued operation's owner).

    /// The back end's name; empty when an earlier store did not say.
    public var backend: String {
        let bytes = rawValue.utf8
        return String(rawValue[..<(bytes.firstIndex { $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: "?") } ?? bytes.endIndex)])
    }

    /// The user id at the back end; nil while nobody has said whose it is.
    public var userID: String? {
        let bytes = rawValue.utf8
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")),
              !bytes[..<colon].contains(UInt8(ascii: "?")) else { return nil }
        return String(rawValue[bytes.index(after: colon)...])
    }

    /// Whether the host or the server has said who this is.
    public var isKnown: Bool { userID != nil }

    /// Whether this is an earlier store's owner that could not be told:
    /// its operations are held, never sent under a guess. (One known only by
    /// a token is not held: that token sends its operations.)
    public var isHeld: Bool {
        let bytes = rawValue.utf8
        guard !isKnown, let mark = bytes.firstIndex(of: UInt8(ascii: "?")) else { return false }
        return bytes[bytes.index(after: mark)...].starts(with: "legacy:".utf8)
    }

    public var description: String { rawValue }
}
