
/// What the user last saw of their account. Each back end fills what it has.
public struct AccountProfile: Hashable, Sendable {
    /// The server's id of the user.
    public var id: String
    /// The username, where the back end has one.
    public var username: String?
    /// A display name (first and last name where the back end has them).
    public var displayName: String?
    /// The e-mail address, where the back end gives it.
    public var email: String?
    /// Whether the account is locked (a deletion is pending).
    public var isLocked: Bool
    /// When the username last changed.
    public var usernameChangedAt: Instant?
    /// When the username may change next.
    public var nextUsernameChangeAllowedAt: Instant?

    /// Creates a profile.
    public init(
        id: String, username: String? = nil, displayName: String? = nil, email: String? = nil,
        isLocked: Bool = false, usernameChangedAt: Instant? = nil, nextUsernameChangeAllowedAt: Instant? = nil
    ) {
        self.id = id
        self.username = username
        self.displayName = displayName
        self.email = email
        self.isLocked = isLocked
        self.usernameChangedAt = usernameChangedAt
        self.nextUsernameChangeAllowedAt = nextUsernameChangeAllowedAt
    }
}
