
/// Counts a back end keeps about the account.
public struct AccountStats: Hashable, Sendable {
    /// People following the user.
    public var followers: Int
    /// People the user follows.
    public var following: Int
    /// Live streams the user made.
    public var liveStreams: Int

    /// Creates stats.
    public init(followers: Int, following: Int, liveStreams: Int) {
        self.followers = followers
        self.following = following
        self.liveStreams = liveStreams
    }
}

/// What a username change did.
public struct UsernameChange: Hashable, Sendable {
    /// The name before.
    public var oldUsername: String?
    /// The name now.
    public var newUsername: String
    /// When the name may change again.
    public var nextChangeAllowedAt: Instant?

    /// Creates a change.
    public init(oldUsername: String?, newUsername: String, nextChangeAllowedAt: Instant?) {
        self.oldUsername = oldUsername
        self.newUsername = newUsername
        self.nextChangeAllowedAt = nextChangeAllowedAt
    }
}
