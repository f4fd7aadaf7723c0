import FoundationEssentials

/// A username may change once per 30 days:
/// `nextChangeAllowedAt = changedAt + 30 days`.
public struct UsernameCooldown: Hashable, Sendable, Codable {
    /// Days between two changes.
    public static let days = 30

    /// When the name last changed; nil if it never did.
    public var lastChangedAt: Date?

    /// Creates the cooldown that follows a change at `lastChangedAt`.
    public init(lastChangedAt: Date?) {
        self.lastChangedAt = lastChangedAt
    }

    /// The first instant a new change is allowed; nil when allowed already.
    public var nextChangeAllowedAt: Date? {
        lastChangedAt.map {
            Date(millisecondsSince1970: $0.millisecondsSince1970 + Int64(Self.days) * millisecondsPerDay)
        }
    }

    /// Whether a change at `now` is allowed.
    public func allowsChange(at now: Date) -> Bool {
        guard let next = nextChangeAllowedAt else { return true }
        return now.millisecondsSince1970 >= next.millisecondsSince1970
    }
}
