
/// Why operations are still queued after a sync: what the user is told
/// instead of a bare "0 sent".
public enum SyncHoldup: Hashable, Sendable {
    /// Sending is paused: the host said the device is offline, a 401 asked
    /// for a new token, or the token is another user's.
    case paused(SyncPauseReason)
    /// Another drain is sending them right now: a background one of this
    /// engine (coming online, a new token, the timer), or another process's.
    case anotherDrain
    /// The next one is tried again at `at`: it just failed with `error`
    /// (network, server, rate limit), or, when `error` is nil, it failed on
    /// an earlier try and its backoff has not run out.
    case retry(at: Instant, after: AccountError?)
}
