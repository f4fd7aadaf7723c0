
/// A deletion status with where it came from, so a UI never presents a
/// cached value as the server's word.
public struct StatusReport: Hashable, Sendable {
    /// Where a status came from.
    public enum Source: String, Hashable, Sendable {
        /// The server answered just now.
        case server
        /// The store's last known value (offline, or no status endpoint).
        case cache
    }

    /// The status.
    public let deletion: DeletionStatus
    /// Where it came from.
    public let source: Source
    /// When it was true.
    public let asOf: Instant
    /// The queued operations that decide what the deletion becomes, oldest
    /// first: the first queued request and the first queued cancel (which
    /// shows the deadline it must beat). The whole queue is `outbox`'s.
    public let queued: [OutboxOperation]
    /// How many operations wait in the outbox, in each state.
    public let counts: OutboxCounts

    /// Creates a report.
    public init(deletion: DeletionStatus, source: Source, asOf: Instant, queued: [OutboxOperation] = [],
                counts: OutboxCounts = OutboxCounts()) {
        self.deletion = deletion
        self.source = source
        self.asOf = asOf
        self.queued = queued
        self.counts = counts
    }
}
