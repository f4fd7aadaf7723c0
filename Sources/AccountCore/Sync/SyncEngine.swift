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
///   with a token known to be theirs (`AccountClient.send` checks it at the
///   instant the token is attached); everyone else's wait, intact, until
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
/// - Triggers: `sync()`, `setOnline(true)`, `signIn(account:token:)`,
///   `setToken(_:)`, and the timer of `startAutomaticSync(every:)`.
public final class SyncEngine: Sendable {
    /// The client that talks to the server.
    public let client: AccountClient

    private struct State {
        var online: Bool
        var pausedForAuthentication = false
        /// The operations on their way: sent, or answered with the answer
        /// still being written. Kept in memory only, and added only under
        /// the store's lock, so a submission coalescing in its own
        /// transaction sees them: one on its way may be applied already,
        /// and nothing may cancel it out.
        var inFlight: Set<OutboxOperation.ID> = []
        /// Queued cancels already announced as close to their deadline.
        var announcedDeadlines: Set<OutboxOperation.ID> = []
        var timer: Task<Void, Never>?
        /// Drains started in the background (by `setOnline`, `setToken`).
        var background: [UniqueID: Task<Void, Never>] = [:]
    }

    private let state: LockedValue<State>
    /// What the last local status read from the store, and when.
    private struct StatusInputs {
        var account: AccountID
        var stamp: ChangeStamp
        var cached: Cached<DeletionStatus>?
        var summary: QueueSummary
    }
    private let statusInputs = LockedValue<StatusInputs?>(nil)
    private let lock: DrainLock
    private let gate = DrainGate()
    private let broadcaster = EventBroadcaster()

    /// Creates an engine over `client`, online or not.
    public init(client: AccountClient, online: Bool = true) {
        self.client = client
        self.state = LockedValue(State(online: online))
        self.lock = DrainLock(storePath: client.store.path)
    }

    deinit {
        state.withLock { state in
            state.timer?.cancel()
            state.background.values.forEach { $0.cancel() }
        }
    }

    /// Stops the timer and every drain started in the background, and
    /// returns once they have ended: after it, the engine touches neither
    /// the store nor the network on its own.
    public func shutdown() async {
        let tasks = state.withLock { state -> [Task<Void, Never>] in
            let tasks = Array(state.background.values) + (state.timer.map { [$0] } ?? [])
            state.timer = nil
            tasks.forEach { $0.cancel() }
            return tasks
        }
        for task in tasks { await task.value }
    }

    private var store: AccountStore { client.store }
    /// The signed-in person; nil when nobody is.
    private var account: AccountID? { client.account }
    /// Now on the server's clock, as far as its answers showed it: what a
    /// deadline (a cancel's `canCancelUntil`) is measured against.
    private var now: Instant { client.now }
    /// Now on this device's clock: what a wait of its own (a backoff, a
    /// `Retry-After` of so many seconds) is measured against, so that a
    /// later process, which has not yet seen the server's clock, reads it
    /// the same way.
    private var deviceNow: Instant { client.clock.now() }

    /// The engine's events, from now on.
    public var events: AsyncStream<SyncEvent> { broadcaster.stream() }

    /// Whether the host says the network is there.
    public var isOnline: Bool { state.withLock { $0.online } }

    /// The host says the network came or went; coming back forgets the
    /// backoff and starts a drain.
    public func setOnline(_ online: Bool) {
        let cameBack = state.withLock { state in
            defer { state.online = online }
            return online && !state.online
        }
        if cameBack {
            if let account { try? store.write { database in try database.resetBackoff(for: account, in: store.environment) } }
            syncInBackground()
        } else if !online {
            broadcaster.emit(.syncPaused(.offline))
        }
    }

    /// Signs in `account` with `token` (see `AccountClient.signIn`) and
    /// starts sending their operations; anyone else's wait for them.
    public func signIn(account: String?, token: String?) throws(AccountError) {
        try client.signIn(account: account, token: token)
        resumeAfterSignIn()
    }

    /// Gives the signed-in person a new token (nil clears it), as after a
    /// refresh; a queue paused for authentication resumes. Throws
    /// `invalidInput(.invalidToken)`, and changes nothing, for a token that
    /// is not a bearer token (`BearerToken`).
    public func setToken(_ token: String?) throws(AccountError) {
        try client.setToken(token)
        guard token != nil else { return }
        resumeAfterSignIn()
    }

    private func resumeAfterSignIn() {
        state.withLock { $0.pausedForAuthentication = false }
        broadcaster.emit(.statusChanged((try? localStatus()) ?? StatusReport(deletion: .none, source: .cache, asOf: now)))
        syncInBackground()
    }

    /// Who signed out, and what of theirs had not reached the server.
    public struct SignOut: Sendable {
        /// Who was signed in; nil when nobody was.
        public var account: AccountID?
        /// Their operations still waiting to be sent, each cancel with the
        /// deadline it must beat; removed from the outbox with `discard`.
        public var unsent: [OutboxOperation]
        /// Their rows this build cannot read (set aside, never sent), but
        /// those failed or missed; removed with `discard` too.
        public var unreadable: [UnreadableOperation]

        /// Creates the answer of a sign-out.
        public init(account: AccountID?, unsent: [OutboxOperation], unreadable: [UnreadableOperation] = []) {
            self.account = account
            self.unsent = unsent
            self.unreadable = unreadable
        }
    }

    /// Signs out: the token is forgotten. Answers what of the person's had
    /// not been sent, so the app can warn before they leave. With `discard`
    /// those operations are removed, audited; nothing else ever drops them.
    public func signOut(discard: Bool = false) throws(AccountError) -> SignOut {
        guard let account = client.signOut() else { return SignOut(account: nil, unsent: []) }
        let at = now
        let (unsent, unreadable) = try store.write { database -> ([OutboxOperation], [UnreadableOperation]) in
            // One on its way is unsent until its answer comes, and is not
            // discarded: it may be applied already.
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
        broadcaster.emit(.statusChanged(StatusReport(deletion: .none, source: .cache, asOf: at)))
        return SignOut(account: account, unsent: unsent, unreadable: unreadable)
    }

    /// Drains while the process lives: every `interval` seconds, or sooner
    /// when the head of the queue is due.
    public func startAutomaticSync(every interval: Double = 30) {
        let task = Task { [weak self] in
            while !Task.isCancelled {
                // The engine is held only while it works, never while waiting.
                let wait = max(0.05, min(interval, (try? self?.secondsUntilDue()) ?? interval))
                try? await Task.sleep(for: .milliseconds(Int(wait * 1000)))
                guard !Task.isCancelled, let engine = self else { return }
                _ = try? await engine.drain(explicit: false, immediate: nil)
            }
        }
        state.withLock { state in
            state.timer?.cancel()
            state.timer = task
        }
    }

    /// Stops the timer of `startAutomaticSync(every:)`.
    public func stopAutomaticSync() {
        state.withLock { state in
            state.timer?.cancel()
            state.timer = nil
        }
    }

    /// Returns once the drains started in the background (by `setOnline`,
    /// `signIn`, `setToken`) have ended, without cancelling them: what a
    /// caller waits for before it looks at what they did.
    func settled() async {
        while let task = state.withLock({ $0.background.values.first }) { await task.value }
    }

    private func syncInBackground() {
        let id = UniqueID()
        // Made under the lock its end takes too, so it is in `background`
        // before it can remove itself.
        state.withLock { state in
            state.background[id] = Task { [weak self] in
                _ = try? await self?.sync()
                _ = self?.state.withLock { $0.background.removeValue(forKey: id) }
            }
        }
    }

    private func secondsUntilDue() throws(AccountError) -> Double? {
        guard let account, let head = try store.read({ database in try database.nextQueued(for: account, in: store.environment) }) else {
            return nil
        }
        return (head.dueAt(explicit: false) ?? deviceNow).seconds(since: deviceNow)
    }

    // MARK: Submitting

    /// What became of a submitted operation.
    public enum Submission: Sendable {
        /// The server applied it.
        case completed(BackendOutcome)
        /// It waits in the outbox (offline, or the server could not be
        /// reached); it will be sent.
        case queued(OutboxOperation)
        /// It cancelled out an operation still queued: nothing is sent.
        case coalesced
    }

    /// Requests a deletion: sent now when online, else queued.
    public func requestDeletion(reason: String? = nil, days: Int? = nil, wipe: Bool? = nil) async throws(AccountError) -> Submission {
        try await submit(.requestDeletion(reason: reason, days: days, wipe: wipe))
    }

    /// Cancels the pending deletion: sent now when online, else queued with
    /// the deadline it must beat. Where cancelling means logging in, it is
    /// sent now or fails: the password is never written to disk.
    public func cancelDeletion(credentials: LoginCredentials? = nil) async throws(AccountError) -> Submission {
        try await submit(.cancelDeletion(credentials: credentials))
    }

    /// Changes the username: sent now when online, else queued (a later
    /// rename replaces a queued one).
    public func changeUsername(to newUsername: String) async throws(AccountError) -> Submission {
        try await submit(.changeUsername(try username(newUsername)))
    }

    /// `text` as a username, a refusal audited.
    private func username(_ text: String) throws(AccountError) -> Username {
        do {
            return try Username(parsing: text)
        } catch {
            audit(AuditEntry(at: now, action: .changeUsername, outcome: .refused, errorCode: error.code), for: account)
            throw error
        }
    }

    /// Submits `operation` on the calling thread when that needs no network:
    /// offline, a queueable operation is queued (or coalesced) and one that
    /// is never queued is refused at once, as `requestDeletion`,
    /// `cancelDeletion` and `changeUsername` would. Nil when online: nothing
    /// was done, and those calls send it now.
    public func submitOffline(_ operation: BackendOperation) throws(AccountError) -> Submission? {
        guard !isOnline else { return nil }
        switch try enqueue(operation) {
        case .settled(let submission):
            return submission
        case .drain(let queued):
            // Back online meanwhile: it is on disk, and goes in the background.
            syncInBackground()
            return .queued(queued)
        case .applyNow:
            return nil
        }
    }

    /// `submitOffline` for a rename given as text.
    public func changeUsernameOffline(to newUsername: String) throws(AccountError) -> Submission? {
        guard !isOnline else { return nil }
        return try submitOffline(.changeUsername(try username(newUsername)))
    }

    /// Finalizes now; never queued: offline it fails at once. Then no trace
    /// of the account stays on the device.
    public func finalizeNow() async throws(AccountError) -> BackendOutcome {
        try validate(.finalizeDeletion)
        guard isOnline else { throw AccountError.offlineNotQueued }
        return try await applyNow(.finalizeDeletion)
    }

    /// Erases the account; never queued: offline it fails at once. Then no
    /// trace of the account stays on the device.
    public func erase(confirmation: String, reason: String? = nil) async throws(AccountError) -> BackendOutcome {
        let operation = BackendOperation.erase(confirmation: confirmation, reason: reason)
        try validate(operation)
        guard isOnline else { throw AccountError.offlineNotQueued }
        return try await applyNow(operation)
    }

    /// The profile, from the server; kept in the cache.
    public func profile() async throws(AccountError) -> AccountProfile {
        try await read(.profile).required(\.profile)
    }

    /// The stats, from the server.
    public func stats() async throws(AccountError) -> AccountStats {
        try await read(.stats).required(\.stats)
    }

    /// The part of a submission that needs no network: validated, then
    /// written to the outbox (coalescing) in one durable transaction.
    private func enqueue(_ operation: BackendOperation) throws(AccountError) -> Enqueued {
        try validate(operation)
        // A cancel that carries credentials (a login) has no queueable form.
        guard let payload = OperationPayload(operation) else {
            guard isOnline else { throw AccountError.offlineNotQueued }
            return .applyNow
        }
        // What is queued is someone's: with nobody signed in, nobody's it
        // could be; under a token the server said is another user's, it
        // would be made under someone else's credentials.
        // Who, and with what token, read at once: a sign-in in between must
        // not give the operation one person's name and another's credential.
        let signIn = client.signInNow
        guard let account = signIn.account else { throw AccountError(.unauthorized, detail: "nobody is signed in") }
        if signIn.mismatch != nil {
            throw AccountError(.accountMismatch, detail: "the server says the token is another user's")
        }
        let deadline = try operation.kind == .cancelDeletion ? localStatus().deletion.canCancelUntil : nil
        var operationToQueue = OutboxOperation(account: account, payload: payload, createdAt: now,
                                               deletionRequestID: nil, deadline: deadline,
                                               environment: store.environment)
        operationToQueue.credential = signIn.credential
        let plan = try store.write { database in
            // The ones on their way are left out: never cancelled out.
            let neighbours = try Coalescing.Neighbours(reading: database, for: account, in: store.environment,
                                                       inFlight: state.withLock { $0.inFlight })
            let plan = Coalescing.plan(adding: operationToQueue, to: neighbours)
            for id in plan.remove { try database.deleteOutbox(id: id) }
            if plan.insertNew { try database.insertOutbox(operationToQueue) }
            try database.insertAudit(AuditEntry(at: now, action: operationToQueue.kind,
                                                outcome: plan.insertNew ? .queued : .coalesced,
                                                operationID: operationToQueue.id), for: account, in: store.environment)
            return plan
        }
        // From here the operation is on disk: it will not be lost, and the
        // submission must not say it failed. So announcing the new status
        // is best effort: a read that fails here (an I/O error, shown by
        // the durability tests) would report a queued operation as failed.
        if plan.insertNew { broadcaster.emit(.operationQueued(operationToQueue)) }
        if let status = try? localStatus() { broadcaster.emit(.statusChanged(status)) }
        guard plan.insertNew else { return .settled(.coalesced) }
        guard isOnline else {
            announceDeadlines()
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
        /// Never queued (a cancel by login), online: sent at once.
        case applyNow
    }

    private func submit(_ operation: BackendOperation) async throws(AccountError) -> Submission {
        let operationToQueue: OutboxOperation
        switch try enqueue(operation) {
        case .settled(let submission): return submission
        case .applyNow: return .completed(try await applyNow(operation))
        case .drain(let queued): operationToQueue = queued
        }
        let report = try await drain(immediate: operationToQueue.id)
        switch report.immediate {
        case .synced(let outcome)?:
            return .completed(outcome)
        case .rejected(let error)?:
            // The user is told now; the refused operation leaves the outbox.
            _ = try store.write { database in try database.deleteOutbox(id: operationToQueue.id) }
            throw error
        case .needsAuthentication(let error)?, .held(let error)?:
            throw error
        case .transient?, nil:
            announceDeadlines()
            // By id, not by owner: learning whose the token is may have given
            // it its owner's account meanwhile.
            let queued: OutboxOperation?
            do {
                queued = try store.read { database in try database.outboxOperation(id: operationToQueue.id) }
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

    // MARK: Exchanges that are never queued

    /// The checks that need no server, a refusal audited: the client's
    /// (capability, input) and the cached rules of a rename (not the current
    /// name, not within the cooldown).
    private func validate(_ operation: BackendOperation) throws(AccountError) {
        do throws(AccountError) {
            try client.validate(operation)
            guard case .changeUsername(let username) = operation, let account else { return }
            if let current = try store.cached(AccountProfile.self, for: account)?.value.username, current == username.value {
                throw AccountError(.invalidInput(.username(.unchanged)))
            }
            if let cooldown = try store.cached(UsernameCooldown.self, for: account)?.value,
               !cooldown.allowsChange(at: now), let until = cooldown.nextChangeAllowedAt {
                throw AccountError(.invalidInput(.usernameCooldown(until: until)))
            }
        } catch {
            if let kind = operation.kind {
                audit(AuditEntry(at: now, action: kind, outcome: .refused, errorCode: error.code), for: account)
            }
            throw error
        }
    }

    /// Reads `operation` from the server as the signed-in person; what it
    /// says is kept in the cache of the person it was for.
    /// Offline, it fails at once: a read is never queued.
    private func read(_ operation: BackendOperation) async throws(AccountError) -> BackendOutcome {
        guard isOnline else { throw AccountError(.network, detail: "offline") }
        try client.validate(operation)
        let exchange = try await client.send(operation, idempotencyKey: nil, for: account)
        if let owner = exchange.account {
            let at = deviceNow
            try store.write { database in try database.remember(exchange.outcome, for: owner, in: store.environment, asOf: at) }
        }
        return exchange.outcome
    }

    /// Sends what is never queued (finalize, erase, a cancel by login) at
    /// once, with a fresh key, as the signed-in person; records the answer
    /// as the drain records a delivery's, and a failure under the same rule
    /// (`FailureClass`). After a finalize or an erasure the account's local
    /// data is wiped.
    private func applyNow(_ operation: BackendOperation) async throws(AccountError) -> BackendOutcome {
        guard let kind = operation.kind else { return try await read(operation) }
        let owner = account
        let exchange: AccountClient.Exchange
        do {
            exchange = try await client.send(operation, idempotencyKey: UniqueID(), for: owner)
        } catch {
            audit(AuditEntry(at: now, action: kind, outcome: FailureClass(error) == .rejected ? .refused : .failed,
                             httpStatus: error.httpStatus, errorCode: error.code), for: owner)
            throw error
        }
        guard let answeredFor = exchange.account else { return exchange.outcome }
        let at = now
        try store.write { database in
            try database.remember(exchange.outcome, for: answeredFor, in: store.environment, asOf: at)
            try database.insertAudit(AuditEntry(at: at, action: kind, outcome: .succeeded, httpStatus: 200), for: answeredFor,
                                     in: store.environment)
        }
        if kind == .finalizeDeletion || kind == .erase {
            // The account is gone or going: no trace of it stays on the device.
            try store.wipe(answeredFor)
        }
        return exchange.outcome
    }

    /// Appends `entry` to `owner`'s audit trail, when someone is signed in.
    /// Best effort: the failure being recorded is what the caller reports.
    private func audit(_ entry: AuditEntry, for owner: AccountID?) {
        guard let owner else { return }
        try? store.record(entry, for: owner)
    }

    // MARK: Status and outbox

    /// The deletion status the user should see, with what waits in the
    /// outbox: the server's when online, the cache's otherwise, with queued
    /// operations laid over it.
    /// When the server cannot be reached, the store answers, marked as such.
    public func status() async throws(AccountError) -> StatusReport {
        guard asksServerForStatus, let account else { return try localStatus() }
        do {
            let asOf = deviceNow
            guard let deletion = try await read(.deletionStatus).deletion else { return try localStatus() }
            let summary = try store.read { database in try QueueSummary(reading: database, for: account, in: store.environment) }
            return overlaid(StatusReport(deletion: deletion, source: .server, asOf: asOf), with: summary)
        } catch where error.code == .network {
            return try localStatus()
        }
    }

    /// Whether `status()` asks the server: online, with someone signed in,
    /// on a back end that has a status endpoint.
    private var asksServerForStatus: Bool { isOnline && client.capabilities.deletionStatus && account != nil }

    /// The status on the calling thread when `status()` would not ask the
    /// server (offline, no status endpoint, nobody signed in); nil when it
    /// would.
    public func statusWithoutNetwork() throws(AccountError) -> StatusReport? {
        asksServerForStatus ? nil : try localStatus()
    }

    /// The status from the store alone, with queued operations laid over it:
    /// what to show without touching the network. A few indexed reads,
    /// whatever the length of the queue.
    public func localStatus() throws(AccountError) -> StatusReport {
        guard let account else { return StatusReport(deletion: .none, source: .cache, asOf: now) }
        // Read again only when the file changed since the last look: a
        // status asked for on every frame costs one check, not four reads
        // (nor a look at whether the file is still there: unchanged, what
        // it says is what was last read from it).
        let (cached, summary) = try store.read(checkingFile: false) { database in
            let stamp = try database.changeStamp()
            if let last = statusInputs.withLock({ $0 }), last.account == account, last.stamp == stamp {
                return (last.cached, last.summary)
            }
            try database.checkInPlace()
            let inputs = StatusInputs(account: account, stamp: stamp,
                                      cached: try database.cachedValue(DeletionStatus.self, for: account, in: store.environment),
                                      summary: try QueueSummary(reading: database, for: account, in: store.environment))
            statusInputs.withLock { $0 = inputs }
            return (inputs.cached, inputs.summary)
        }
        let at = now
        let base = cached.map { StatusReport(deletion: $0.value.advanced(to: at), source: .cache, asOf: $0.asOf) }
            ?? StatusReport(deletion: .none, source: .cache, asOf: at)
        return overlaid(base, with: summary)
    }

    /// The signed-in person's queued operations (none when nobody is).
    private func queue() throws(AccountError) -> [OutboxOperation] {
        guard let account else { return [] }
        return try store.outbox(for: account)
    }

    /// `base` with the queued request laid over it, and the queued request
    /// and cancel listed beside it with the counts.
    private func overlaid(_ base: StatusReport, with summary: QueueSummary) -> StatusReport {
        StatusReport(deletion: OptimisticStatus.apply(summary.firstRequest, to: base.deletion,
                                                      capabilities: client.capabilities),
                     source: base.source, asOf: base.asOf, queued: overlaySending(summary.shown),
                     counts: summary.counts)
    }

    /// The signed-in person's operations in the outbox: queued, sending,
    /// failed and missed. With `everyone`, every owner's, each with its
    /// `account`: also those of a person known only by a token (sent when
    /// that token syncs) and an earlier store's held ones (never sent).
    public func outbox(everyone: Bool = false) throws(AccountError) -> [OutboxOperation] {
        overlaySending(everyone ? try store.outboxOfEveryone() : try queue())
    }

    /// The signed-in person's outbox rows this build cannot read (with
    /// `everyone`, every owner's): set aside, kept, never sent. None when
    /// nobody is signed in.
    public func unreadableOperations(everyone: Bool = false) throws(AccountError) -> [UnreadableOperation] {
        if everyone { return try store.unreadableOutbox(for: nil) }
        guard let account else { return [] }
        return try store.unreadableOutbox(for: account)
    }

    private func overlaySending(_ operations: [OutboxOperation]) -> [OutboxOperation] {
        let inFlight = state.withLock { $0.inFlight }
        return operations.map { operation in
            var operation = operation
            if inFlight.contains(operation.id) { operation.state = .sending }
            return operation
        }
    }

    /// Removes failed and missed operations the user has seen: those of the
    /// store's environment, the ones counted and shown as such here (the
    /// other's are held, and only a discarding sign-out drops them).
    public func dismissFailed() throws(AccountError) {
        guard let account else { return }
        try store.write { database in
            try database.execute("""
                DELETE FROM outbox WHERE account = ? AND environment = ? AND state IN ('failed', 'missed')
                """, [account.rawValue, store.environment.rawValue])
        }
    }

    // MARK: Draining

    /// What one sync did.
    public struct SyncReport: Hashable, Sendable {
        /// Operations the server applied.
        public var sent: Int
        /// Operations refused or missed.
        public var failed: Int
        /// Operations still queued.
        public var remaining: Int
        /// Why the remaining ones were not sent; nil when none remain (or
        /// they were queued while this sync ran).
        public var holdup: SyncHoldup?
    }

    /// Sends the signed-in person's queued operations, in order, until the
    /// queue is empty or must wait. Asked for, it does not wait out a
    /// backoff, only a server's `Retry-After`. Waits for a drain of this
    /// engine under way, then runs; returns at once when another process is
    /// draining.
    @discardableResult
    public func sync() async throws(AccountError) -> SyncReport {
        try await drain(explicit: true, immediate: nil).report
    }

    enum Delivery {
        case synced(BackendOutcome)
        case rejected(AccountError)
        case transient(AccountError, retryAt: Instant)
        case needsAuthentication(AccountError)
        /// Not sent: the token is not the owner's, or the sign-in changed.
        case held(AccountError)
    }

    /// `explicit`: asked for (a backoff does not hold it back) rather than
    /// the timer's.
    func drain(explicit: Bool = true,
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
            // This engine's drains go one after another (a drain asked for
            // while another runs goes next, never lost); another process's
            // are kept out by the lock beside the store.
            guard await gate.enter() else { throw AccountError(.network, detail: "cancelled") }
            defer { gate.leave() }
            // Whatever way the drain ends, nothing of it is on its way after.
            defer { state.withLock { $0.inFlight.removeAll() } }
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
                } else if client.canLearnWhoIsSignedIn {
                    // Someone known only by their token may own more than they
                    // queued under it: ask whose it is (once per token), so their
                    // operations made under another token of theirs go too.
                    do {
                        try await client.learnWhoIsSignedIn()
                    } catch {
                        switch FailureClass(error) {
                        case .storage: throw error
                        case .needsAuthentication:
                            state.withLock { $0.pausedForAuthentication = true }
                            broadcaster.emit(.syncPaused(.authenticationRequired))
                            holdup = .paused(.authenticationRequired)
                        case .held:
                            broadcaster.emit(.syncPaused(.accountMismatch))
                            holdup = .paused(.accountMismatch)
                        case .transient, .rejected:
                            // What they queued under this token still goes;
                            // its own sends ask again, with their backoff.
                            break
                        }
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
        if report.sent + report.failed > 0, let status = try? localStatus() { broadcaster.emit(.statusChanged(status)) }
        announceDeadlines()
        return (report, immediateDelivery)
    }

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
    private func sendQueued(explicit: Bool, immediate: OutboxOperation.ID?, report: inout SyncReport,
                            immediateDelivery: inout Delivery?) async throws(AccountError) -> SyncHoldup? {
        let writer = AnswerWriter(limit: Self.window) { [self] batch in
            Result { () throws(AccountError) in try complete(batch) }
        }
        var holdup: SyncHoldup?
        var failure: AccountError?
        do {
            // On the transport's own thread when it has one: each request
            // then starts, and each answer is taken, with no thread woken,
            // while the writer commits on the pool.
            holdup = try await withTaskExecutorPreference(client.preferredExecutor) { () async throws(AccountError) in
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

    private func sendInOrder(explicit: Bool, immediate: OutboxOperation.ID?, writer: AnswerWriter,
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
                try markMissed(next)
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
                case .rejected: report.failed += 1
                // What follows waits behind it, in order.
                case .transient(let error, let retryAt):
                    return .retry(at: retryAt, after: error)
                case .needsAuthentication:
                    return .paused(.authenticationRequired)
                case .held:
                    // Signed in as someone else meanwhile: go on with them.
                    guard client.hasAccountMismatch else { continue }
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
    private func takeNext(_ ahead: inout [OutboxOperation]) throws(AccountError) -> OutboxOperation? {
        let owner = account
        if let first = ahead.first, first.account != owner {
            ahead.forEach(release)
            ahead = []
        }
        guard let owner else { return nil }
        if ahead.isEmpty {
            let (next, unreadable) = try store.read { database in
                var unreadable: [Int64] = []
                let next = try database.nextQueued(for: owner, in: store.environment, limit: Self.window,
                                                   skipping: state.withLock { $0.inFlight }, unreadable: &unreadable)
                state.withLock { $0.inFlight.formUnion(next.map(\.id)) }
                return (next, unreadable)
            }
            ahead = next
            // What this build cannot read is set aside, not sent, and no
            // longer counted as waiting; what follows it goes on.
            if !unreadable.isEmpty { try store.write { database in try database.setAsideUnreadable(unreadable) } }
        }
        return ahead.isEmpty ? nil : ahead.removeFirst()
    }

    /// `operation` is no longer on its way (answered and written, or not sent).
    private func release(_ operation: OutboxOperation) {
        state.withLock { _ = $0.inFlight.remove(operation.id) }
    }

    /// A queued cancel whose deadline passed on the server's clock.
    private func isMissed(_ operation: OutboxOperation) -> Bool {
        guard operation.kind == .cancelDeletion, let deadline = operation.deadline else { return false }
        return now.millisecondsSince1970 > deadline.millisecondsSince1970
    }

    /// Sends `operation` with its key, as its owner.
    private func exchange(_ operation: OutboxOperation) async -> Result<AccountClient.Exchange, AccountError> {
        do {
            return .success(try await client.send(operation.payload.backendOperation,
                                                  idempotencyKey: operation.idempotencyKey, for: operation.account))
        } catch {
            return .failure(error)
        }
    }

    /// Records why `operation` did not go through, under the drain's rule
    /// (`FailureClass`), and says what the drain does next.
    private func settle(_ operation: OutboxOperation, after error: AccountError,
                        immediate: Bool) throws(AccountError) -> Delivery {
        defer { release(operation) }
        switch FailureClass(error) {
        case .transient(let retryAfter):
            var retry = operation
            retry.attempts += 1
            if error.notSent { retry.attemptsNotSent += 1 }
            var generator = SystemRandomNumberGenerator()
            // In whole milliseconds, as the store keeps it, so what the
            // user is told is what the outbox says.
            let failedAt = deviceNow
            let retryAt = Instant(millisecondsSince1970: failedAt.adding(seconds:
                Backoff.delay(afterAttempts: retry.attempts, retryAfter: retryAfter, using: &generator)).millisecondsSince1970)
            retry.nextAttemptAt = retryAt
            retry.notBefore = retryAfter.map {
                Instant(millisecondsSince1970: failedAt.adding(seconds: Double($0)).millisecondsSince1970)
            }
            try save(retry, after: error, outcome: .failed)
            return .transient(error, retryAt: retryAt)
        case .rejected where operation.kind == .cancelDeletion && error.reason == .notFound && !immediate:
            // Nothing pending on the server any more (cancelled elsewhere):
            // what the user wanted is true.
            try complete([DrainAnswer(operation: operation, outcome: BackendOutcome(deletion: DeletionStatus(state: .cancelled)),
                                      httpStatus: 404)])
            return .synced(BackendOutcome())
        case .rejected:
            var refused = operation
            refused.state = .failed
            refused.attempts += 1
            let failed = try save(refused, after: error, outcome: .refused)
            if !immediate { broadcaster.emit(.operationFailed(failed, error)) }
            return .rejected(error)
        case .needsAuthentication:
            state.withLock { $0.pausedForAuthentication = true }
            broadcaster.emit(.syncPaused(.authenticationRequired))
            return .needsAuthentication(error)
        case .held:
            return .held(error)
        case .storage:
            throw error
        }
    }

    /// Keeps `operation` (with its new attempts, schedule or state) and the
    /// reason it did not go through, with its audit entry, in one transaction.
    @discardableResult
    private func save(_ operation: OutboxOperation, after error: AccountError,
                      outcome: AuditEntry.Outcome) throws(AccountError) -> OutboxOperation {
        var operation = operation
        operation.lastError = AccountClient.describe(error)
        let at = now
        try store.write { database in
            try database.updateOutbox(operation)
            try database.insertAudit(AuditEntry(at: at, action: operation.kind, outcome: outcome,
                                                httpStatus: error.httpStatus, errorCode: error.code,
                                                operationID: operation.id), for: operation.account,
                                         in: operation.environment)
        }
        return operation
    }

    /// The server applied each operation of `answers`: each leaves the
    /// outbox in the one transaction that records its answer, in order.
    private func complete(_ answers: [DrainAnswer]) throws(AccountError) {
        let at = now
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
            state.withLock { state in answers.forEach { state.inFlight.remove($0.operation.id) } }
        }
        for answer in answers { broadcaster.emit(.operationSynced(answer.operation)) }
    }

    private func markMissed(_ operation: OutboxOperation) throws(AccountError) {
        var missed = operation
        missed.state = .missed
        missed.lastError = "the deadline passed before the cancel reached the server"
        try store.write { database in
            try database.updateOutbox(missed)
            try database.insertAudit(AuditEntry(at: now, action: operation.kind, outcome: .missed,
                                                operationID: operation.id), for: operation.account,
                                         in: operation.environment)
        }
        release(operation)
        broadcaster.emit(.operationFailed(missed, AccountError(.conflict, detail: missed.lastError)))
    }

    /// Announces, once each, queued cancels within 24 hours of their deadline.
    private func announceDeadlines() {
        guard let account,
              let cancels = try? store.read({ database in try database.queued(.cancelDeletion, for: account, in: store.environment, limit: nil) })
        else { return }
        let due = cancels.filter { operation in
            guard let deadline = operation.deadline else { return false }
            let left = deadline.seconds(since: now)
            return left >= 0 && left <= 86_400
        }
        let fresh = state.withLock { state in
            let fresh = due.filter { !state.announcedDeadlines.contains($0.id) }
            state.announcedDeadlines.formUnion(fresh.map(\.id))
            return fresh
        }
        for operation in fresh { broadcaster.emit(.deadlineApproaching(operation)) }
    }

}

extension OutboxOperation {
    /// When it may be sent: `explicit`ly asked for, after the server's
    /// `Retry-After`; by the timer, after its backoff too. Nil: now.
    func dueAt(explicit: Bool) -> Instant? {
        explicit ? notBefore : [nextAttemptAt, notBefore].compactMap { $0 }.max()
    }
}

extension OperationPayload {
    /// The queueable form of `operation`; nil for what is never queued.
    init?(_ operation: BackendOperation) {
        switch operation {
        case .requestDeletion(let reason, let days, let wipe): self = .requestDeletion(reason: reason, days: days, wipe: wipe)
        case .cancelDeletion(nil): self = .cancelDeletion
        case .changeUsername(let username): self = .changeUsername(username)
        case .cancelDeletion, .profile, .stats, .deletionStatus, .finalizeDeletion, .erase: return nil
        }
    }

    /// The operation to send.
    var backendOperation: BackendOperation {
        switch self {
        case .requestDeletion(let reason, let days, let wipe): .requestDeletion(reason: reason, days: days, wipe: wipe)
        case .cancelDeletion: .cancelDeletion(credentials: nil)
        case .changeUsername(let username): .changeUsername(username)
        }
    }
}
