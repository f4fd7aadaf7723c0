
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
    /// What waits in the outbox to reach the server (a queued cancel shows
    /// the deadline it must beat).
    public let queued: [OutboxOperation]

    /// Creates a report.
    public init(deletion: DeletionStatus, source: Source, asOf: Instant, queued: [OutboxOperation] = []) {
        self.deletion = deletion
        self.source = source
        self.asOf = asOf
        self.queued = queued
    }
}
