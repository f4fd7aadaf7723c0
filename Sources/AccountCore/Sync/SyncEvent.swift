
/// What the sync engine tells the host, as it happens.
public enum SyncEvent: Hashable, Sendable {
    /// An operation was written to the outbox.
    case operationQueued(OutboxOperation)
    /// An operation reached the server and was applied.
    case operationSynced(OutboxOperation)
    /// An operation was refused by the server, or missed its deadline; it
    /// stays in the outbox, marked, with its reason.
    case operationFailed(OutboxOperation, AccountError)
    /// Sending stopped until something changes.
    case syncPaused(SyncPauseReason)
    /// The deletion status the user should see changed.
    case statusChanged(StatusReport)
    /// A queued cancel must reach the server within 24 hours.
    case deadlineApproaching(OutboxOperation)
}

/// Why sending stopped.
public enum SyncPauseReason: String, Hashable, Sendable {
    /// The server answered 401: a new token is needed.
    case authenticationRequired
    /// The host said the device is offline.
    case offline
    /// The server said the token belongs to another user than the one
    /// signed in: nothing is sent until the host signs in again.
    case accountMismatch
}
