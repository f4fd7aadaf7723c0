import SQLiteDB

/// What may cancel out in the outbox before it is sent. Only operations that
/// never left the device (no attempt yet, or only attempts refused before any
/// byte was sent; not on their way) are touched: one that may have been sent
/// may already be applied, even if its answer was lost.
enum Coalescing {
    /// What to do with the queue when `new` is added to it.
    struct Plan: Equatable {
        /// Operations to remove.
        var remove: [OutboxOperation.ID]
        /// Whether `new` itself is written (false when it cancelled out).
        var insertNew: Bool
    }

    /// The few operations of one person a new one can cancel out with: all
    /// a plan needs, found by index rather than by reading the whole queue.
    struct Neighbours: Equatable {
        /// The newest queued request never sent.
        var lastUnsentRequest: OutboxOperation.ID?
        /// Whether a cancel waits in the queue (not one on its way).
        var hasQueuedCancel: Bool
        /// The queued renames never sent (at most one: each replaces the last).
        var unsentRenames: [OutboxOperation.ID]
    }

    static func plan(adding new: OutboxOperation, to neighbours: Neighbours) -> Plan {
        switch new.payload {
        case .cancelDeletion:
            // A request and its cancel, neither sent: nothing needs to happen.
            if let request = neighbours.lastUnsentRequest, !neighbours.hasQueuedCancel {
                return Plan(remove: [request], insertNew: false)
            }
        case .changeUsername:
            // Two renames: only the last one matters.
            return Plan(remove: neighbours.unsentRenames, insertNew: true)
        case .requestDeletion:
            break
        }
        return Plan(remove: [], insertNew: true)
    }
}

extension Coalescing.Neighbours {
    /// The neighbours of a new operation of `account`, leaving out those in
    /// `inFlight` (on their way: they may be applied already). Only those
    /// made in `environment`: one never cancels out a held operation.
    init(reading database: Database, for account: AccountID, in environment: ServerEnvironment,
         inFlight: Set<OutboxOperation.ID>) throws {
        // Never sent: queued, no attempt that may have reached the server
        // (one refused before sending does not count), not on its way.
        func unsent(_ operation: OutboxOperation) -> Bool { !operation.mayHaveBeenSent && !inFlight.contains(operation.id) }
        let skip = inFlight.count
        lastUnsentRequest = try database.queued(.requestDeletion, for: account, in: environment, limit: skip + 1, newestFirst: true)
            .first { !inFlight.contains($0.id) }.flatMap { unsent($0) ? $0.id : nil }
        hasQueuedCancel = try database.queued(.cancelDeletion, for: account, in: environment, limit: skip + 1)
            .contains { !inFlight.contains($0.id) }
        unsentRenames = try database.queued(.changeUsername, for: account, in: environment, limit: nil).filter(unsent).map(\.id)
    }
}
