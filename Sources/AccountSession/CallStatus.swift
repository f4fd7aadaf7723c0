import AccountCore

/// The status of a call, numbered as `account_core.h` numbers its `AC_`
/// codes. Append only: numbers are never reused.
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

    /// The status of a failure with `error` (`AccountError.Code.traits`).
    package init(_ error: AccountError) {
        self = CallStatus(rawValue: error.code.traits.status) ?? .internal
    }

    /// `AC_OK`, `AC_ERR_NETWORK`, ...
    package var name: String {
        switch self {
        case .ok: "AC_OK"
        case .queued: "AC_QUEUED"
        default: AccountError.Code.allCases.first { $0.traits.status == rawValue }?.traits.statusName ?? "AC_UNKNOWN"
        }
    }

    /// The first code with this status; nil for `ok` and `queued`.
    package var code: AccountError.Code? {
        AccountError.Code.allCases.first { $0.traits.status == rawValue }
    }
}
