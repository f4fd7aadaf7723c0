/// Names the account a cached value, a queued operation or an audit entry
/// belongs to, inside one store.
public struct AccountID: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    /// The name, chosen by the client (for example the back end and user id).
    public let rawValue: String

    /// Creates an account id.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// Creates an account id.
    public init(_ rawValue: String) {
        self.rawValue = rawValue
    }

    public var description: String { rawValue }
}
