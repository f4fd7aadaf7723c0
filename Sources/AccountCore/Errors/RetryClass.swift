/// How the send queue treats a failed delivery, as matrix-rust-sdk's send
/// queue does: the core's one retry class. What a failure means to a front
/// end (the C status, `acct`'s exit status) is decided beside that front end
/// (`CallStatus`, `ExitStatus`), so the core names none.
package enum RetryClass: String, Hashable, Sendable, CaseIterable {
    /// Try again later, with backoff, never before `Retry-After`
    /// (`AccountError.retryAfter`); what follows waits behind it: no
    /// network, a timeout, 5xx, 429.
    case retry
    /// The server refused it (400, 403, 404, 409, 422): set it aside as
    /// failed, go on with the rest, so it never blocks what comes after.
    case setAside
    /// 401: pause the queue until a new token comes.
    case waitForToken
    /// Not sent: the token is not its owner's, or the sign-in changed; it
    /// waits for them.
    case waitForOwner
    /// The store failed, or something nobody expected: stop the drain; the
    /// error goes to the caller.
    case stop
}

extension AccountError.Code {
    /// What a drain does with a queued operation that failed with this
    /// code. A new code is one new row: the compiler lists this switch.
    package var retry: RetryClass {
        switch self {
        case .invalidInput, .forbidden, .notFound, .conflict, .unsupported: .setAside
        // A 5xx that could not be read is retried (see `AccountError.retry`).
        case .unexpectedResponse: .setAside
        case .network, .rateLimited, .server: .retry
        case .unauthorized: .waitForToken
        case .accountMismatch: .waitForOwner
        case .storage, .internal: .stop
        }
    }
}

extension AccountError {
    /// What a drain does with a queued operation that failed with this
    /// error: its code's, but an unreadable answer with a 5xx status is a
    /// server failure, tried again.
    package var retry: RetryClass {
        if case .unexpectedResponse(let status, _) = reason, status >= 500 { return .retry }
        return code.retry
    }
}
