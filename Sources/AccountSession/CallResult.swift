import AccountCore

/// What a `Call` answered, typed: the one value `acct` reads for its text
/// and exit status, and `Session.json(_:)` turns into the JSON object of
/// `ac_call` and `acct --json`. A failure is the `AccountError` thrown
/// instead.
public enum CallResult: Sendable {
    /// `status`: the deletion, where it comes from, and what waits.
    case status(StatusReport)
    /// `profile`, from the server.
    case profile(AccountProfile)
    /// `stats`, from the server.
    case stats(AccountStats)
    /// `capabilities` of the back end.
    case capabilities(BackendCapabilities)
    /// A deletion request or cancel the server applied: the deletion as it
    /// is now, and the user as the server described them (Ovok).
    case deletion(DeletionStatus, holder: AccountHolder?)
    /// The operation waits in the outbox and will be sent; `deletion` is the
    /// cached deletion for a deletion's request or cancel, nil for a rename.
    case queued(OutboxOperation, deletion: DeletionStatus?)
    /// It cancelled out an operation still queued: nothing is sent.
    /// `deletion` as for `queued`.
    case coalesced(deletion: DeletionStatus?)
    /// `finalizeDeletion`: the deletion carried out, and whose it was.
    case finalized(DeletionStatus, userID: String?)
    /// `erase`: the erasure scheduled, and what the server said it did.
    case erased(DeletionStatus, details: ErasureDetails?)
    /// `changeUsername` applied by the server.
    case renamed(UsernameChange?)
    /// `sync`: what was sent, and why the rest waits.
    case synced(SyncReport)
    /// `outbox`: the operations that wait, and the rows this build cannot
    /// read, set aside (kept, never sent).
    case outbox([OutboxOperation], unreadable: [UnreadableOperation])
    /// `signOut`: who left, what of theirs was not sent, and whether it was
    /// discarded.
    case signedOut(SignOut, discarded: Bool)

    /// `queued` when the operation waits in the outbox, else `ok`.
    package var status: CallStatus {
        if case .queued = self { .queued } else { .ok }
    }
}
