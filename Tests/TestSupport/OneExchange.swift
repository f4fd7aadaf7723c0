import AccountCore
import Testing

/// One exchange at a time, through the authenticated send alone, no engine:
/// what the client tests and the identity tests drive. The library's only
/// door is the session (and the engine under it); these are the exchanges
/// the client once offered, kept here so those tests keep asserting what
/// they asserted. Each validates, sends as the signed-in person (a mutation
/// with a fresh idempotency key) and decodes; none writes the cache, the
/// audit trail or the outbox.
extension AuthorizedSender {
    /// The signed-in account; throws (failing the test) when nobody is.
    package var signedInAccount: AccountID {
        get throws { try #require(account, "nobody is signed in") }
    }

    /// Signs in `account` with `token` (see `Identity.signIn(account:token:)`).
    package func signIn(account userID: String?, token: String?) throws(AccountError) {
        try identity.signIn(account: userID, token: token)
    }

    /// Replaces the signed-in person's token (see `Identity.setToken`).
    package func setToken(_ token: String?) throws(AccountError) {
        try identity.setToken(token)
    }

    /// Signs out; returns who was signed in.
    @discardableResult
    package func signOut() -> AccountID? {
        identity.signOut()
    }

    /// What the back end can do.
    package var capabilities: BackendCapabilities { client.capabilities }

    /// The profile, from the server.
    package func profile() async throws(AccountError) -> AccountProfile {
        try await exchange(.profile).required(\.profile)
    }

    /// The stats, from the server.
    package func stats() async throws(AccountError) -> AccountStats {
        try await exchange(.stats).required(\.stats)
    }

    /// The deletion status, from the server.
    package func deletionStatus() async throws(AccountError) -> DeletionStatus {
        try await exchange(.deletionStatus).required(\.deletion)
    }

    /// Requests a deletion.
    package func requestDeletion(reason: String? = nil, days: Int? = nil,
                                 wipe: Bool? = nil) async throws(AccountError) -> DeletionStatus {
        try await exchange(.requestDeletion(reason: reason, days: days, wipe: wipe)).required(\.deletion)
    }

    /// Cancels the pending deletion; with `credentials` where the back end
    /// cancels by logging in.
    package func cancelDeletion(credentials: LoginCredentials? = nil) async throws(AccountError) -> DeletionStatus {
        let status = try await exchange(.cancelDeletion(credentials: credentials)).required(\.deletion)
        // A login that aborted nothing: there was nothing to cancel.
        guard status.state == .cancelled else { throw AccountError(.notFound, detail: "no pending deletion") }
        return status
    }

    /// Carries out the pending deletion now.
    package func finalizeNow() async throws(AccountError) -> BackendOutcome {
        try await exchange(.finalizeDeletion)
    }

    /// Requests a GDPR erasure, with the typed `confirmation`.
    package func erase(confirmation: String, reason: String? = nil) async throws(AccountError) -> BackendOutcome {
        try await exchange(.erase(confirmation: confirmation, reason: reason))
    }

    /// Changes the username to `newUsername`.
    package func changeUsername(to newUsername: String) async throws(AccountError) -> UsernameChange {
        try await exchange(.changeUsername(newUsername)).required(\.usernameChange)
    }

    /// Validates `operation`, sends it as the signed-in person (a mutation
    /// with a fresh idempotency key) and decodes the answer.
    package func exchange(_ operation: BackendOperation) async throws(AccountError) -> BackendOutcome {
        let operation = try client.validated(operation)
        return try await send(operation, idempotencyKey: operation.kind == nil ? nil : UniqueID(), for: account).outcome
    }
}
