/// Who the engine acts for: signing in and out, a new token, and asking the
/// server whose a token is before a drain, with the row moves that follow
/// (the client records whose a token is and has the store give a
/// token-only person's rows their account; a sign-out hands back, or
/// discards, what was not sent).
package final class Identity: Sendable {
    private let client: AccountClient
    private let outbox: OutboxWriter

    init(client: AccountClient, outbox: OutboxWriter) {
        self.client = client
        self.outbox = outbox
    }

    /// Signs in `account` with `token` (see `AccountClient.signIn`).
    func signIn(account: String?, token: String?) throws(AccountError) {
        try client.signIn(account: account, token: token)
    }

    /// Gives the signed-in person a new token (nil clears it); true when
    /// there is one now, and a queue paused for it may resume.
    func setToken(_ token: String?) throws(AccountError) -> Bool {
        try client.setToken(token)
        return token != nil
    }

    /// Signs out: the token is forgotten. Answers what of the person's had
    /// not been sent; with `discard` those operations are removed, audited.
    func signOut(discard: Bool) throws(AccountError) -> SyncEngine.SignOut {
        guard let account = client.signOut() else { return SyncEngine.SignOut(account: nil, unsent: []) }
        // One on its way is unsent until its answer comes, and is not
        // discarded: it may be applied already.
        let (unsent, unreadable) = try outbox.unsent(of: account, discard: discard)
        return SyncEngine.SignOut(account: account, unsent: unsent, unreadable: unreadable)
    }

    /// What asking whose the token is before a drain showed.
    enum Learned {
        /// Go on: known, or not known yet and what was queued under this token still goes.
        case proceed
        /// A 401: paused until a new token.
        case needsAuthentication
        /// The token is someone else's.
        case mismatch
    }

    /// Someone known only by their token may own more than they queued
    /// under it: asks whose it is (once per token), so their operations
    /// made under another token of theirs go too.
    func learnBeforeDrain() async throws(AccountError) -> Learned {
        guard client.canLearnWhoIsSignedIn else { return .proceed }
        do {
            try await client.learnWhoIsSignedIn()
            return .proceed
        } catch {
            switch FailureClass(error) {
            case .storage: throw error
            case .needsAuthentication: return .needsAuthentication
            case .held: return .mismatch
            // What they queued under this token still goes; its own sends
            // ask again, with their backoff.
            case .transient, .rejected: return .proceed
            }
        }
    }
}
