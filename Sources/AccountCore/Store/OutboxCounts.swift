/// How many of one person's operations are in the outbox, in each state:
/// read from a tally the store keeps as the outbox changes, so it costs the
/// same whatever the length of the queue.
public struct OutboxCounts: Hashable, Sendable {
    /// Waiting to be sent, the one on its way included.
    public var queued: Int
    /// Refused by the server, kept for the user to see.
    public var failed: Int
    /// Cancels that could not reach the server before their deadline.
    public var missed: Int
    /// Set aside as unreadable by this build (a newer version's operation,
    /// a damaged row): kept, never sent. A row counts here once a drain
    /// met it; until then, as queued.
    public var unreadable: Int
    /// Made in the other environment (a development server's, seen from
    /// production, or the other way round): kept, never sent from here,
    /// whatever their state; not counted in the others.
    public var held: Int

    /// Creates counts.
    public init(queued: Int = 0, failed: Int = 0, missed: Int = 0, unreadable: Int = 0, held: Int = 0) {
        self.held = held
        self.queued = queued
        self.failed = failed
        self.missed = missed
        self.unreadable = unreadable
    }

    /// Every operation counted.
    public var total: Int { queued + failed + missed + unreadable + held }
}
