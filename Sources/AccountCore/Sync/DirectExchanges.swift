extension SyncEngine {
    /// `operation` as it is sent, after the checks that need no server, a
    /// refusal audited: the client's (capability, input) and the cached
    /// rules of a rename (not the current name, not within the cooldown).
    func validated(_ operation: BackendOperation) throws(AccountError) -> BackendOperation {
        do throws(AccountError) {
            let operation = try client.validated(operation)
            guard case .changeUsername(let username) = operation, let account else { return operation }
            if let current = try outbox.store.cached(AccountProfile.self, for: account)?.value.username, current == username {
                throw AccountError(.invalidInput(.username(.unchanged)))
            }
            if let cooldown = try outbox.store.cached(UsernameCooldown.self, for: account)?.value,
               !cooldown.allowsChange(at: now), let until = cooldown.nextChangeAllowedAt {
                throw AccountError(.invalidInput(.usernameCooldown(until: until)))
            }
            return operation
        } catch {
            if let kind = operation.kind {
                outbox.audit(AuditEntry(at: now, action: kind, outcome: .refused, errorCode: error.code), for: account)
            }
            throw error
        }
    }

    /// Sends what is never queued, now: a read (its answer kept in the
    /// cache, `read(_:)`), or a finalize or an erasure (validated, refused
    /// at once offline; after it no trace of the account stays on the
    /// device, `applyNow(_:)`). The one door for them: a new operation of
    /// either sort needs no method of its own here.
    package func sendNow(_ operation: BackendOperation) async throws(AccountError) -> BackendOutcome {
        guard operation.kind != nil else { return try await read(operation) }
        let operation = try validated(operation)
        guard isOnline else { throw AccountError.offlineNotQueued }
        return try await applyNow(operation)
    }

    /// Reads `operation` from the server as the signed-in person; what it
    /// says is kept in the cache of the person it was for.
    /// Offline, it fails at once: a read is never queued.
    func read(_ operation: BackendOperation) async throws(AccountError) -> BackendOutcome {
        guard isOnline else { throw AccountError(.network, detail: "offline") }
        let operation = try client.validated(operation)
        let exchange = try await sender.send(operation, idempotencyKey: nil, for: account)
        if let owner = exchange.account { try outbox.remember(exchange.outcome, for: owner, asOf: deviceNow) }
        return exchange.outcome
    }

    /// Sends what is never queued (finalize, erase, a cancel by login) at
    /// once, with a fresh key, as the signed-in person; records the answer
    /// as the drain records a delivery's, and a failure under the same rule
    /// (`RetryClass`). After a finalize or an erasure the account's local
    /// data is wiped.
    func applyNow(_ operation: BackendOperation) async throws(AccountError) -> BackendOutcome {
        guard let kind = operation.kind else { return try await read(operation) }
        let owner = account
        let exchange: AuthorizedSender.Exchange
        do {
            exchange = try await sender.send(operation, idempotencyKey: UniqueID(), for: owner)
        } catch {
            outbox.audit(AuditEntry(at: now, action: kind, outcome: error.retry == .setAside ? .refused : .failed,
                             httpStatus: error.httpStatus, errorCode: error.code), for: owner)
            throw error
        }
        guard let answeredFor = exchange.account else { return exchange.outcome }
        try outbox.recordApplied(exchange.outcome, of: kind, for: answeredFor)
        return exchange.outcome
    }

    /// The deletion status the user should see, with what waits in the
    /// outbox: the server's when online, the cache's otherwise, with queued
    /// operations laid over it.
    /// When the server cannot be reached, the store answers, marked as such.
    package func status() async throws(AccountError) -> StatusReport {
        guard asksServerForStatus, let account else { return try localStatus() }
        do {
            let asOf = deviceNow
            guard let deletion = try await read(.deletionStatus).deletion else { return try localStatus() }
            return try statusView.overlaid(server: StatusReport(deletion: deletion, source: .server, asOf: asOf), for: account)
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
    package func statusWithoutNetwork() throws(AccountError) -> StatusReport? {
        asksServerForStatus ? nil : try localStatus()
    }
}
