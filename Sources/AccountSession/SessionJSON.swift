import AccountCore

/// The JSON shapes of `ac_call` and `acct --json`, in one place.
///
/// Each answer and event is written once, straight to bytes (`JSONStream`),
/// member by member in the order `JSONWriter` sorts keys (by their UTF-8
/// bytes: "canCancelUntil" before "cancellation"), so the bytes are those
/// the general writer would write for the same value (`AnswerBytesTests`).
/// The small leaves (a profile, capabilities, an error) are values written
/// once into the stream.
extension Session {
    /// A call's answer as `ac_call` and `acct --json` give it, as bytes.
    package func encoded(_ result: CallResult) -> [UInt8] {
        var out = JSONStream()
        write(result, to: &out)
        return out.bytes
    }

    /// A call's answer as `ac_call` and `acct --json` give it, as a value
    /// (the bytes of `encoded(_:)`, read), for a caller that looks into it.
    package func json(_ result: CallResult) -> JSONValue {
        JSONValue(parsing: encoded(result)) ?? .null
    }

    /// An event as the C callback and the shell receive it, as bytes.
    package func encoded(_ event: SyncEvent) -> [UInt8] {
        var out = JSONStream()
        write(event, to: &out)
        return out.bytes
    }

    /// An event as the C callback and the shell receive it, as a value.
    package func json(_ event: SyncEvent) -> JSONValue {
        JSONValue(parsing: encoded(event)) ?? .null
    }

    private func write(_ result: CallResult, to out: inout JSONStream) {
        // The status and a sync's report are the answer's object itself;
        // every other answer is an object around what it carries. (A sync
        // answers AC_OK even when some remain, the status being part of ABI
        // 1; "remaining" and "waiting" say what is left and why.)
        if case .status(let report) = result { return write(report, to: &out) }
        if case .synced(let report) = result { return write(report, to: &out) }
        out.openObject()
        switch result {
        case .status, .synced:
            break   // written above
        case .profile(let profile):
            out.key("profile"); out.value(json(profile))
        case .stats(let stats):
            out.key("stats"); out.openObject()
            out.key("followersCount"); out.integer(stats.followers)
            out.key("followingCount"); out.integer(stats.following)
            out.key("liveStreamCount"); out.integer(stats.liveStreams)
            out.closeObject()
        case .capabilities(let capabilities):
            out.key("capabilities"); out.value(json(capabilities))
        case .deletion(let deletion, let holder):
            out.key("deletion"); write(deletion, to: &out)
            if let holder { out.key("user"); out.value(json(holder)) }
        case .queued(let operation, let deletion):
            if let deletion { out.key("deletion"); write(deletion, to: &out) }
            out.key("queued"); write(operation, to: &out)
        case .coalesced(let deletion):
            out.key("coalesced"); out.bool(true)
            if let deletion { out.key("deletion"); write(deletion, to: &out) }
        case .finalized(let deletion, let userID):
            out.key("finalized"); write(deletion, to: &out, adding: .userID(userID))
        case .erased(let deletion, let details):
            out.key("erasure"); write(deletion, to: &out, adding: .details(details))
        case .renamed(let change):
            out.key("username"); out.openObject()
            out.key("newUsername"); out.string(change?.newUsername)
            out.key("nextChangeAllowedAt"); out.instant(change?.nextChangeAllowedAt)
            out.key("oldUsername"); out.string(change?.oldUsername)
            out.closeObject()
        case .outbox(let operations, let unreadable):
            out.key("queued"); out.openArray()
            for operation in operations { write(operation, to: &out) }
            for operation in unreadable { write(operation, to: &out) }
            out.closeArray()
        case .signedOut(let signedOut, let discarded):
            out.key("signedOut"); out.openObject()
            out.key("account"); out.string(signedOut.account?.userID)
            out.key("discarded"); out.bool(discarded)
            out.key("unsent"); out.openArray()
            for operation in signedOut.unsent { write(operation, to: &out) }
            for operation in signedOut.unreadable { write(operation, to: &out) }
            out.closeArray()
            out.closeObject()
        }
        out.closeObject()
    }

    private func write(_ event: SyncEvent, to out: inout JSONStream) {
        out.openObject()
        let type: String
        switch event {
        case .operationQueued(let operation):
            out.key("operation"); write(operation, to: &out)
            type = "operationQueued"
        case .operationSynced(let operation):
            out.key("operation"); write(operation, to: &out)
            type = "operationSynced"
        case .operationFailed(let operation, let error):
            out.key("error"); out.value(json(error, operation: operation.kind)["error"] ?? .null)
            out.key("operation"); write(operation, to: &out)
            type = "operationFailed"
        case .syncPaused(let reason):
            out.key("reason"); out.string(reason.rawValue)
            type = "syncPaused"
        case .statusChanged(let report):
            out.key("status"); write(report, to: &out)
            type = "statusChanged"
        case .deadlineApproaching(let operation):
            out.key("operation"); write(operation, to: &out)
            type = "deadlineApproaching"
        }
        out.key("type"); out.string(type)
        out.closeObject()
    }

    /// What else the server said about a deletion, written among its
    /// members: `userId` (a finalization), `details` (an erasure).
    private enum DeletionExtra {
        case none
        case userID(String?)
        case details(ErasureDetails?)
    }

    /// A row this build cannot read, in the shape of an operation: its id
    /// and kind as stored, `"state": "unreadable"`, and null where the row
    /// cannot say.
    private func write(_ operation: UnreadableOperation, to out: inout JSONStream) {
        out.openObject()
        out.key("account"); out.string(operation.account.userID)
        out.key("attempts"); out.integer(nil)
        out.key("backend"); out.string(operation.account.backend.isEmpty ? nil : operation.account.backend)
        out.key("createdAt"); out.instant(operation.createdAt)
        out.key("deadline"); out.instant(nil)
        out.key("held"); out.bool(operation.account.isHeld)
        out.key("id"); out.string(operation.id)
        out.key("kind"); out.string(operation.kind)
        out.key("lastError"); out.string(nil)
        out.key("state"); out.string("unreadable")
        out.closeObject()
    }

    /// `{"sent", "failed", "remaining", "waiting"}`; `waiting` says why the
    /// remaining ones were not sent (null when none remain).
    private func write(_ report: SyncReport, to out: inout JSONStream) {
        out.openObject()
        out.key("failed"); out.integer(report.failed)
        out.key("remaining"); out.integer(report.remaining)
        out.key("sent"); out.integer(report.sent)
        out.key("waiting")
        if let holdup = report.holdup { write(holdup, to: &out) } else { out.value(.null) }
        out.closeObject()
    }

    /// `{"reason": "offline"|"authenticationRequired"|"accountMismatch"|"anotherDrain"|"retry",
    /// "retryAt", "error", "message"}`.
    private func write(_ holdup: SyncHoldup, to out: inout JSONStream) {
        let reason: String, retryAt: Instant?, error: AccountError?
        switch holdup {
        case .paused(let pause): (reason, retryAt, error) = (pause.rawValue, nil, nil)
        case .anotherDrain: (reason, retryAt, error) = ("anotherDrain", nil, nil)
        case .retry(let at, let after): (reason, retryAt, error) = ("retry", at, after)
        }
        out.openObject()
        out.key("error"); out.value(error.map { json($0)["error"] ?? .null } ?? .null)
        out.key("message"); out.string(localizer.message(for: holdup, now: client.clock.now()))
        out.key("reason"); out.string(reason)
        out.key("retryAt"); out.instant(retryAt)
        out.closeObject()
    }

    // The shapes the status is made of, written member by member in the
    // order JSONWriter sorts keys (by their UTF-8 bytes: "canCancelUntil"
    // before "cancellation").

    /// A status's JSON, written straight to bytes: what `ac_call("status")`
    /// returns.
    func encoded(_ report: StatusReport) -> [UInt8] {
        var stream = JSONStream()
        write(report, to: &stream)
        return stream.bytes
    }

    private func write(_ report: StatusReport, to out: inout JSONStream) {
        out.openObject()
        out.key("asOf"); out.instant(report.asOf)
        out.key("counts"); out.openObject()
        out.key("failed"); out.integer(report.counts.failed)
        out.key("held"); out.integer(report.counts.held)
        out.key("missed"); out.integer(report.counts.missed)
        out.key("queued"); out.integer(report.counts.queued)
        out.key("unreadable"); out.integer(report.counts.unreadable)
        out.closeObject()
        out.key("deletion"); write(report.deletion, to: &out)
        out.key("environment"); out.string(store.environment.rawValue)
        out.key("queued"); out.openArray()
        for operation in report.queued { write(operation, to: &out) }
        out.closeArray()
        out.key("source"); out.string(report.source.rawValue)
        out.closeObject()
    }

    private func write(_ status: DeletionStatus, to out: inout JSONStream, adding extra: DeletionExtra = .none) {
        out.openObject()
        out.key("canCancelUntil"); out.instant(status.canCancelUntil)
        out.key("cancellation"); out.string(status.cancellation.rawValue)
        if case .details(let details) = extra { out.key("details"); out.value(details.map(json) ?? .null) }
        out.key("finalizedAt"); out.instant(status.finalizedAt)
        out.key("isLocked"); out.bool(status.isLocked)
        out.key("remainingDays"); out.integer(status.state == .pending ? status.remainingDays(at: engine.now) : nil)
        out.key("requestedAt"); out.instant(status.requestedAt)
        out.key("scheduledFor"); out.instant(status.scheduledFor)
        out.key("status"); out.string(status.state.rawValue)
        if case .userID(let userID) = extra { out.key("userId"); out.string(userID) }
        out.key("wipe"); out.bool(status.wipesData)
        out.closeObject()
    }

    private func write(_ operation: OutboxOperation, to out: inout JSONStream) {
        out.openObject()
        out.key("account"); out.string(operation.account.userID)
        out.key("attempts"); out.integer(operation.attempts)
        out.key("backend"); out.string(operation.account.backend.isEmpty ? nil : operation.account.backend)
        out.key("createdAt"); out.instant(operation.createdAt)
        out.key("deadline"); out.instant(operation.deadline)
        // Made in the other environment: held here, never sent, with why.
        let heldHere = operation.environment != store.environment
        out.key("environment"); out.string(operation.environment.rawValue)
        out.key("held"); out.bool(operation.account.isHeld || heldHere)
        out.key("heldReason"); out.string(heldHere ? localizer.heldReason(madeIn: operation.environment) : nil)
        out.key("id"); out.string(operation.id.description)
        out.key("kind"); out.string(operation.kind.rawValue)
        out.key("lastError"); out.string(operation.lastError)
        out.key("state"); out.string(operation.state.rawValue)
        out.closeObject()
    }

    /// What an erasure did, as the server reported it.
    func json(_ details: ErasureDetails) -> JSONValue {
        ["dataAnonymized": .bool(details.dataAnonymized), "apiKeysDeactivated": .bool(details.apiKeysDeactivated),
         "sessionsDeleted": .bool(details.sessionsDeleted), "accountDisabled": .bool(details.accountDisabled)]
    }

    /// The user as the server described them.
    func json(_ holder: AccountHolder) -> JSONValue {
        ["id": .string(holder.id), "firstName": .string(holder.firstName), "lastName": .string(holder.lastName),
         "email": .string(holder.email),
         "project": holder.project.map { ["reference": .string($0.reference), "display": .string($0.display)] } ?? .null]
    }

    func json(_ profile: AccountProfile) -> JSONValue {
        ["id": .string(profile.id), "username": .string(profile.username), "displayName": .string(profile.displayName),
         "email": .string(profile.email), "isLocked": .bool(profile.isLocked),
         "usernameChangedAt": .instant(profile.usernameChangedAt),
         "nextUsernameChangeAllowedAt": .instant(profile.nextUsernameChangeAllowedAt)]
    }

    func json(_ capabilities: BackendCapabilities) -> JSONValue {
        Self.json(capabilities, backend: client.backend.name, environment: store.environment)
    }

    /// The back end's capabilities, the session's environment, and
    /// `mutating`: the calls the back end offers that change data on the
    /// server (what a production server warns about).
    static func json(_ capabilities: BackendCapabilities, backend: String, environment: ServerEnvironment) -> JSONValue {
        ["backend": .string(backend), "environment": .string(environment.rawValue),
         "mutating": .array(OperationKind.allCases.filter(capabilities.offers).map { .string($0.rawValue) }),
         "profile": .bool(capabilities.profile), "stats": .bool(capabilities.stats),
         "deletionStatus": .bool(capabilities.deletionStatus), "requestDeletion": .bool(capabilities.requestDeletion),
         "cancellation": .string(capabilities.cancellation.rawValue), "finalizeNow": .bool(capabilities.finalizeNow),
         "rename": .bool(capabilities.rename), "erase": .bool(capabilities.erase),
         "customDays": capabilities.customDays.map { ["minimum": .integer($0.lowerBound), "maximum": .integer($0.upperBound)] } ?? .null,
         "wipe": .bool(capabilities.wipe), "gracePeriodDays": .integer(capabilities.gracePeriodDays)]
    }

    /// `{"error": {...}}`, the message in the session's language.
    package func json(_ error: AccountError, operation: OperationKind? = nil) -> JSONValue {
        Self.errorJSON(error, localizer: localizer, operation: operation)
    }

    /// `{"error": {"code", "message", "detail", "httpStatus", "retryAfter"}}`:
    /// the one shape of a failure for `ac_call`, `ac_open` and `acct --json`,
    /// also where no session could be opened.
    package static func errorJSON(_ error: AccountError, localizer: Localizer,
                                 operation: OperationKind? = nil) -> JSONValue {
        ["error": ["code": .string(error.code.rawValue), "message": .string(localizer.message(for: error, operation: operation)),
                   "detail": .string(error.detail), "httpStatus": .integer(error.httpStatus),
                   "retryAfter": .integer(error.retryAfter)]]
    }
}
