
/// The one error AccountCore's public API throws.
///
/// A UI switches on `code` (stable strings, never renamed) or on `reason`;
/// `detail` keeps what the server or the system said, for support and logs,
/// and is never the message shown to a person. Rich internal errors (SQLite
/// and curl codes) are turned into this type in one place,
/// `AccountError.init(mapping:)`.
public struct AccountError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, with what a UI needs to act on it.
    public enum Reason: Hashable, Sendable {
        /// The input was refused before anything was sent.
        case invalidInput(InputProblem)
        /// The token is missing, expired or revoked (HTTP 401).
        case unauthorized
        /// The server refuses this user the operation (HTTP 403).
        case forbidden
        /// The thing acted on does not exist (HTTP 404).
        case notFound
        /// The operation clashes with the account's current state (HTTP 409).
        case conflict
        /// Too many requests; try again after `retryAfter` seconds when given (HTTP 429).
        case rateLimited(retryAfter: Int?)
        /// The server failed (HTTP 5xx, and other unexpected error statuses).
        case server(status: Int)
        /// The server could not be reached, or the exchange broke off.
        case network
        /// The answer could not be read: keeps the status and the first 200 bytes.
        case unexpectedResponse(status: Int, bodyPrefix: String)
        /// The local store failed.
        case storage(StorageProblem)
        /// The back end does not offer this operation.
        case unsupported
        /// The token is another user's than the one signed in (the server
        /// said so), or the sign-in changed under the call: nothing was
        /// sent. Signing in again resolves it.
        case accountMismatch
        /// A failure nobody expected: a bug in the library (`detail` says
        /// what), to be reported.
        case `internal`
    }

    /// Stable codes a UI can branch on; their raw values never change.
    public enum Code: String, Hashable, Sendable, CaseIterable {
        case invalidInput, unauthorized, forbidden, notFound, conflict, rateLimited,
             server, network, unexpectedResponse, storage, unsupported, accountMismatch, `internal`
    }

    /// What went wrong.
    public let reason: Reason
    /// What the server or the system said, kept for support; may be nil.
    public let detail: String?
    /// Seconds the server asked to wait before trying again (`Retry-After`,
    /// on 429 and 503 alike); nil when it said nothing.
    public let retryAfter: Int?
    /// The request failed before any byte could reach the server (the
    /// connection was refused, the host did not resolve, no route): what it
    /// carried was certainly not applied. A timeout or a broken connection
    /// is not this: bytes may have left.
    let notSent: Bool

    /// Creates an error.
    public init(_ reason: Reason, detail: String? = nil, retryAfter: Int? = nil) {
        self.init(reason, detail: detail, retryAfter: retryAfter, notSent: false)
    }

    init(_ reason: Reason, detail: String? = nil, retryAfter: Int? = nil, notSent: Bool) {
        self.reason = reason
        self.detail = detail
        self.notSent = notSent
        if case .rateLimited(let seconds) = reason, retryAfter == nil {
            self.retryAfter = seconds
        } else {
            self.retryAfter = retryAfter
        }
    }

    /// Offline, for an operation that is never queued (finalize, erase, a
    /// cancel by logging in): it fails at once rather than fire later, unseen.
    public static let offlineNotQueued = AccountError(.network, detail: "offline: this operation is never queued")

    /// The stable code of `reason`.
    public var code: Code {
        switch reason {
        case .invalidInput: .invalidInput
        case .unauthorized: .unauthorized
        case .forbidden: .forbidden
        case .notFound: .notFound
        case .conflict: .conflict
        case .rateLimited: .rateLimited
        case .server: .server
        case .network: .network
        case .unexpectedResponse: .unexpectedResponse
        case .storage: .storage
        case .unsupported: .unsupported
        case .accountMismatch: .accountMismatch
        case .internal: .internal
        }
    }

    /// The HTTP status the error came with, when it came from a server.
    public var httpStatus: Int? {
        switch reason {
        case .unauthorized: 401
        case .forbidden: 403
        case .notFound: 404
        case .conflict: 409
        case .rateLimited: 429
        case .server(let status), .unexpectedResponse(let status, _): status
        default: nil
        }
    }

    public var description: String {
        var text = "AccountError.\(code.rawValue)(\(reason))"
        if let detail { text += ": \(detail)" }
        return text
    }
}
