import POSIXThread

/// The authenticated send: one exchange through the stateless
/// `AccountClient`, for one person, under a token known to be theirs.
///
/// It holds what changes between exchanges: the sign-in (`Identity`), the
/// skew the server's clock showed, and the host's `tokenRefresher`, which
/// supplies a fresh token after a 401. The guarantees, word for word:
/// - a token is attached only at the instant it is checked to be the
///   owner's (`transmit` reads the sign-in once, checks it, and hands the
///   client that very token);
/// - where the back end can say whose a token is, it is asked (once per
///   token: the store remembers) before the first send under a token not
///   yet confirmed, and only a confirmed token goes;
/// - after a 401, a fresh token from the host is checked like any other,
///   and the request is sent once more;
/// - what the server says of whose the token is, and a fresh token it
///   hands out, go to the `Identity` (`learned`, `install`).
package final class AuthorizedSender: Sendable {
    /// The stateless exchange.
    package let client: AccountClient
    /// Who is signed in, and whose a token is.
    package let identity: Identity
    private let skew = LockedValue(ClockSkew.none)
    private let tokenRefresher: (@Sendable () async -> String?)?

    /// Sends through `client` as `identity` says, asking `tokenRefresher`
    /// for a fresh token after a 401 when given.
    package init(client: AccountClient, identity: Identity,
                 tokenRefresher: (@Sendable () async -> String?)? = nil) {
        self.client = client
        self.identity = identity
        self.tokenRefresher = tokenRefresher
    }

    /// Sends through `client` as the person an `Identity` over `store`
    /// says, signed in as `account` (the back end's user id) with `token`
    /// when given (see `Identity.signIn(account:token:)`). Throws
    /// `invalidInput(.invalidConfiguration)` for an `environment` the
    /// client's configuration names that is not the store's (the store's is
    /// the one operations are made, sent and shown in).
    package convenience init(store: AccountStore, client: AccountClient, token: String? = nil, account: String? = nil,
                             tokenRefresher: (@Sendable () async -> String?)? = nil) throws(AccountError) {
        if let named = client.configuration.environment, named != store.environment {
            throw AccountError(.invalidInput(.invalidConfiguration(field: "environment")))
        }
        let identity = try Identity(store: store, backend: client.backend, clock: client.clock)
        if token != nil || account != nil { try identity.signIn(account: account, token: token) }
        self.init(client: client, identity: identity, tokenRefresher: tokenRefresher)
    }

    /// The signed-in person: every value the engine reads or writes is
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

    /// Now, corrected by the skew the server's clock showed.
    package var now: Instant { skew.withLock { $0 }.serverTime(at: client.clock.now()) }

    /// What one exchange produced, and whose it is: the person it was sent
    /// for, or whom the server said the token belongs to.
    package struct Exchange: Sendable {
        package let outcome: BackendOutcome
        let account: AccountID?
    }

    /// One exchange with the server for `owner`: the back end's request,
    /// the token, the key; a retry with a fresh token after a 401 when the
    /// host can give one. The token goes only while `owner` is signed in
    /// and the token is known to be theirs (see `SignIn`); otherwise it
    /// throws `accountMismatch` (or `unauthorized` without a token) and
    /// nothing is sent.
    package func send(_ operation: BackendOperation, idempotencyKey: UniqueID?,
                      for owner: AccountID?) async throws(AccountError) -> Exchange {
        let request = try client.request(for: operation, at: now)
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
        if let serverTime = client.backend.serverTime(in: response) {
            let observed = ClockSkew(serverTime: serverTime, observedAt: client.clock.now())
            skew.withLock { $0 = observed }
        }
        let outcome = try client.decode(response, for: operation, at: now)
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
        guard client.capabilities.profile else { return owner }
        let state = identity.current
        if let refusal = state.refusal(toSendFor: owner) { throw refusal }
        guard !state.confirmedByServer else { return owner }
        let exchange = try await send(.profile, idempotencyKey: nil, for: owner)
        if let refusal = identity.current.refusal(toSendFor: exchange.account) { throw refusal }
        return exchange.account
    }

    /// Sends `request` for `owner`; an authenticated one carries the token
    /// read and checked here, at the instant it is attached. Returns the
    /// answer and the fingerprint of the token that went.
    private func transmit(_ request: BackendRequest, for operation: BackendOperation, owner: AccountID?,
                          idempotencyKey: UniqueID?) async throws(AccountError) -> (BackendResponse, CredentialFingerprint?) {
        guard request.authenticated else {
            return (try await client.send(request, token: nil, idempotencyKey: idempotencyKey), nil)
        }
        // Read at the instant the token is attached: a sign-in that
        // changed meanwhile holds the request back.
        let state = identity.current
        if let refusal = state.refusal(toSendFor: owner) { throw refusal }
        guard let token = state.token else { throw AccountError(.unauthorized, detail: "no access token was given") }
        // Every door checked it; checked again where it becomes a header.
        guard BearerToken.isValid(token) else { throw AccountError(.invalidInput(.invalidToken)) }
        // Where the back end can say whose a token is, only a token it
        // confirmed goes (a sign-in or refresh after the check is not).
        if client.capabilities.profile, operation != .profile, !state.confirmedByServer {
            throw AccountError(.accountMismatch, detail: "the token changed before it was confirmed")
        }
        guard client.backend.accepts(token: token, for: operation) else {
            throw AccountError(.unauthorized, detail: "this kind of credential is not accepted here; sign in as the user")
        }
        return (try await client.send(request, token: token, idempotencyKey: idempotencyKey), state.credential)
    }
}
