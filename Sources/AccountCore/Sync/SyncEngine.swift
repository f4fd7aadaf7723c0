import POSIXThread
import SQLiteDB

/// What the user did offline arrives exactly once, before its deadline, or
/// the user is told why not.
///
/// Design, after matrix-rust-sdk's send queue:
/// - **Persist first, then send.** A queueable operation (request, cancel,
///   rename, a scheduled deletion) is written to the outbox with its
///   idempotency key, durably, before any request leaves. It leaves the
///   outbox only in the transaction that records the server's answer. A crash
///   at any instant loses nothing; a resend carries the same key, and the
///   server applies it once.
/// - **Never queued:** finalize and erase. An irreversible act must not fire
///   later, unseen: offline they fail at once. Nor a cancel by logging in,
///   whose password is never written to disk.
/// - **Only as the person who made it.** Every operation has an owner, the
///   signed-in person when it was made, and the credential it was made
///   under. A drain sends the signed-in person's operations only, each
///   with a token known to be theirs (`AuthorizedSender.send` checks it at
///   the instant the token is attached); everyone else's wait, intact, until
///   they sign in again. A token the server says is someone else's stops
///   the drain (`accountMismatch`) and nothing is sent.
/// - **In order per account.** A transient failure (no network, timeout,
///   5xx, 429) waits with exponential backoff and full jitter, never sooner
///   than `Retry-After`, and holds back what follows; a refusal (400, 403,
///   404, 409, 422) is marked failed and set aside; a 401 pauses the queue
///   until a new token comes. A queued cancel answered 404 (cancelled on
///   another device) is done. A cancel past its deadline is marked missed.
/// - **"Sync now" means now.** A sync the host or user asks for (`sync()`)
///   tries at once what waits on a backoff; only the automatic timer keeps
///   it. Nothing goes before a server's `Retry-After`. Coming back online
///   forgets the backoff too.
/// - **The network and the disk at once.** A drain sends the next request
///   as soon as an answer arrives, while `AnswerWriter` writes the answers
///   (those that came during one commit together in the next), so a drain
///   goes at the pace of the network, not of one `fsync` per operation. It
///   runs on the transport's own thread where there is one
///   (`HTTPTransport.preferredExecutor`: curl's), sending each request and
///   taking each answer there with no thread hand-off, while the commits
///   run on the pool.
///   The guarantee above holds word for word: each answer is written in the
///   transaction that removes its operation, in order; the next request
///   leaves only after a success (a failure first waits until every answer
///   before it is on disk, and holds back what follows); a crash leaves at
///   most `window` (16) operations sent but still queued, each resent with
///   its own key and applied once; and those on their way are never
///   cancelled out. `sendQueued` gives the details.
/// - **Offline means nothing leaves.** Once `setOnline(false)` returns, no
///   request starts: a drain under way stops before its next one (a
///   request already on the wire gets its answer, written as any other),
///   and what is left waits, reported `paused(.offline)`.
/// - **One drain at a time.** This engine's drains wait their turn on
///   `DrainGate`, woken when the one before ends: a drain started by coming
///   online or a sign-in during another runs next, never lost. Other
///   processes are kept out by `DrainLock`; a drain asked for while another
///   process drains returns at once (`anotherDrain`), and a submission waits
///   for it (at most 30 s), blocked in `flock` on a thread of its own.
/// - Triggers: a submission drains at once; `sync()` too; `setOnline(true)`,
///   `signIn(account:token:)` and `setToken(_:)` ask for a drain in the
///   background. With `startAutomaticSync(every:)`, one long-lived task
///   runs those and sleeps in between, until the head of the queue falls
///   due: an idle core, its queue empty, never wakes (`DrainLoop.swift`).
///
/// The engine is a façade over its parts, each with one reason to change:
/// `OutboxWriter` (the one writer of outbox, cache and audit rows),
/// `Drainer` (when a drain starts, the drain, the pipelined send and
/// settlement), `StatusView` (what the user sees without the network) and
/// `Identity` (who is signed in, and whose a token is), with
/// `AuthorizedSender` (the authenticated send over the stateless
/// `AccountClient`). The engine owns the store and the sign-in; the client
/// only validates, builds, sends and decodes. Submissions and the exchanges
/// that are never queued are in `Submitting.swift` and `DirectExchanges.swift`.
package final class SyncEngine: Sendable {
    /// The store: the outbox, the cache, the audit trail, the fingerprints.
    package let store: AccountStore
    /// The authenticated send, over the stateless client.
    package let sender: AuthorizedSender
    let outbox: OutboxWriter
    let statusView: StatusView
    let drainer: Drainer
    let broadcaster = EventBroadcaster()

    /// Creates an engine over `store` that reaches the back end through
    /// `client`, signed in as `account` (the back end's user id) with
    /// `token` when given (see `signIn(account:token:)`), online or not; an
    /// optional `tokenRefresher` supplies a fresh token after a 401. Throws
    /// `invalidInput(.invalidConfiguration)` for an `environment` the
    /// client's configuration names that is not the store's (see
    /// `AuthorizedSender.init(store:client:token:account:tokenRefresher:)`).
    package convenience init(store: AccountStore, client: AccountClient, token: String? = nil, account: String? = nil,
                             online: Bool = true,
                             tokenRefresher: (@Sendable () async -> String?)? = nil) throws(AccountError) {
        self.init(store: store, sender: try AuthorizedSender(store: store, client: client, token: token, account: account,
                                                             tokenRefresher: tokenRefresher),
                  online: online)
    }

    /// Creates an engine over `store` that sends through `sender`, whose
    /// `Identity` is over the same store: what lets engines made one after
    /// another share one sign-in.
    package init(store: AccountStore, sender: AuthorizedSender, online: Bool = true) {
        self.store = store
        self.sender = sender
        outbox = OutboxWriter(store: store, broadcaster: broadcaster, now: { [sender] in sender.now })
        statusView = StatusView(sender: sender, outbox: outbox, broadcaster: broadcaster)
        drainer = Drainer(sender: sender, outbox: outbox, status: statusView, broadcaster: broadcaster, online: online)
    }

    /// The stateless exchange with the back end.
    package var client: AccountClient { sender.client }
    /// Who is signed in, and whose a token is (the sender's).
    var identity: Identity { sender.identity }

    /// Stops the long-lived task and every drain started in the background,
    /// and returns once they have ended: after it, the engine touches
    /// neither the store nor the network on its own.
    package func shutdown() async {
        let tasks = drainer.state.withLock { state -> [Task<Void, Never>] in
            let tasks = Array(state.background.values) + (state.loop.map { [$0.task] } ?? [])
            state.loop = nil
            tasks.forEach { $0.cancel() }
            return tasks
        }
        for task in tasks { await task.value }
    }

    /// The signed-in person; nil when nobody is.
    package var account: AccountID? { sender.account }
    /// Now on the server's clock (see `Drainer.now`).
    package var now: Instant { sender.now }
    /// Now on this device's clock (see `Drainer.deviceNow`).
    var deviceNow: Instant { client.clock.now() }

    /// The engine's events, from now on.
    package var events: AsyncStream<SyncEvent> { broadcaster.stream() }

    /// Whether the host says the network is there.
    package var isOnline: Bool { drainer.isOnline }

    /// The host says the network came or went; coming back forgets the
    /// backoff and starts a drain.
    package func setOnline(_ online: Bool) {
        drainer.setOnline(online)
    }

    /// Signs in `account` (the back end's user id) with `token` (see
    /// `Identity.signIn(account:token:)`) and starts sending their
    /// operations; anyone else's wait for them. Throws `accountMismatch`,
    /// and changes nothing, when the server said before that `token` is
    /// another user's; `invalidInput` for an account or a token it refuses.
    package func signIn(account: String?, token: String?) throws(AccountError) {
        try identity.signIn(account: account, token: token)
        resumeAfterSignIn()
    }

    /// Gives the signed-in person a new token (nil clears it), as after a
    /// refresh; a queue paused for authentication resumes. Throws
    /// `invalidInput(.invalidToken)`, and changes nothing, for a token that
    /// is not a bearer token (`BearerToken`).
    package func setToken(_ token: String?) throws(AccountError) {
        try identity.setToken(token)
        guard token != nil else { return }
        resumeAfterSignIn()
    }

    private func resumeAfterSignIn() {
        broadcaster.emit(.statusChanged((try? localStatus()) ?? StatusReport(deletion: .none, source: .cache, asOf: now)))
        drainer.resume()
    }

    /// Signs out: the token is forgotten. Answers what of the person's had
    /// not been sent, so the app can warn before they leave. With `discard`
    /// those operations are removed, audited; nothing else ever drops them.
    package func signOut(discard: Bool = false) throws(AccountError) -> SignOut {
        guard let account = identity.signOut() else { return SignOut(account: nil, unsent: []) }
        // One on its way is unsent until its answer comes, and is not
        // discarded: it may be applied already.
        let (unsent, unreadable) = try outbox.unsent(of: account, discard: discard)
        broadcaster.emit(.statusChanged(StatusReport(deletion: .none, source: .cache, asOf: now)))
        return SignOut(account: account, unsent: unsent, unreadable: unreadable)
    }

    /// Drains while the process lives: one long-lived task that sleeps
    /// until a drain is asked for or the head of the queue falls due, and
    /// waits `interval` seconds before trying again only when another
    /// process held the queue or the store failed, something being queued.
    package func startAutomaticSync(every interval: Double = 30) {
        drainer.startLoop(retryingAfter: interval)
    }

    /// Stops the long-lived task of `startAutomaticSync(every:)`.
    package func stopAutomaticSync() {
        drainer.stopLoop()
    }

    /// Returns once the drains started in the background (by `setOnline`,
    /// `signIn`, `setToken`) have ended, without cancelling them: what a
    /// caller waits for before it looks at what they did.
    func settled() async {
        await drainer.settled()
    }

    // MARK: Status and outbox

    /// The status from the store alone, with queued operations laid over it:
    /// what to show without touching the network. A few indexed reads,
    /// whatever the length of the queue.
    package func localStatus() throws(AccountError) -> StatusReport {
        try statusView.local()
    }

    /// The signed-in person's operations in the outbox: queued, sending,
    /// failed and missed. With `everyone`, every owner's, each with its
    /// `account`: also those of a person known only by a token (sent when
    /// that token syncs) and an earlier store's held ones (never sent).
    package func outbox(everyone: Bool = false) throws(AccountError) -> [OutboxOperation] {
        try statusView.operations(everyone: everyone)
    }

    /// The signed-in person's outbox rows this build cannot read (with
    /// `everyone`, every owner's): set aside, kept, never sent. None when
    /// nobody is signed in.
    package func unreadableOperations(everyone: Bool = false) throws(AccountError) -> [UnreadableOperation] {
        try statusView.unreadable(everyone: everyone)
    }

    /// Removes failed and missed operations the user has seen: those of the
    /// store's environment, the ones counted and shown as such here (the
    /// other's are held, and only a discarding sign-out drops them).
    package func dismissFailed() throws(AccountError) {
        guard let account else { return }
        try outbox.dismissFailed(of: account)
    }

    // MARK: Draining

    /// Sends the signed-in person's queued operations, in order, until the
    /// queue is empty or must wait. Asked for, it does not wait out a
    /// backoff, only a server's `Retry-After`. Waits for a drain of this
    /// engine under way, then runs; returns at once when another process is
    /// draining.
    @discardableResult
    package func sync() async throws(AccountError) -> SyncReport {
        try await drainer.drain(explicit: true, immediate: nil).report
    }

    /// A drain; `explicit`: asked for (a backoff does not hold it back)
    /// rather than the timer's.
    func drain(explicit: Bool = true,
               immediate: OutboxOperation.ID?) async throws(AccountError) -> (report: SyncReport, immediate: Drainer.Delivery?) {
        try await drainer.drain(explicit: explicit, immediate: immediate)
    }
}

extension OutboxOperation {
    /// When it may be sent: `explicit`ly asked for, after the server's
    /// `Retry-After`; by the timer, after its backoff too. Nil: now.
    func dueAt(explicit: Bool) -> Instant? {
        explicit ? notBefore : [nextAttemptAt, notBefore].compactMap { $0 }.max()
    }
}
