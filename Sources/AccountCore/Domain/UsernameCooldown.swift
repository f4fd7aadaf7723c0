
/// A username may change once per 30 days:
/// `nextChangeAllowedAt = changedAt + 30 days`.
package struct UsernameCooldown: Hashable, Sendable {
    /// Days between two changes.
    package static let days = 30

    /// When the name last changed; nil if it never did.
    package var lastChangedAt: Instant?

    /// Creates the cooldown that follows a change at `lastChangedAt`.
    package init(lastChangedAt: Instant?) {
        self.lastChangedAt = lastChangedAt
    }

    /// The first instant a new change is allowed; nil when allowed already.
    package var nextChangeAllowedAt: Instant? {
        lastChangedAt.map {
            Instant(millisecondsSince1970: $0.millisecondsSince1970 + Int64(Self.days) * millisecondsPerDay)
        }
    }

    /// Whether a change at `now` is allowed.
    package func allowsChange(at now: Instant) -> Bool {
        guard let next = nextChangeAllowedAt else { return true }
        return now.millisecondsSince1970 >= next.millisecondsSince1970
    }
}
