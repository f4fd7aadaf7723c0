import AccountCore

/// The status of a call, numbered as `account_core.h` numbers its `AC_`
/// codes: `ac_call`'s return value and the front ends' one reading of a
/// failure. Append only: numbers are never reused.
package enum CallStatus: Int32, Sendable, CaseIterable {
    case ok = 0
    case queued = 1
    case argument = 2
    case network = 3
    case unauthorized = 4
    case forbidden = 5
    case notFound = 6
    case conflict = 7
    case rateLimited = 8
    case server = 9
    case unexpectedResponse = 10
    case storage = 11
    case unsupported = 12
    case `internal` = 13

    /// The status of a failure with `error`: the one table from a code to
    /// the C interface's status. A new code is one new row; the compiler
    /// lists this switch.
    package init(_ error: AccountError) {
        self = switch error.code {
        case .invalidInput: .argument
        case .network: .network
        // A token that is another user's needs a sign-in, as a 401 does.
        case .unauthorized, .accountMismatch: .unauthorized
        case .forbidden: .forbidden
        case .notFound: .notFound
        case .conflict: .conflict
        case .rateLimited: .rateLimited
        case .server: .server
        case .unexpectedResponse: .unexpectedResponse
        case .storage: .storage
        case .unsupported: .unsupported
        case .internal: .internal
        }
    }

    /// `AC_OK`, `AC_ERR_NETWORK`, ..., as `ac_status_name` gives it.
    package var name: String {
        switch self {
        case .ok: "AC_OK"
        case .queued: "AC_QUEUED"
        case .argument: "AC_ERR_ARGUMENT"
        case .network: "AC_ERR_NETWORK"
        case .unauthorized: "AC_ERR_UNAUTHORIZED"
        case .forbidden: "AC_ERR_FORBIDDEN"
        case .notFound: "AC_ERR_NOT_FOUND"
        case .conflict: "AC_ERR_CONFLICT"
        case .rateLimited: "AC_ERR_RATE_LIMITED"
        case .server: "AC_ERR_SERVER"
        case .unexpectedResponse: "AC_ERR_UNEXPECTED_RESPONSE"
        case .storage: "AC_ERR_STORAGE"
        case .unsupported: "AC_ERR_UNSUPPORTED"
        case .internal: "AC_ERR_INTERNAL"
        }
    }
}
