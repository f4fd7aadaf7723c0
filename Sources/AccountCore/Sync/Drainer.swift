import POSIXThread

/// Sends the signed-in person's queue, in order, and settles each answer:
/// one drain at a time in this engine (`DrainGate`), one process at a time
/// on the store (`DrainLock`). Its triggers and its long-lived task are in
/// `DrainLoop.swift`, the pipelined send in `PipelinedSend.swift`, what a
/// failure does in `Settlement.swift`.
package final class Drainer: Sendable {
    let sender: AuthorizedSender
    let outbox: OutboxWriter
    let status: StatusView
    let broadcaster: EventBroadcaster
    private let gate = DrainGate()
    private let lock: DrainLock

    struct State {
        var online: Bool
        var pausedForAuthentication = false
        /// Drains started in the background (by `setOnline`, `signIn`, `setToken`).
        var background: [UniqueID: Task<Void, Never>] = [:]
        /// The long-lived task of `startAutomaticSync`, and its wake-up.
        var loop: (task: Task<Void, Never>, wakeup: Wakeup)?
        /// How many drains ran (past the offline and paused checks).
        var drains = 0
        /// How many turns the long-lived task took, and who waits for a number of them.
        var turns = 0
        var nextWake: Instant?
        var turnWatchers: [(count: Int, waiter: CheckedContinuation<Void, Never>)] = []
    }
    let state: LockedValue<State>

    init(sender: AuthorizedSender, outbox: OutboxWriter, status: StatusView,
         broadcaster: EventBroadcaster, online: Bool) {
        self.sender = sender
        self.outbox = outbox
        self.status = status
        self.broadcaster = broadcaster
        self.lock = DrainLock(storePath: outbox.store.path)
        self.state = LockedValue(State(online: online))
    }

    deinit {
        state.withLock { state in
            state.loop?.task.cancel()
            state.background.values.forEach { $0.cancel() }
        }
    }

    var store: AccountStore { outbox.store }
    /// The signed-in person; nil when nobody is.
    var account: AccountID? { sender.account }
    /// Now on the server's clock: what a cancel's deadline is measured against.
    var now: Instant { sender.now }
    /// Now on this device's clock: what a wait of its own (a backoff, a
    /// `Retry-After` of so many seconds) is measured against, so that a
    /// later process, which has not yet seen the server's clock, reads it
    /// the same way.
    var deviceNow: Instant { sender.client.clock.now() }
    var isOnline: Bool { state.withLock { $0.online } }

    /// How many drains this engine ran: what shows an idle core does nothing.
    package var drainCount: Int { state.withLock { $0.drains } }

    /// What became of one operation a drain sent.
    enum Delivery {
        /// The server has it (or, for a cancel answered 404, nothing was
        /// left to cancel).
        case synced(BackendOutcome)
        /// It failed, and was kept or set aside as its `RetryClass` says
        /// (never `stop`: that is thrown); `retryAt`, for `retry`, is when
        /// it may go again.
        case failed(AccountError, RetryClass, retryAt: Instant?)
    }

    /// `drainOnce`, then, when something is left, the long-lived task is
    /// woken to sleep until it falls due.
    func drain(explicit: Bool = true,
               immediate: OutboxOperation.ID?) async throws(AccountError) -> (report: SyncReport, immediate: Delivery?) {
        do {
            let drained = try await drainOnce(explicit: explicit, immediate: immediate)
            if drained.report.remaining > 0 { wakeLoop() }
            return drained
        } catch {
            wakeLoop()
            throw error
        }
    }

    /// Sends the signed-in person's queued operations, in order, until the
    /// queue is empty or must wait. `explicit`: asked for (a backoff does
    /// not hold it back) rather than the timer's. Waits for a drain of this
    /// engine under way, then runs; returns at once when another process is
    /// draining, except for a submission's (`immediate`), which waits for it.
    func drainOnce(explicit: Bool,
                   immediate: OutboxOperation.ID?) async throws(AccountError) -> (report: SyncReport, immediate: Delivery?) {
        var report = SyncReport(sent: 0, failed: 0, remaining: 0)
        var immediateDelivery: Delivery?
        var holdup: SyncHoldup?
        let (online, paused) = state.withLock { ($0.online, $0.pausedForAuthentication) }
        if !online {
            holdup = .paused(.offline)
        } else if paused {
            holdup = .paused(.authenticationRequired)
            broadcaster.emit(.syncPaused(.authenticationRequired))
        } else {
            state.withLock { $0.drains += 1 }
            // This engine's drains go one after another (a drain asked for
            // while another runs goes next, never lost); another process's
            // are kept out by the lock beside the store.
            guard await gate.enter() else { throw AccountError(.network, detail: "cancelled") }
            defer { gate.leave() }
            // Whatever way the drain ends, nothing of it is on its way after.
            defer { outbox.releaseAll() }
            // Cancelled before it was queued on the gate: its turn ends at once.
            if Task.isCancelled { throw AccountError(.network, detail: "cancelled") }
            var held: DrainLock.Held?
            do {
                // What the user just did waits for another process's drain
                // rather than be reported as queued while online; at most 30 s.
                held = immediate == nil ? try lock.tryAcquire() : try await lock.acquire(waitingUpTo: 30)
            } catch {
                throw AccountError(mapping: error)
            }
            if let held {
                defer { held.release() }
                if !isOnline {
                    // The host said offline while this drain waited its turn.
                    holdup = .paused(.offline)
                } else {
                    switch try await learnBeforeDrain() {
                    case .proceed: break
                    case .needsAuthentication:
                        state.withLock { $0.pausedForAuthentication = true }
                        broadcaster.emit(.syncPaused(.authenticationRequired))
                        holdup = .paused(.authenticationRequired)
                    case .mismatch:
                        broadcaster.emit(.syncPaused(.accountMismatch))
                        holdup = .paused(.accountMismatch)
                    }
                }
                do {
                    if holdup == nil {
                        holdup = try await sendQueued(explicit: explicit, immediate: immediate, report: &report,
                                                      immediateDelivery: &immediateDelivery)
                    }
                } catch where immediateDelivery != nil {
                    // The operation submitted now has its answer, on disk: a
                    // storage failure in the rest of the drain ends the drain
                    // (what is left waits for the next one) rather than make
                    // that submission report a failure.
                }
            } else {
                holdup = .anotherDrain
            }
        }
        if let owner = account {
            do {
                report.remaining = try store.read { database in try database.queuedCount(for: owner, in: store.environment) }
            } catch where immediateDelivery != nil {
                // Likewise: a submission asks only what became of its own
                // operation, not what is left.
            }
        }
        if report.remaining > 0 { report.holdup = holdup }
        // One announcement per drain, not one per operation: the status is
        // the queue laid over the cache, and reading it costs the whole outbox.
        // Best effort: what was delivered is acknowledged on disk already.
        if report.sent + report.failed > 0 { status.announce() }
        status.announceDeadlines()
        return (report, immediateDelivery)
    }

    /// What asking whose the token is before a drain showed.
    private enum Learned {
        /// Go on: known, or not known yet and what was queued under this token still goes.
        case proceed
        /// A 401: paused until a new token.
        case needsAuthentication
        /// The token is someone else's.
        case mismatch
    }

    /// Someone known only by their token may own more than they queued
    /// under it: asks whose it is (once per token), so their operations
    /// made under another token of theirs go too.
    private func learnBeforeDrain() async throws(AccountError) -> Learned {
        guard sender.canLearnWhoIsSignedIn else { return .proceed }
        do {
            try await sender.learnWhoIsSignedIn()
            return .proceed
        } catch {
            switch error.retry {
            case .stop: throw error
            case .waitForToken: return .needsAuthentication
            case .waitForOwner: return .mismatch
            // What they queued under this token still goes; its own sends
            // ask again, with their backoff.
            case .retry, .setAside: return .proceed
            }
        }
    }

    /// A queued cancel whose deadline passed on the server's clock.
    func isMissed(_ operation: OutboxOperation) -> Bool {
        guard operation.kind == .cancelDeletion, let deadline = operation.deadline else { return false }
        return now.millisecondsSince1970 > deadline.millisecondsSince1970
    }

    /// Sends `operation` with its key, as its owner.
    func exchange(_ operation: OutboxOperation) async -> Result<AuthorizedSender.Exchange, AccountError> {
        do {
            return .success(try await sender.send(operation.payload.backendOperation,
                                                  idempotencyKey: operation.idempotencyKey, for: operation.account))
        } catch {
            return .failure(error)
        }
    }
}
