import AccountCore

/// The JSON shapes of `ac_call` and `acct --json`, in one place.
extension Session {
    /// A call's answer as `ac_call` and `acct --json` give it.
    package func json(_ result: CallResult) -> JSONValue {
        switch result {
        case .status(let report): json(report)
        case .profile(let profile): ["profile": json(profile)]
        case .stats(let stats):
            ["stats": ["followersCount": .integer(stats.followers), "followingCount": .integer(stats.following),
                       "liveStreamCount": .integer(stats.liveStreams)]]
        case .capabilities(let capabilities): ["capabilities": json(capabilities)]
        case .deletion(let deletion, let holder):
            holder.map { ["deletion": json(deletion), "user": json($0)] } ?? ["deletion": json(deletion)]
        case .queued(let operation, let deletion):
            deletion.map { ["queued": json(operation), "deletion": json($0)] } ?? ["queued": json(operation)]
        case .coalesced(let deletion):
            deletion.map { ["deletion": json($0), "coalesced": true] } ?? ["coalesced": true]
        case .finalized(let deletion, let userID):
            ["finalized": json(deletion, adding: ["userId": .string(userID)])]
        case .erased(let deletion, let details):
            ["erasure": json(deletion, adding: ["details": details.map(json) ?? .null])]
        case .renamed(let change):
            ["username": ["oldUsername": .string(change?.oldUsername), "newUsername": .string(change?.newUsername),
                          "nextChangeAllowedAt": .instant(change?.nextChangeAllowedAt)]]
        // AC_OK even when some remain (the status is part of ABI 1);
        // "remaining" and "waiting" say what is left and why.
        case .synced(let report): json(report)
        case .outbox(let operations, let unreadable):
            ["queued": .array(operations.map(json) + unreadable.map(json))]
        case .signedOut(let signedOut, let discarded):
            ["signedOut": ["account": .string(signedOut.account?.userID),
                           "unsent": .array(signedOut.unsent.map(json) + signedOut.unreadable.map(json)),
                           "discarded": .bool(discarded)]]
        }
    }

    /// A deletion, with what else the server said about it (`userId`,
    /// an erasure's `details`).
    func json(_ status: DeletionStatus, adding extra: [String: JSONValue]) -> JSONValue {
        guard case .object(var members) = json(status) else { return json(status) }
        members.merge(extra) { _, added in added }
        return .object(members)
    }

    func json(_ status: DeletionStatus) -> JSONValue {
        streamed { write(status, to: &$0) }
    }

    func json(_ operation: OutboxOperation) -> JSONValue {
        streamed { write(operation, to: &$0) }
    }

    /// A row this build cannot read, in the shape of an operation: its id
    /// and kind as stored, `"state": "unreadable"`, and null where the row
    /// cannot say.
    func json(_ operation: UnreadableOperation) -> JSONValue {
        streamed { out in
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
    }

    /// What `write` writes, as a value (for the shell and the events, which
    /// are not asked for many times a second).
    private func streamed(_ write: (inout JSONStream) -> Void) -> JSONValue {
        var stream = JSONStream()
        write(&stream)
        return JSONValue(parsing: stream.bytes) ?? .null
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

    private func write(_ status: DeletionStatus, to out: inout JSONStream) {
        out.openObject()
        out.key("canCancelUntil"); out.instant(status.canCancelUntil)
        out.key("cancellation"); out.string(status.cancellation.rawValue)
        out.key("finalizedAt"); out.instant(status.finalizedAt)
        out.key("isLocked"); out.bool(status.isLocked)
        out.key("remainingDays"); out.integer(status.state == .pending ? status.remainingDays(at: client.now) : nil)
        out.key("requestedAt"); out.instant(status.requestedAt)
        out.key("scheduledFor"); out.instant(status.scheduledFor)
        out.key("status"); out.string(status.state.rawValue)
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

    func json(_ report: StatusReport) -> JSONValue {
        streamed { write(report, to: &$0) }
    }

    /// `{"sent", "failed", "remaining", "waiting"}`; `waiting` says why the
    /// remaining ones were not sent (null when none remain).
    func json(_ report: SyncEngine.SyncReport) -> JSONValue {
        ["sent": .integer(report.sent), "failed": .integer(report.failed), "remaining": .integer(report.remaining),
         "waiting": report.holdup.map(json) ?? .null]
    }

    /// `{"reason": "offline"|"authenticationRequired"|"accountMismatch"|"anotherDrain"|"retry",
    /// "retryAt", "error", "message"}`.
    func json(_ holdup: SyncHoldup) -> JSONValue {
        let reason: String, retryAt: Instant?, error: AccountError?
        switch holdup {
        case .paused(let pause): (reason, retryAt, error) = (pause.rawValue, nil, nil)
        case .anotherDrain: (reason, retryAt, error) = ("anotherDrain", nil, nil)
        case .retry(let at, let after): (reason, retryAt, error) = ("retry", at, after)
        }
        return ["reason": .string(reason), "retryAt": .instant(retryAt),
                "error": error.map { json($0)["error"] ?? .null } ?? .null, "message": .string(localizer.message(for: holdup, now: client.clock.now()))]
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

    /// An event as the C callback and the shell receive it.
    package func json(_ event: SyncEvent) -> JSONValue {
        switch event {
        case .operationQueued(let operation): ["type": "operationQueued", "operation": json(operation)]
        case .operationSynced(let operation): ["type": "operationSynced", "operation": json(operation)]
        case .operationFailed(let operation, let error):
            ["type": "operationFailed", "operation": json(operation), "error": json(error, operation: operation.kind)["error"] ?? .null]
        case .syncPaused(let reason): ["type": "syncPaused", "reason": .string(reason.rawValue)]
        case .statusChanged(let report): ["type": "statusChanged", "status": json(report)]
        case .deadlineApproaching(let operation): ["type": "deadlineApproaching", "operation": json(operation)]
        }
    }
}
