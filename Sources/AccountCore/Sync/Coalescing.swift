/// What may cancel out in the outbox before it is sent. Only operations that
/// never left the device (no attempt yet) are touched: one that was sent may
/// already be applied, even if its answer was lost.
enum Coalescing {
    /// What to do with the queue when `new` is added to `queue` (the
    /// account's operations, oldest first).
    struct Plan: Equatable {
        /// Operations to remove.
        var remove: [OutboxOperation.ID]
        /// Whether `new` itself is written (false when it cancelled out).
        var insertNew: Bool
    }

    static func plan(adding new: OutboxOperation, to queue: [OutboxOperation]) -> Plan {
        let unsent = queue.filter { $0.state == .queued && $0.attempts == 0 }
        switch new.payload {
        case .cancelDeletion:
            // A request and its cancel, neither sent: nothing needs to happen.
            if let request = unsent.last(where: { $0.kind == .requestDeletion }),
               !queue.contains(where: { $0.kind == .cancelDeletion && $0.state == .queued }) {
                return Plan(remove: [request.id], insertNew: false)
            }
        case .changeUsername:
            // Two renames: only the last one matters.
            return Plan(remove: unsent.filter { $0.kind == .changeUsername }.map(\.id), insertNew: true)
        case .requestDeletion:
            break
        }
        return Plan(remove: [], insertNew: true)
    }
}
