import POSIXThread

/// One exchange with the back end, whatever back end the product uses:
/// validate, build the request, send it through the transport, decode.
///
/// Every operation validates its input first (no request leaves for an
/// invalid username, a wrong confirmation, days out of range or an operation
/// the back end lacks) and every mutation carries an `Idempotency-Key`. The
/// client records nothing: the `SyncEngine` keeps answers in the cache and
/// the audit trail, queues what may wait, and wipes after a finalize; apps
/// use the engine (or `Session`).
///
/// Who acts is the signed-in person (`signIn(account:token:)`): every
/// cached value, queued operation and audit entry is theirs, and a token is
/// sent only for them. Who that is, and whose a token is, is its
/// `Identity` (`Sync/Identity.swift`): the access token lives in memory
/// only; the store keeps no more than a keyed fingerprint of it, to know
/// offline whose it is. An optional `tokenRefresher` supplies a fresh token
/// after a 401.
package final class AccountClient: Sendable {
    /// The back end plugin.
    package let backend: any AccountBackend
    /// How the client reaches it.
    package let configuration: ClientConfiguration
    /// The offline store.
    package let store: AccountStore

    /// What carries the requests.
    private let transport: any HTTPTransport
    /// The injected clock: the device's time (see `now` for the server's).
    package let clock: any WallClock
    /// Who is signed in, and whose a token is.
    package let identity: Identity
    private let skew = LockedValue(ClockSkew.none)
    private let tokenRefresher: (@Sendable () async -> String?)?

    /// Creates a client that reaches its back end through `transport`,
    /// signed in as `account` (the back end's user id) with `token` when
    /// given (see `signIn(account:token:)`). Throws
    /// `invalidInput(.invalidConfiguration)` for a configuration value that
    /// must not leave the device, and for an `environment` the
    /// configuration names that is not the store's (the store's is the one
    /// operations are made, sent and shown in).
    package init(backend: any AccountBackend, configuration: ClientConfiguration, store: AccountStore,
                transport: any HTTPTransport, token: String? = nil, account: String? = nil,
                clock: any WallClock = SystemClock(),
                tokenRefresher: (@Sendable () async -> String?)? = nil) throws(AccountError) {
        try configuration.validate()
        if let named = configuration.environment, named != store.environment {
            throw AccountError(.invalidInput(.invalidConfiguration(field: "environment")))
        }
        self.backend = backend
        self.configuration = configuration
        self.store = store
        self.transport = transport
        self.clock = clock
        self.tokenRefresher = tokenRefresher
        self.identity = try Identity(store: store, backend: backend, clock: clock)
        if token != nil || account != nil { try signIn(account: account, token: token) }
    }

    /// Where a drain runs to send request after request without a thread
    /// hand-off (`HTTPTransport.preferredExecutor`); nil for anywhere.
    var preferredExecutor: (any TaskExecutor)? { transport.preferredExecutor }

    // MARK: Who is signed in

    /// The signed-in person: every value the client reads or writes is
    /// theirs. Nil when nobody is signed in.
    package var account: AccountID? { identity.current.account }

    /// Whether a token is set.
    package var hasToken: Bool { identity.current.token != nil }

    /// Who is signed in, with what, read at once: what an operation made
    /// now records as its owner and the credential it was made under.
    var signInNow: SignIn { identity.current }

    /// Whether the server said the current token belongs to someone other
    /// than the signed-in person: nothing is sent until the host signs in again.
    package var hasAccountMismatch: Bool { identity.current.mismatch != nil }

    /// Signs in `account` (the back end's user id) with `token`; see
    /// `Identity.signIn(account:token:)`. Throws `accountMismatch`, and
    /// changes nothing, when the server said before that `token` is another
    /// user's; `invalidInput` for an account or a token it refuses.
    package func signIn(account userID: String?, token: String?) throws(AccountError) {
        try identity.signIn(account: userID, token: token)
    }

    /// Replaces the access token of the signed-in person (nil clears it),
    /// as after a refresh; see `Identity.setToken`. Throws
    /// `invalidInput(.invalidToken)`, and changes nothing, for a token that
    /// is not a bearer token (`BearerToken`).
    package func setToken(_ token: String?) throws(AccountError) {
        try identity.setToken(token)
    }

    /// Signs out: forgets the token and who was signed in; returns who that was.
    @discardableResult
    package func signOut() -> AccountID? {
        identity.signOut()
    }

    /// Now, corrected by the skew the server's clock showed.
    package var now: Instant { skew.withLock { $0 }.serverTime(at: clock.now()) }

    /// What the back end can do.
    package var capabilities: BackendCapabilities { backend.capabilities }

    // MARK: One exchange each

    /// The profile, from the server.
    package func profile() async throws(AccountError) -> AccountProfile {
        try await exchange(.profile).required(\.profile)
    }

    /// The stats, from the server.
    package func stats() async throws(AccountError) -> AccountStats {
        try await exchange(.stats).required(\.stats)
    }

    /// The deletion status, from the server (`unsupported` where the back
    /// end has no status endpoint; the engine's `status()` falls back on the
    /// store).
    package func deletionStatus() async throws(AccountError) -> DeletionStatus {
        try await exchange(.deletionStatus).required(\.deletion)
    }

    /// Requests a deletion: after the back end's grace period, or after
    /// `days` (with `wipe`) where the back end lets the user choose.
    package func requestDeletion(reason: String? = nil, days: Int? = nil, wipe: Bool? = nil) async throws(AccountError) -> DeletionStatus {
        try await exchange(.requestDeletion(reason: reason, days: days, wipe: wipe)).required(\.deletion)
    }

    /// Cancels the pending deletion; where the back end cancels by logging
    /// in, with the user's `credentials` (used for this one request, never kept).
    package func cancelDeletion(credentials: LoginCredentials? = nil) async throws(AccountError) -> DeletionStatus {
        let status = try await exchange(.cancelDeletion(credentials: credentials)).required(\.deletion)
        // A login that aborted nothing: there was nothing to cancel.
        guard status.state == .cancelled else { throw AccountError(.notFound, detail: "no pending deletion") }
        return status
    }

    /// Carries out the pending deletion now. The outcome keeps what the
    /// server said (the deletion, the user's id).
    package func finalizeNow() async throws(AccountError) -> BackendOutcome {
        try await exchange(.finalizeDeletion)
    }

    /// Requests a GDPR erasure, with the typed `confirmation`. The outcome
    /// keeps what the server said it did.
    package func erase(confirmation: String, reason: String? = nil) async throws(AccountError) -> BackendOutcome {
        try await exchange(.erase(confirmation: confirmation, reason: reason))
    }

    /// Changes the username to `newUsername` (ASCII capitals folded).
    package func changeUsername(to newUsername: String) async throws(AccountError) -> UsernameChange {
        try await exchange(.changeUsername(newUsername)).required(\.usernameChange)
    }

    /// Validates `operation`, sends it as the signed-in person (a mutation
    /// with a fresh idempotency key) and decodes the answer.
    func exchange(_ operation: BackendOperation) async throws(AccountError) -> BackendOutcome {
        let operation = try validated(operation)
        return try await send(operation, idempotencyKey: operation.kind == nil ? nil : UniqueID(), for: account).outcome
    }

    // MARK: The exchange

    /// `operation` as it is sent, after the checks that need neither server
    /// nor store: capability and input (a username parsed, its ASCII
    /// capitals folded). The engine adds the rules that need the cache: a
    /// rename's cooldown.
    func validated(_ operation: BackendOperation) throws(AccountError) -> BackendOperation {
        // A name is checked before the capability, as it always was.
        var operation = operation
        if case .changeUsername(let name) = operation { operation = .changeUsername(try Username(parsing: name).value) }
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
        case .changeUsername, .profile, .stats, .deletionStatus, .finalizeDeletion:
            break
        }
        return operation
    }

    private func validate(reason: String?) throws(AccountError) {
        do {
            try DeletionReason.validate(reason)
        } catch {
            throw AccountError(.invalidInput(error))
        }
    }

    /// What one exchange produced, and whose it is: the person it was sent
    /// for, or whom the server said the token belongs to.
    struct Exchange: Sendable {
        let outcome: BackendOutcome
        let account: AccountID?
    }

    /// One exchange with the server for `owner`: the back end's request,
    /// the token, the key; a retry with a fresh token after a 401 when the
    /// host can give one. The token goes only while `owner` is signed in
    /// and the token is known to be theirs (see `SignIn`); otherwise it
    /// throws `accountMismatch` (or `unauthorized` without a token) and
    /// nothing is sent.
    func send(_ operation: BackendOperation, idempotencyKey: UniqueID?,
              for owner: AccountID?) async throws(AccountError) -> Exchange {
        let request = try backend.request(for: operation, context: BackendContext(configuration: configuration, now: now))
        var owner = owner
        if request.authenticated, !hasToken, let fresh = await refreshedToken() {
            // The host's first token: the caller's person is whoever it signs in.
            let before = account
            identity.install(fresh)
            if owner == before { owner = account }
        }
        if request.authenticated, operation != .profile { owner = try await confirmIdentity(of: owner) }
        var (response, credential) = try await transmit(request, for: operation, owner: owner, idempotencyKey: idempotencyKey)
        if response.status == 401, request.authenticated, let fresh = await refreshedToken() {
            identity.install(fresh)
            // A fresh token is checked like any other before it carries anything.
            if operation != .profile { owner = try await confirmIdentity(of: owner) }
            (response, credential) = try await transmit(request, for: operation, owner: owner, idempotencyKey: idempotencyKey)
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
        // A token the server hands out that is no bearer token is not kept:
        // it would go into the next request's header.
        if let fresh = outcome.freshToken, BearerToken.isValid(fresh) { identity.install(fresh) }
        if let userID = outcome.userID, let credential, let sentFor = owner {
            owner = try identity.learned(userID: userID, credential: credential, sentFor: sentFor)
        }
        return Exchange(outcome: outcome, account: owner)
    }

    /// The host's fresh token, when it gives one that is a bearer token: a
    /// token `BearerToken` refuses is not used, as if none came.
    private func refreshedToken() async -> String? {
        guard let tokenRefresher, let fresh = await tokenRefresher(), BearerToken.isValid(fresh) else { return nil }
        return fresh
    }

    /// Whether asking the server whose the token is could tell more (see
    /// `Identity.canLearnWhoIsSignedIn`).
    var canLearnWhoIsSignedIn: Bool { identity.canLearnWhoIsSignedIn }

    /// Asks the server whose the token is, where the back end can say; a
    /// person known only by the token becomes that account.
    func learnWhoIsSignedIn() async throws(AccountError) {
        _ = try await confirmIdentity(of: account)
    }

    /// Where the back end can say whose a token is, asks it (once per
    /// token: the store remembers) before the first send under a token not
    /// yet confirmed; returns whose it is. Throws `accountMismatch` when it
    /// is not `owner`'s.
    private func confirmIdentity(of owner: AccountID?) async throws(AccountError) -> AccountID? {
        guard backend.capabilities.profile else { return owner }
        let state = identity.current
        if let refusal = state.refusal(toSendFor: owner) { throw refusal }
        guard !state.confirmedByServer else { return owner }
        let exchange = try await send(.profile, idempotencyKey: nil, for: owner)
        if let refusal = identity.current.refusal(toSendFor: exchange.account) { throw refusal }
        return exchange.account
    }

    private func transmit(_ request: BackendRequest, for operation: BackendOperation, owner: AccountID?,
                          idempotencyKey: UniqueID?) async throws(AccountError) -> (BackendResponse, CredentialFingerprint?) {
        var headers: [(name: String, value: String)] = [("Accept", "application/json")]
        var credential: CredentialFingerprint?
        if request.authenticated {
            // Read at the instant the token is attached: a sign-in that
            // changed meanwhile holds the request back.
            let state = identity.current
            if let refusal = state.refusal(toSendFor: owner) { throw refusal }
            guard let token = state.token else { throw AccountError(.unauthorized, detail: "no access token was given") }
            // Every door checked it; checked again where it becomes a header.
            guard BearerToken.isValid(token) else { throw AccountError(.invalidInput(.invalidToken)) }
            // Where the back end can say whose a token is, only a token it
            // confirmed goes (a sign-in or refresh after the check is not).
            if backend.capabilities.profile, operation != .profile, !state.confirmedByServer {
                throw AccountError(.accountMismatch, detail: "the token changed before it was confirmed")
            }
            guard backend.accepts(token: token, for: operation) else {
                throw AccountError(.unauthorized, detail: "this kind of credential is not accepted here; sign in as the user")
            }
            headers.append(("Authorization", "Bearer \(token)"))
            credential = state.credential
        }
        if let idempotencyKey { headers.append(("Idempotency-Key", idempotencyKey.description)) }
        if request.body != nil { headers.append(("Content-Type", "application/json")) }
        headers += request.headers.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        let outgoing = TransportRequest(method: request.method, url: configuration.trimmedBaseURL + request.path,
                                        headers: headers, body: request.body?.bytes)
        do {
            let response = try await transport.send(outgoing)
            var lowercased: [String: String] = [:]
            for header in response.headers where lowercased[header.name.lowercased()] == nil {
                lowercased[header.name.lowercased()] = header.value
            }
            return (BackendResponse(status: response.status, headers: lowercased, body: response.body), credential)
        } catch {
            throw AccountError(mapping: error)
        }
    }

    static func describe(_ error: AccountError) -> String {
        [error.code.rawValue, error.httpStatus.map(String.init), error.detail].compactMap { $0 }.joined(separator: ": ")
    }
}
