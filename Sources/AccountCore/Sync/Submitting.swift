extension SyncEngine {
    /// What became of a submitted operation.
    package enum Submission: Sendable {
        /// The server applied it.
        case completed(BackendOutcome)
        /// It waits in the outbox (offline, or the server could not be
        /// reached); it will be sent.
        case queued(OutboxOperation)
        /// It cancelled out an operation still queued: nothing is sent.
        case coalesced
    }

    /// Submits `operation` on the calling thread when that needs no network:
    /// offline, a queueable operation is queued (or coalesced) and one that
    /// is never queued is refused at once, as `submit(_:)` would. Nil when
    /// online: nothing was done, and `submit(_:)` sends it now.
    package func submitOffline(_ operation: BackendOperation) throws(AccountError) -> Submission? {
        guard !isOnline else { return nil }
        switch try enqueue(operation) {
        case .settled(let submission):
            return submission
        case .drain(let queued):
            // Back online meanwhile: it is on disk, and goes in the background.
            drainer.syncInBackground()
            return .queued(queued)
        case .applyNow:
            return nil
        }
    }

    /// The part of a submission that needs no network: validated, then
    /// written to the outbox (coalescing) in one durable transaction.
    private func enqueue(_ operation: BackendOperation) throws(AccountError) -> Enqueued {
        let operation = try validated(operation)
        // A cancel that carries credentials (a login) has no queueable form.
        guard let payload = OperationPayload(operation) else {
            guard isOnline else { throw AccountError.offlineNotQueued }
            return .applyNow(operation)
        }
        // What is queued is someone's: with nobody signed in, nobody's it
        // could be; under a token the server said is another user's, it
        // would be made under someone else's credentials.
        // Who, and with what token, read at once: a sign-in in between must
        // not give the operation one person's name and another's credential.
        let signIn = sender.signInNow
        guard let account = signIn.account else { throw AccountError(.unauthorized, detail: "nobody is signed in") }
        if signIn.mismatch != nil {
            throw AccountError(.accountMismatch, detail: "the server says the token is another user's")
        }
        let deadline = try operation.kind == .cancelDeletion ? localStatus().deletion.canCancelUntil : nil
        var operationToQueue = OutboxOperation(account: account, payload: payload, createdAt: now,
                                               deletionRequestID: nil, deadline: deadline,
                                               environment: store.environment)
        operationToQueue.credential = signIn.credential
        let plan = try outbox.enqueue(operationToQueue, for: account)
        // From here the operation is on disk: it will not be lost, and the
        // submission must not say it failed. So announcing the new status
        // is best effort: a read that fails here (an I/O error, shown by
        // the durability tests) would report a queued operation as failed.
        if plan.insertNew { broadcaster.emit(.operationQueued(operationToQueue)) }
        statusView.announce()
        guard plan.insertNew else { return .settled(.coalesced) }
        guard isOnline else {
            statusView.announceDeadlines()
            return .settled(.queued(operationToQueue))
        }
        return .drain(operationToQueue)
    }

    /// What became of a submission once its operation is on disk, or why
    /// it was not queued.
    private enum Enqueued {
        /// Done: coalesced, or queued while offline.
        case settled(Submission)
        /// Queued while online: a drain sends it now.
        case drain(OutboxOperation)
        /// Never queued (a cancel by login), online: sent at once, as validated.
        case applyNow(BackendOperation)
    }

    /// Submits a deletion's request or cancel, or a rename: validated, then
    /// sent now when online, else queued (`submitOffline` says which).
    package func submit(_ operation: BackendOperation) async throws(AccountError) -> Submission {
        let operationToQueue: OutboxOperation
        switch try enqueue(operation) {
        case .settled(let submission): return submission
        case .applyNow(let validated): return .completed(try await applyNow(validated))
        case .drain(let queued): operationToQueue = queued
        }
        let report = try await drainer.drain(immediate: operationToQueue.id)
        switch report.immediate {
        case .synced(let outcome)?:
            return .completed(outcome)
        case .failed(let error, .setAside, _)?:
            // The user is told now; the refused operation leaves the outbox.
            try outbox.remove(operationToQueue.id)
            throw error
        case .failed(let error, .waitForToken, _)?, .failed(let error, .waitForOwner, _)?, .failed(let error, .stop, _)?:
            throw error
        case .failed(_, .retry, _)?, nil:
            statusView.announceDeadlines()
            // By id, not by owner: learning whose the token is may have given
            // it its owner's account meanwhile.
            let queued: OutboxOperation?
            do {
                queued = try outbox.store.read { database in try database.outboxOperation(id: operationToQueue.id) }
            } catch {
                // It is on disk, and a failed read must not say otherwise.
                return .queued(operationToQueue)
            }
            guard let queued else {
                // Another drain delivered it meanwhile: the server has it.
                return .completed(BackendOutcome(deletion: try localStatus().deletion))
            }
            return .queued(queued)
        }
    }
}
