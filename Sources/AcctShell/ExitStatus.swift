import AccountCore
import AccountSession

/// `acct`'s exit statuses.
enum ExitStatus: Int32 {
    /// Done.
    case done = 0
    /// Refused, by the core's validation or by the server (400, 403, 404, 409, 422).
    case refused = 1
    /// A usage error: unknown command or option, a bad option value.
    case usage = 2
    /// Queued for later.
    case queued = 3
    /// The server could not be reached, and nothing was queued.
    case unreachable = 4
    /// Authentication needed (401), or the token is another user's.
    case authentication = 5
    /// The store failed.
    case storage = 6

    /// A call's answer: queued when it waits in the outbox. A sync's: done
    /// when nothing remains; sign-in needed when a 401 or a token of another
    /// user holds the rest; otherwise queued (the rest waits, and it said why).
    init(_ result: CallResult) {
        switch result {
        case .queued:
            self = .queued
        case .synced(let report) where report.remaining > 0:
            self = switch report.holdup {
            case .paused(.authenticationRequired)?, .paused(.accountMismatch)?: .authentication
            default: .queued
            }
        default:
            self = .done
        }
    }

    /// A failed call's, by its status (`CallStatus(error)`): the one table
    /// from a failure to acct's exit status.
    init(_ status: CallStatus) {
        self = switch status {
        case .ok: .done
        case .queued: .queued
        case .argument, .forbidden, .notFound, .conflict, .unsupported, .internal: .refused
        case .network, .rateLimited, .server, .unexpectedResponse: .unreachable
        case .unauthorized: .authentication
        case .storage: .storage
        }
    }
}
