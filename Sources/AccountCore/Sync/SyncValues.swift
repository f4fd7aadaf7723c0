// The values a sign-out and a sync answer: carried by the session's
// results (`CallResult.signedOut`, `.synced`), so public, and top-level
// rather than the engine's, which is `package`.

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
