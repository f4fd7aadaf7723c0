import POSIXThread

/// The one writer of the engine's rows: outbox, cache and audit trail.
///
/// Every change is one durable transaction that keeps the three together:
/// an operation is queued (coalescing with what is still unsent) with its
/// audit entry, leaves the outbox only in the transaction that records its
/// answer, and keeps a failure with its audit entry. It also knows which
/// operations are on their way (`inFlight`): marked under the store's lock,
/// so a submission coalescing in its own transaction never cancels out one
/// that may be applied already.
package final class OutboxWriter: Sendable {
    package let store: AccountStore
    private let broadcaster: EventBroadcaster
    /// Now on the server's clock, as far as its answers showed it.
    private let now: @Sendable () -> Instant
    /// The operations on their way: sent, or answered with the answer still
    /// being written. In memory only.
    private let inFlight = LockedValue<Set<OutboxOperation.ID>>([])

    init(store: AccountStore, broadcaster: EventBroadcaster, now: @escaping @Sendable () -> Instant) {
        self.store = store
        self.broadcaster = broadcaster
        self.now = now
    }

    // MARK: Queueing

    /// Writes `operation` to the outbox, coalescing with what is still
    /// unsent, with its audit entry, in one transaction; returns the plan
    /// (whether it was queued or cancelled out something queued).
    func enqueue(_ operation: OutboxOperation, for account: AccountID) throws(AccountError) -> Coalescing.Plan {
        let at = now()
        return try store.write { database in
            // The ones on their way are left out: never cancelled out.
            let neighbours = try Coalescing.Neighbours(reading: database, for: account, in: store.environment,
                                                       inFlight: inFlight.withLock { $0 })
            let plan = Coalescing.plan(adding: operation, to: neighbours)
            for id in plan.remove { try database.deleteOutbox(id: id) }
            if plan.insertNew { try database.insertOutbox(operation) }
            try database.insertAudit(AuditEntry(at: at, action: operation.kind,
                                                outcome: plan.insertNew ? .queued : .coalesced,
                                                operationID: operation.id), for: account, in: store.environment)
            return plan
        }
    }

    /// Removes an operation refused while the user waited: they are told now.
    func remove(_ id: OutboxOperation.ID) throws(AccountError) {
        _ = try store.write { database in try database.deleteOutbox(id: id) }
    }

    // MARK: What a drain writes

    /// Up to `limit` of `owner`'s queued operations not yet on their way,
    /// marked in flight under the store's lock. What this build cannot read
    /// is set aside, not sent, and no longer counted as waiting.
    func takeQueued(for owner: AccountID, limit: Int) throws(AccountError) -> [OutboxOperation] {
        let (next, unreadable) = try store.read { database in
            var unreadable: [Int64] = []
            let next = try database.nextQueued(for: owner, in: store.environment, limit: limit,
                                               skipping: inFlight.withLock { $0 }, unreadable: &unreadable)
            inFlight.withLock { $0.formUnion(next.map(\.id)) }
            return (next, unreadable)
        }
        if !unreadable.isEmpty { try store.write { database in try database.setAsideUnreadable(unreadable) } }
        return next
    }

    /// `id` is no longer on its way (answered and written, or not sent).
    func release(_ id: OutboxOperation.ID) {
        inFlight.withLock { _ = $0.remove(id) }
    }

    /// Nothing is on its way: a drain ended.
    func releaseAll() {
        inFlight.withLock { $0.removeAll() }
    }

    /// `operations` with those on their way marked `sending`.
    func overlaySending(_ operations: [OutboxOperation]) -> [OutboxOperation] {
        let sending = inFlight.withLock { $0 }
        return operations.map { operation in
            var operation = operation
            if sending.contains(operation.id) { operation.state = .sending }
            return operation
        }
    }

    /// The server applied each operation of `answers`: each leaves the
    /// outbox in the one transaction that records its answer, in order.
    func complete(_ answers: [DrainAnswer]) throws(AccountError) {
        let at = now()
        try store.write { database in
            for answer in answers {
                let operation = answer.operation
                try database.deleteOutbox(id: operation.id)
                try database.remember(answer.outcome, for: operation.account, in: operation.environment, asOf: at)
                try database.insertAudit(AuditEntry(at: at, action: operation.kind, outcome: .succeeded,
                                                    httpStatus: answer.httpStatus, operationID: operation.id),
                                         for: operation.account, in: operation.environment)
            }
            // Under the store's lock, as they were marked.
            inFlight.withLock { inFlight in answers.forEach { inFlight.remove($0.operation.id) } }
        }
        for answer in answers { broadcaster.emit(.operationSynced(answer.operation)) }
    }

    /// Keeps `operation` (with its new attempts, schedule or state) and the
    /// reason it did not go through, with its audit entry, in one transaction.
    @discardableResult
    func save(_ operation: OutboxOperation, after error: AccountError,
              outcome: AuditEntry.Outcome) throws(AccountError) -> OutboxOperation {
        var operation = operation
        operation.lastError = AccountClient.describe(error)
        let at = now()
        try store.write { database in
            try database.updateOutbox(operation)
            try database.insertAudit(AuditEntry(at: at, action: operation.kind, outcome: outcome,
                                                httpStatus: error.httpStatus, errorCode: error.code,
                                                operationID: operation.id), for: operation.account,
                                     in: operation.environment)
        }
        return operation
    }

    /// A queued cancel whose deadline passed: marked missed, audited, announced.
    func markMissed(_ operation: OutboxOperation) throws(AccountError) {
        var missed = operation
        missed.state = .missed
        missed.lastError = "the deadline passed before the cancel reached the server"
        let at = now()
        try store.write { database in
            try database.updateOutbox(missed)
            try database.insertAudit(AuditEntry(at: at, action: operation.kind, outcome: .missed,
                                                operationID: operation.id), for: operation.account,
                                     in: operation.environment)
        }
        release(operation.id)
        broadcaster.emit(.operationFailed(missed, AccountError(.conflict, detail: missed.lastError)))
    }

    // MARK: What is never queued

    /// Keeps what a read said in the cache of the person it was for.
    func remember(_ outcome: BackendOutcome, for owner: AccountID, asOf at: Instant) throws(AccountError) {
        try store.write { database in try database.remember(outcome, for: owner, in: store.environment, asOf: at) }
    }

    /// Records a direct mutation's answer as a delivery's; after a finalize
    /// or an erasure no trace of the account stays on the device.
    func recordApplied(_ outcome: BackendOutcome, of kind: OperationKind, for owner: AccountID) throws(AccountError) {
        let at = now()
        try store.write { database in
            try database.remember(outcome, for: owner, in: store.environment, asOf: at)
            try database.insertAudit(AuditEntry(at: at, action: kind, outcome: .succeeded, httpStatus: 200), for: owner,
                                     in: store.environment)
        }
        if kind == .finalizeDeletion || kind == .erase { try store.wipe(owner) }
    }

    /// Appends `entry` to `owner`'s audit trail, when someone is signed in.
    /// Best effort: the failure being recorded is what the caller reports.
    func audit(_ entry: AuditEntry, for owner: AccountID?) {
        guard let owner else { return }
        try? store.record(entry, for: owner)
    }

    // MARK: The user's own moves

    /// What of `account`'s had not been sent, read in one transaction; with
    /// `discard`, removed, audited (what is on its way is kept: it may be
    /// applied already).
    func unsent(of account: AccountID, discard: Bool) throws(AccountError) -> ([OutboxOperation], [UnreadableOperation]) {
        let at = now()
        return try store.write { database -> ([OutboxOperation], [UnreadableOperation]) in
            let unsent = overlaySending(try database.outboxOperations(for: account))
                .filter { $0.state == .queued || $0.state == .sending }
            // A row set aside, or still queued, that this build cannot read;
            // a failed or missed one stays, as readable ones do.
            let unreadable = try database.unreadableOperations(for: account, inStates: ["queued", "unreadable"])
            if discard {
                for operation in unsent where operation.state == .queued {
                    try database.deleteOutbox(id: operation.id)
                    try database.insertAudit(AuditEntry(at: at, action: operation.kind, outcome: .discarded,
                                                        operationID: operation.id), for: account,
                                             in: operation.environment)
                }
                for operation in unreadable {
                    try database.deleteUnreadable(operation, discardedAt: at)
                }
            }
            return (unsent, unreadable)
        }
    }

    /// Removes `account`'s failed and missed operations of the store's
    /// environment (the other's are held; only a discarding sign-out drops them).
    func dismissFailed(of account: AccountID) throws(AccountError) {
        try store.write { database in
            try database.execute("""
                DELETE FROM outbox WHERE account = ? AND environment = ? AND state IN ('failed', 'missed')
                """, [account.rawValue, store.environment.rawValue])
        }
    }

    /// Forgets `account`'s backoff: the network came back.
    func resetBackoff(of account: AccountID) {
        try? store.write { database in try database.resetBackoff(for: account, in: store.environment) }
    }
}
