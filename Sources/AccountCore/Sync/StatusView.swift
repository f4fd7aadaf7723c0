import POSIXThread
import SQLiteDB

/// What the user sees without the network: the cached status with the
/// queue laid over it, the outbox as it stands, and the deadlines close at
/// hand. It reads; it writes nothing.
package final class StatusView: Sendable {
    private let sender: AuthorizedSender
    private let outbox: OutboxWriter
    private let broadcaster: EventBroadcaster
    private var store: AccountStore { outbox.store }

    /// What the last local status read from the store, and when.
    private struct Inputs {
        var account: AccountID
        var stamp: ChangeStamp
        var cached: Cached<DeletionStatus>?
        var summary: QueueSummary
    }
    private let inputs = LockedValue<Inputs?>(nil)
    /// Queued cancels already announced as close to their deadline.
    private let announcedDeadlines = LockedValue<Set<OutboxOperation.ID>>([])

    init(sender: AuthorizedSender, outbox: OutboxWriter, broadcaster: EventBroadcaster) {
        self.sender = sender
        self.outbox = outbox
        self.broadcaster = broadcaster
    }

    /// The status from the store alone, with queued operations laid over it:
    /// what to show without touching the network. A few indexed reads,
    /// whatever the length of the queue.
    func local() throws(AccountError) -> StatusReport {
        guard let account = sender.account else { return StatusReport(deletion: .none, source: .cache, asOf: sender.now) }
        // Read again only when the file changed since the last look: a
        // status asked for on every frame costs one check, not four reads
        // (nor a look at whether the file is still there: unchanged, what
        // it says is what was last read from it).
        let (cached, summary) = try store.read(checkingFile: false) { database in
            let stamp = try database.changeStamp()
            if let last = inputs.withLock({ $0 }), last.account == account, last.stamp == stamp {
                return (last.cached, last.summary)
            }
            try database.checkInPlace()
            let read = Inputs(account: account, stamp: stamp,
                              cached: try database.cachedValue(DeletionStatus.self, for: account, in: store.environment),
                              summary: try QueueSummary(reading: database, for: account, in: store.environment))
            inputs.withLock { $0 = read }
            return (read.cached, read.summary)
        }
        let at = sender.now
        let base = cached.map { StatusReport(deletion: $0.value.advanced(to: at), source: .cache, asOf: $0.asOf) }
            ?? StatusReport(deletion: .none, source: .cache, asOf: at)
        return overlaid(base, with: summary)
    }

    /// The server's status `report` for `account`, with the queue laid over it.
    func overlaid(server report: StatusReport, for account: AccountID) throws(AccountError) -> StatusReport {
        let summary = try store.read { database in try QueueSummary(reading: database, for: account, in: store.environment) }
        return overlaid(report, with: summary)
    }

    /// `base` with the queued request laid over it, and the queued request
    /// and cancel listed beside it with the counts.
    private func overlaid(_ base: StatusReport, with summary: QueueSummary) -> StatusReport {
        StatusReport(deletion: OptimisticStatus.apply(summary.firstRequest, to: base.deletion,
                                                      capabilities: sender.client.capabilities),
                     source: base.source, asOf: base.asOf, queued: outbox.overlaySending(summary.shown),
                     counts: summary.counts)
    }

    /// Announces the local status. Best effort: what it follows is on disk already.
    func announce() {
        if let status = try? local() { broadcaster.emit(.statusChanged(status)) }
    }

    /// The signed-in person's operations in the outbox (with `everyone`,
    /// every owner's), those on their way marked `sending`.
    func operations(everyone: Bool) throws(AccountError) -> [OutboxOperation] {
        if everyone { return outbox.overlaySending(try store.outboxOfEveryone()) }
        guard let account = sender.account else { return [] }
        return outbox.overlaySending(try store.outbox(for: account))
    }

    /// The signed-in person's rows this build cannot read (with `everyone`,
    /// every owner's); none when nobody is signed in.
    func unreadable(everyone: Bool) throws(AccountError) -> [UnreadableOperation] {
        if everyone { return try store.unreadableOutbox(for: nil) }
        guard let account = sender.account else { return [] }
        return try store.unreadableOutbox(for: account)
    }

    /// Announces, once each, queued cancels within 24 hours of their deadline.
    func announceDeadlines() {
        guard let account = sender.account,
              let cancels = try? store.read({ database in
                  try database.queued(.cancelDeletion, for: account, in: store.environment, limit: nil)
              })
        else { return }
        let now = sender.now
        let due = cancels.filter { operation in
            guard let deadline = operation.deadline else { return false }
            let left = deadline.seconds(since: now)
            return left >= 0 && left <= 86_400
        }
        let fresh = announcedDeadlines.withLock { announced in
            let fresh = due.filter { !announced.contains($0.id) }
            announced.formUnion(fresh.map(\.id))
            return fresh
        }
        for operation in fresh { broadcaster.emit(.deadlineApproaching(operation)) }
    }
}
