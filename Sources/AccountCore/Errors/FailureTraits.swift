/// What every front end makes of a failure, for each code, in this one
/// table: the C interface's status and its name (`account_core.h`), the
/// exit status of `acct`, and how the sync engine treats a queued operation
/// that failed with it. A new code is one new row: the compiler lists the
/// switch below, and a test walks every code through all four.
package struct FailureTraits: Hashable, Sendable {
    /// The `AC_ERR_` status `ac_call` returns.
    package let status: Int32
    /// Its name, as `ac_status_name` gives it.
    package let statusName: String
    /// `acct`'s exit status: 1 refused, 4 unreachable, 5 sign-in needed,
    /// 6 storage.
    package let exitStatus: Int32
    /// What a drain does with a queued operation that failed with it.
    package let retry: RetryClass
}

/// How the send queue treats a failed delivery, as matrix-rust-sdk's send
/// queue does.
package enum RetryClass: String, Hashable, Sendable, CaseIterable {
    /// Try again later, with backoff, never before `Retry-After`; what
    /// follows waits behind it.
    case retry
    /// The server refused it: set it aside as failed, go on with the rest.
    case setAside
    /// Pause the queue until a new token comes.
    case waitForToken
    /// Not sent: the token is not its owner's; it waits for them.
    case waitForOwner
    /// Stop the drain; the error goes to the caller.
    case stop
}

extension AccountError.Code {
    /// The one table of what a failure means to each front end.
    package var traits: FailureTraits {
        switch self {
        case .invalidInput: FailureTraits(status: 2, statusName: "AC_ERR_ARGUMENT", exitStatus: 1, retry: .setAside)
        case .network: FailureTraits(status: 3, statusName: "AC_ERR_NETWORK", exitStatus: 4, retry: .retry)
        case .unauthorized: FailureTraits(status: 4, statusName: "AC_ERR_UNAUTHORIZED", exitStatus: 5, retry: .waitForToken)
        case .accountMismatch:
            FailureTraits(status: 4, statusName: "AC_ERR_UNAUTHORIZED", exitStatus: 5, retry: .waitForOwner)
        case .forbidden: FailureTraits(status: 5, statusName: "AC_ERR_FORBIDDEN", exitStatus: 1, retry: .setAside)
        case .notFound: FailureTraits(status: 6, statusName: "AC_ERR_NOT_FOUND", exitStatus: 1, retry: .setAside)
        case .conflict: FailureTraits(status: 7, statusName: "AC_ERR_CONFLICT", exitStatus: 1, retry: .setAside)
        case .rateLimited: FailureTraits(status: 8, statusName: "AC_ERR_RATE_LIMITED", exitStatus: 4, retry: .retry)
        case .server: FailureTraits(status: 9, statusName: "AC_ERR_SERVER", exitStatus: 4, retry: .retry)
        // A 5xx that could not be read is retried (see `AccountError.retry`).
        case .unexpectedResponse:
            FailureTraits(status: 10, statusName: "AC_ERR_UNEXPECTED_RESPONSE", exitStatus: 4, retry: .setAside)
        case .storage: FailureTraits(status: 11, statusName: "AC_ERR_STORAGE", exitStatus: 6, retry: .stop)
        case .unsupported: FailureTraits(status: 12, statusName: "AC_ERR_UNSUPPORTED", exitStatus: 1, retry: .setAside)
        case .internal: FailureTraits(status: 13, statusName: "AC_ERR_INTERNAL", exitStatus: 1, retry: .stop)
        }
    }
}

extension AccountError {
    /// What a drain does with a queued operation that failed with this
    /// error: its code's, but an unreadable answer with a 5xx status is a
    /// server failure, tried again.
    package var retry: RetryClass {
        if case .unexpectedResponse(let status, _) = reason, status >= 500 { return .retry }
        return code.traits.retry
    }
}
