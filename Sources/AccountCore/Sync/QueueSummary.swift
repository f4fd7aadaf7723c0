import SQLiteDB

/// What the status shows of one person's outbox, read by index and from
/// the outbox's tally, so that it costs the same with ten operations queued
/// or a hundred thousand.
struct QueueSummary: Sendable {
    /// The first queued request: the one the server will apply (those after
    /// it find a deletion pending and are refused), and so the one the
    /// status is laid over with.
    var firstRequest: OutboxOperation?
    /// The first queued cancel, with the deadline it must beat.
    var firstCancel: OutboxOperation?
    /// How many operations are in each state.
    var counts: OutboxCounts

    init(reading database: Database, for account: AccountID, in environment: ServerEnvironment) throws {
        firstRequest = try database.queued(.requestDeletion, for: account, in: environment, limit: 1).first
        firstCancel = try database.queued(.cancelDeletion, for: account, in: environment, limit: 1).first
        counts = try database.outboxCounts(for: account, in: environment)
    }

    /// The operations the status lists, oldest first.
    var shown: [OutboxOperation] {
        [firstRequest, firstCancel].compactMap { $0 }.sorted { $0.createdAt < $1.createdAt }
    }
}
