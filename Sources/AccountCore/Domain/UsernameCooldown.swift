
/// A username may change once per 30 days:
/// `nextChangeAllowedAt = changedAt + 30 days`.
public struct UsernameCooldown: Hashable, Sendable {
    /// Days between two changes.
    public static let days = 30

    /// When the name last changed; nil if it never did.
    public var lastChangedAt: Instant?

    /// Creates the cooldown that follows a change at `lastChangedAt`.
    public init(lastChangedAt: Instant?) {
        self.lastChangedAt = lastChangedAt
    }

    /// The first instant a new change is allowed; nil when allowed already.
    public var nextChangeAllowedAt: Instant? {
        lastChangedAt.map {
            Instant(millisecondsSince1970: $0.millisecondsSince1970 + Int64(Self.days) * millisecondsPerDay)
        }
    }

    /// Whether a change at `now` is allowed.
    public func allowsChange(at now: Instant) -> Bool {
        guard let next = nextChangeAllowedAt else { return true }
        return now.millisecondsSince1970 >= next.millisecondsSince1970
    }
}
