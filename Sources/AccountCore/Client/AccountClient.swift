import CurlHTTP
import FoundationEssentials
import POSIXThread

/// The Swift API of AccountCore: one client, whatever back end the product
/// uses.
///
/// Every operation validates locally first (no request leaves for an invalid
/// username, a wrong confirmation, days out of range or an operation the
/// back end lacks), sends an `Idempotency-Key` with every mutation, records
/// the answer in the store's cache and audit trail, and after a successful
/// finalize or erase wipes the account's local data.
///
/// The access token lives in memory only: give it with `setToken(_:)`, and
/// optionally a `tokenRefresher` that supplies a fresh one after a 401.
public final class AccountClient: Sendable {
    /// The back end plugin.
    public let backend: any AccountBackend
    /// How the client reaches it.
    public let configuration: ClientConfiguration
    /// The offline store.
    public let store: AccountStore
    /// The account this client acts on, within the store.
    public let account: AccountID

    private let session: CurlSession
    let clock: any WallClock
    private let token: LockedValue<String?>
    private let skew = LockedValue(ClockSkew.none)
    private let tokenRefresher: (@Sendable () async -> String?)?

    /// Creates a client. Throws `invalidInput(.invalidConfiguration)` for a
    /// configuration value that must not leave the device.
    ///
    /// `account` names the account in the store; by default the back end
    /// and the base URL (`allmine@https://api.example.com`).
    public init(backend: any AccountBackend, configuration: ClientConfiguration, store: AccountStore,
                token: String? = nil, clock: any WallClock = SystemClock(), account: AccountID? = nil,
                tokenRefresher: (@Sendable () async -> String?)? = nil) throws(AccountError) {
        try configuration.validate()
        self.backend = backend
        self.configuration = configuration
        self.store = store
        self.account = account ?? AccountID("\(backend.name)@\(configuration.trimmedBaseURL)")
        var sessionConfiguration = CurlSession.Configuration()
        sessionConfiguration.connectTimeout = configuration.connectTimeout
        sessionConfiguration.totalTimeout = configuration.totalTimeout
        self.session = CurlSession(configuration: sessionConfiguration)
        self.clock = clock
        self.token = LockedValue(token)
        self.tokenRefresher = tokenRefresher
    }

    /// Replaces the access token (nil clears it). Kept in memory only.
    public func setToken(_ token: String?) {
        self.token.withLock { $0 = token }
    }

    /// Whether a token is set.
    public var hasToken: Bool { token.withLock { $0 != nil } }

    /// Now, corrected by the skew the server's clock showed.
    public var now: Date { skew.withLock { $0 }.serverTime(at: clock.now()) }

    /// What the back end can do.
    public var capabilities: BackendCapabilities { backend.capabilities }

    // MARK: Reads

    /// The profile, from the server; cached.
    public func profile() async throws(AccountError) -> AccountProfile {
        let outcome = try await read(.profile)
        guard let profile = outcome.profile else { throw AccountError(.unexpectedResponse(status: 200, bodyPrefix: "")) }
        return profile
    }

    /// The stats, from the server.
    public func stats() async throws(AccountError) -> AccountStats {
        let outcome = try await read(.stats)
        guard let stats = outcome.stats else { throw AccountError(.unexpectedResponse(status: 200, bodyPrefix: "")) }
        return stats
    }

    /// The deletion status: the server's when it has a status endpoint and
    /// can be reached; otherwise the last known one from the store, marked
    /// as such. A network failure with nothing cached is thrown.
    public func deletionStatus() async throws(AccountError) -> StatusReport {
        if backend.capabilities.deletionStatus {
            do {
                let outcome = try await read(.deletionStatus)
                if let deletion = outcome.deletion {
                    return StatusReport(deletion: deletion, source: .server, asOf: clock.now())
                }
            } catch where error.code == .network {
                if let cached = try cachedStatus() { return cached }
                throw error
            }
        }
        return try cachedStatus()
            ?? StatusReport(deletion: .none, source: .cache, asOf: clock.now())
    }

    /// The last known deletion status, advanced to now; nil when none is cached.
    func cachedStatus() throws(AccountError) -> StatusReport? {
        guard let cached = try store.cached(DeletionStatus.self, for: account) else { return nil }
        return StatusReport(deletion: cached.value.advanced(to: now), source: .cache, asOf: cached.asOf)
    }

    // MARK: Mutations

    /// Requests a deletion: after the back end's grace period, or after
    /// `days` (with `wipe`) where the back end lets the user choose.
    public func requestDeletion(reason: String? = nil, days: Int? = nil, wipe: Bool? = nil) async throws(AccountError) -> DeletionStatus {
        try await deletion(from: mutate(.requestDeletion(reason: reason, days: days, wipe: wipe)))
    }

    /// Cancels the pending deletion; where the back end cancels by logging
    /// in, with the user's `credentials` (used for this one request, never kept).
    public func cancelDeletion(credentials: LoginCredentials? = nil) async throws(AccountError) -> DeletionStatus {
        let status = try await deletion(from: mutate(.cancelDeletion(credentials: credentials)))
        // A login that aborted nothing: there was nothing to cancel.
        guard status.state == .cancelled else { throw AccountError(.notFound, detail: "no pending deletion") }
        return status
    }

    /// Carries out the pending deletion now; then wipes the local data.
    public func finalizeNow() async throws(AccountError) -> DeletionStatus {
        try await deletion(from: mutate(.finalizeDeletion))
    }

    /// Requests a GDPR erasure, with the typed `confirmation`; then wipes the
    /// local data.
    public func erase(confirmation: String, reason: String? = nil) async throws(AccountError) -> DeletionStatus {
        try await deletion(from: mutate(.erase(confirmation: confirmation, reason: reason)))
    }

    /// Changes the username to `newUsername` (ASCII capitals folded).
    public func changeUsername(to newUsername: String) async throws(AccountError) -> UsernameChange {
        let username: Username
        do {
            username = try Username(validating: newUsername)
        } catch {
            try? store.record(AuditEntry(at: clock.now(), action: .changeUsername, outcome: .refused,
                                         errorCode: .invalidInput), for: account)
            throw AccountError(.invalidInput(.username(error)))
        }
        let outcome = try await mutate(.changeUsername(username))
        guard let change = outcome.usernameChange else { throw AccountError(.unexpectedResponse(status: 200, bodyPrefix: "")) }
        return change
    }

    // MARK: The exchange

    private func deletion(from outcome: BackendOutcome) throws(AccountError) -> DeletionStatus {
        guard let deletion = outcome.deletion else { throw AccountError(.unexpectedResponse(status: 200, bodyPrefix: "")) }
        return deletion
    }

    private func read(_ operation: BackendOperation) async throws(AccountError) -> BackendOutcome {
        guard backend.capabilities.allows(operation) else { throw AccountError(.unsupported) }
        let outcome = try await send(operation, idempotencyKey: nil)
        try remember(outcome)
        return outcome
    }

    /// Validates, sends with a fresh idempotency key, records the answer.
    func mutate(_ operation: BackendOperation) async throws(AccountError) -> BackendOutcome {
        guard let kind = operation.kind else { return try await read(operation) }
        do {
            try validateLocally(operation)
        } catch {
            try? store.record(AuditEntry(at: clock.now(), action: kind, outcome: .refused, errorCode: error.code),
                              for: account)
            throw error
        }
        do {
            let outcome = try await send(operation, idempotencyKey: UUID())
            try remember(outcome)
            try store.record(AuditEntry(at: clock.now(), action: kind, outcome: .succeeded, httpStatus: 200), for: account)
            if kind == .finalizeDeletion || kind == .erase {
                // The account is gone or going: no trace of it stays on the device.
                try store.wipe(account)
            }
            return outcome
        } catch {
            let refused = error.httpStatus.map { (400..<500).contains($0) } ?? false
            try? store.record(AuditEntry(at: clock.now(), action: kind, outcome: refused ? .refused : .failed,
                                         httpStatus: error.httpStatus, errorCode: error.code), for: account)
            throw error
        }
    }

    /// The checks that need no server: capability, input, cached cooldown.
    func validateLocally(_ operation: BackendOperation) throws(AccountError) {
        let capabilities = backend.capabilities
        guard capabilities.allows(operation) else { throw AccountError(.unsupported) }
        switch operation {
        case .requestDeletion(let reason, let days, let wipe):
            try validate(reason: reason)
            if let days {
                guard let allowed = capabilities.customDays else { throw AccountError(.unsupported, detail: "days") }
                guard allowed.contains(days) else { throw AccountError(.invalidInput(.daysOutOfRange(days, allowed: allowed))) }
            }
            if wipe == true, !capabilities.wipe { throw AccountError(.unsupported, detail: "wipe") }
        case .cancelDeletion(let credentials):
            if capabilities.cancellation == .login {
                guard let credentials, !credentials.email.isEmpty, !credentials.password.isEmpty else {
                    throw AccountError(.invalidInput(.credentialsRequired))
                }
            }
        case .erase(let confirmation, let reason):
            guard ErasureConfirmation.accepts(confirmation) else { throw AccountError(.invalidInput(.confirmationMismatch)) }
            try validate(reason: reason)
        case .changeUsername(let username):
            if let current = try store.cached(AccountProfile.self, for: account)?.value.username, current == username.value {
                throw AccountError(.invalidInput(.username(.unchanged)))
            }
            if let cooldown = try store.cached(UsernameCooldown.self, for: account)?.value,
               !cooldown.allowsChange(at: now), let until = cooldown.nextChangeAllowedAt {
                throw AccountError(.invalidInput(.usernameCooldown(until: until)))
            }
        case .profile, .stats, .deletionStatus, .finalizeDeletion:
            break
        }
    }

    private func validate(reason: String?) throws(AccountError) {
        do {
            try DeletionReason.validate(reason)
        } catch {
            throw AccountError(.invalidInput(error))
        }
    }

    /// One exchange with the server: the back end's request, the token, the
    /// key; a retry with a fresh token after a 401 when the host can give one.
    func send(_ operation: BackendOperation, idempotencyKey: UUID?) async throws(AccountError) -> BackendOutcome {
        let request = try backend.request(for: operation, context: BackendContext(configuration: configuration, now: now))
        var response = try await transmit(request, for: operation, idempotencyKey: idempotencyKey)
        if response.status == 401, request.authenticated, let tokenRefresher, let fresh = await tokenRefresher() {
            setToken(fresh)
            response = try await transmit(request, for: operation, idempotencyKey: idempotencyKey)
        }
        if let serverTime = backend.serverTime(in: response) {
            let observed = ClockSkew(serverTime: serverTime, observedAt: clock.now())
            skew.withLock { $0 = observed }
        }
        guard (200..<300).contains(response.status) else {
            throw AccountError.forStatus(response, serverMessage: backend.serverMessage(in: response))
        }
        let outcome = try backend.decodeSuccess(response, for: operation,
                                                context: BackendContext(configuration: configuration, now: now))
        if let fresh = outcome.freshToken { setToken(fresh) }
        return outcome
    }

    private func transmit(_ request: BackendRequest, for operation: BackendOperation,
                          idempotencyKey: UUID?) async throws(AccountError) -> BackendResponse {
        var headers: [(name: String, value: String)] = [("Accept", "application/json")]
        if request.authenticated {
            var current = token.withLock { $0 }
            if current == nil, let tokenRefresher, let fresh = await tokenRefresher() {
                setToken(fresh)
                current = fresh
            }
            guard let current else { throw AccountError(.unauthorized, detail: "no access token was given") }
            guard backend.accepts(token: current, for: operation) else {
                throw AccountError(.unauthorized, detail: "this kind of credential is not accepted here; sign in as the user")
            }
            headers.append(("Authorization", "Bearer \(current)"))
        }
        if let idempotencyKey { headers.append(("Idempotency-Key", idempotencyKey.uuidString.lowercased())) }
        if request.body != nil { headers.append(("Content-Type", "application/json")) }
        headers += request.headers.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        let curlRequest = CurlRequest(method: request.method, url: configuration.trimmedBaseURL + request.path,
                                      headers: headers, body: request.body?.bytes)
        do {
            let response = try await session.perform(curlRequest)
            var lowercased: [String: String] = [:]
            for header in response.headers where lowercased[header.name.lowercased()] == nil {
                lowercased[header.name.lowercased()] = header.value
            }
            return BackendResponse(status: response.status, headers: lowercased, body: response.body)
        } catch {
            throw AccountError(mapping: error)
        }
    }

    /// Keeps what the server said in the cache.
    private func remember(_ outcome: BackendOutcome) throws(AccountError) {
        let asOf = clock.now()
        try store.write { database in try database.remember(outcome, for: account, asOf: asOf) }
    }
}
