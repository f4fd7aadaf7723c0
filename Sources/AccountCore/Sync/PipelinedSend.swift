import POSIXThread

extension Drainer {
    /// How many answers a drain may hold unwritten, and how many operations
    /// it reads ahead: the most that a crash leaves sent but still queued
    /// (each is sent again with its key, and applied once).
    static let window = 16

    /// Sends the signed-in person's queued operations, in order, until the
    /// queue is empty or must wait; returns why it waits, and what became of
    /// `immediate`.
    ///
    /// The network and the disk work at once: the next request leaves as
    /// soon as an answer arrives (held back only while `window` answers are
    /// unwritten), and the answers are written by `AnswerWriter` meanwhile,
    /// on the pool, those that came during one commit together in the next.
    /// Each request is sent from the drain's own task, so cancelling the
    /// drain cancels the request on the wire. Every promise of the engine
    /// holds:
    /// - Operation N+1 leaves only once N's answer is in hand and is a
    ///   success. A transient failure, a refusal, a 401 or a held token
    ///   stops the sending until every answer before it is on disk and its
    ///   own outcome is written, so a failure of N leaves N+1 unsent.
    /// - Each operation leaves the outbox only in the transaction that
    ///   records its answer, and the answers are written in the order they
    ///   came. If a write fails, the drain ends with the error: that batch
    ///   and every answer after it are dropped unwritten, and their
    ///   operations stay queued.
    /// - A crash at any instant leaves at most `window` operations sent but
    ///   still queued; each is sent again with its own key, in order, and
    ///   the server answers from its first answer, so each is applied once.
    /// - Every operation read ahead, sent or answered is in `inFlight` until
    ///   its answer is written (or the drain ends), so a submission never
    ///   cancels out one that may be applied already.
    func sendQueued(explicit: Bool, immediate: OutboxOperation.ID?, report: inout SyncReport,
                            immediateDelivery: inout Delivery?) async throws(AccountError) -> SyncHoldup? {
        let writer = AnswerWriter(limit: Self.window) { [self] batch in
            Result { () throws(AccountError) in try outbox.complete(batch) }
        }
        var holdup: SyncHoldup?
        var failure: AccountError?
        do {
            // On the transport's own thread when it has one: each request
            // then starts, and each answer is taken, with no thread woken,
            // while the writer commits on the pool.
            holdup = try await withTaskExecutorPreference(sender.client.preferredExecutor) { () async throws(AccountError) in
                let holdup = try await sendInOrder(explicit: explicit, immediate: immediate, writer: writer,
                                                   report: &report, immediateDelivery: &immediateDelivery)
                try await writer.finish()
                return holdup
            }
        } catch {
            failure = error
            await writer.abandon()
        }
        // What reached the disk counts, whatever ended the drain.
        report.sent += writer.written.count
        if let answer = writer.written.first(where: { $0.operation.id == immediate }) {
            immediateDelivery = .synced(answer.outcome)
        }
        if let failure { throw failure }
        return holdup
    }

    func sendInOrder(explicit: Bool, immediate: OutboxOperation.ID?, writer: AnswerWriter,
                     report: inout SyncReport, immediateDelivery: inout Delivery?) async throws(AccountError) -> SyncHoldup? {
        // Read ahead and marked in flight, not yet sent; released when the drain ends.
        var ahead: [OutboxOperation] = []
        defer { ahead.forEach(release) }
        // The person signed in now, before each operation: a sign-in during
        // the drain makes it go on with theirs.
        while let next = try takeNext(&ahead) {
            if isMissed(next) {
                // Written after the answers before it, in order.
                try await writer.finish()
                try outbox.markMissed(next)
                report.failed += 1
                continue
            }
            if let due = next.dueAt(explicit: explicit), due > deviceNow {
                release(next)
                return .retry(at: due, after: nil)
            }
            // Read at each request: the host may have said offline since the
            // last one left (or since the drain began).
            guard isOnline else {
                release(next)
                return .paused(.offline)
            }
            switch await exchange(next) {
            case .success(let exchange):
                // To the writer, which commits it while the next request
                // travels (it waits only with `window` answers unwritten).
                var answered = next
                if let account = exchange.account { answered.account = account }
                try await writer.add(DrainAnswer(operation: answered, outcome: exchange.outcome, httpStatus: 200))
            case .failure(let error):
                // What came before it is on disk before its outcome is.
                try await writer.finish()
                let delivery = try settle(next, after: error, immediate: next.id == immediate)
                if next.id == immediate { immediateDelivery = delivery }
                switch delivery {
                case .synced: report.sent += 1
                case .failed(_, .setAside, _): report.failed += 1
                case .failed(let error, .stop, _): throw error
                // What follows waits behind it, in order.
                case .failed(let error, .retry, let retryAt):
                    return .retry(at: retryAt ?? deviceNow, after: error)
                case .failed(_, .waitForToken, _):
                    return .paused(.authenticationRequired)
                case .failed(_, .waitForOwner, _):
                    // Signed in as someone else meanwhile: go on with them.
                    guard sender.hasAccountMismatch else { continue }
                    broadcaster.emit(.syncPaused(.accountMismatch))
                    return .paused(.accountMismatch)
                }
            }
        }
        return nil
    }

    /// The next operation to send, from what was read ahead, or read now
    /// (up to `window` of them, marked in flight under the store's lock, so
    /// that reading waits for the disk only once per window); nil when the
    /// queue is empty or nobody is signed in. What was read ahead for
    /// someone else than the person signed in now is let go.
    func takeNext(_ ahead: inout [OutboxOperation]) throws(AccountError) -> OutboxOperation? {
        let owner = account
        if let first = ahead.first, first.account != owner {
            ahead.forEach(release)
            ahead = []
        }
        guard let owner else { return nil }
        // What this build cannot read is set aside, not sent, and no
        // longer counted as waiting; what follows it goes on.
        if ahead.isEmpty { ahead = try outbox.takeQueued(for: owner, limit: Self.window) }
        return ahead.isEmpty ? nil : ahead.removeFirst()
    }

    /// `operation` is no longer on its way (answered and written, or not sent).
    func release(_ operation: OutboxOperation) {
        outbox.release(operation.id)
    }
}
