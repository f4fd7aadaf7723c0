/// How the send queue treats a failed delivery, as matrix-rust-sdk's send
/// queue does: retry it, set it aside, or wait for a new token.
enum FailureClass: Equatable {
    /// Try again later: no network, a timeout, 5xx, 429. Never before
    /// `retryAfter` seconds when the server said so.
    case transient(retryAfter: Int?)
    /// The server refused it (400, 403, 404, 409, 422): mark it failed and
    /// move on, so it never blocks what comes after.
    case rejected
    /// 401: pause the queue until a new token is given.
    case needsAuthentication
    /// The store failed, or something nobody expected: stop, the error
    /// goes to the caller.
    case storage
    /// The token is not the owner's, or the sign-in changed: nothing was
    /// sent; the operation waits for its owner.
    case held

    init(_ error: AccountError) {
        switch error.retry {
        case .retry: self = .transient(retryAfter: error.retryAfter)
        case .setAside: self = .rejected
        case .waitForToken: self = .needsAuthentication
        case .waitForOwner: self = .held
        case .stop: self = .storage
        }
    }
}
