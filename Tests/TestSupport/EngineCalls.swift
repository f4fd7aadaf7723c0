import AccountCore

/// The engine's doors by operation, as the tests spell them: each is one
/// `submit(_:)` or `sendNow(_:)` of the one `BackendOperation`, the way the
/// session calls them, so the tests read as the calls they make.
extension SyncEngine {
    /// Requests a deletion: sent now when online, else queued.
    package func requestDeletion(reason: String? = nil, days: Int? = nil,
                                 wipe: Bool? = nil) async throws(AccountError) -> Submission {
        try await submit(.requestDeletion(reason: reason, days: days, wipe: wipe))
    }

    /// Cancels the pending deletion: sent now when online, else queued.
    package func cancelDeletion(credentials: LoginCredentials? = nil) async throws(AccountError) -> Submission {
        try await submit(.cancelDeletion(credentials: credentials))
    }

    /// Changes the username: sent now when online, else queued.
    package func changeUsername(to newUsername: String) async throws(AccountError) -> Submission {
        try await submit(.changeUsername(newUsername))
    }

    /// Finalizes now; refused at once offline.
    package func finalizeNow() async throws(AccountError) -> BackendOutcome {
        try await sendNow(.finalizeDeletion)
    }

    /// Erases the account; refused at once offline.
    package func erase(confirmation: String, reason: String? = nil) async throws(AccountError) -> BackendOutcome {
        try await sendNow(.erase(confirmation: confirmation, reason: reason))
    }

    /// The profile, from the server; kept in the cache.
    package func profile() async throws(AccountError) -> AccountProfile {
        try await sendNow(.profile).required(\.profile)
    }

    /// The stats, from the server.
    package func stats() async throws(AccountError) -> AccountStats {
        try await sendNow(.stats).required(\.stats)
    }
}
