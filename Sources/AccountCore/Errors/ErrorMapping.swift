import SQLiteDB
import Libc

extension AccountError {
    /// Turns any error raised inside the core into the public error.
    ///
    /// The one place where internal errors (SQLite result codes, file system
    /// errors, domain rule violations) become public codes, so that every
    /// caller reports the same failure the same way.
    init(mapping error: any Error) {
        switch error {
        case let error as AccountError:
            self = error
        case let problem as InputProblem:
            self.init(.invalidInput(problem))
        case let problem as UsernameProblem:
            self.init(.invalidInput(.username(problem)))
        case let violation as DeletionRuleViolation:
            self.init(Self.reason(for: violation))
        case let error as SQLiteError:
            self.init(.storage(Self.storageProblem(for: error)), detail: error.description)
        case let error as NewerSchemaError:
            self.init(.storage(.newerSchema(found: error.found, supported: error.supported)),
                      detail: "schema version \(error.found), this build knows up to \(error.supported)")
        case let failure as TransportFailure:
            // The transport's own text is the detail: it never holds a header or a body.
            self.init(.network, detail: failure.detail)
        case let error as FileSystemError:
            self.init(.storage(Self.storageProblem(forErrno: error.errno)), detail: error.description)
        case let fault as StoreFault:
            self.init(.storage(fault == .fileRemoved ? .fileRemoved : .journalLost))
        case let error as ForeignSchemaError:
            self.init(error.missing ? .storage(.damaged) : .storage(.foreignSchema(type: error.type, name: error.name)),
                      detail: error.description)
        case let error as StoreRecordError:
            self.init(.storage(.unreadableRecord), detail: error.description)
        case is DecodingError, is EncodingError:
            self.init(.storage(.unreadableRecord), detail: String(describing: error))
        default:
            // Nobody expected it: a bug, reported as such rather than as
            // something the user could act on.
            self.init(.internal, detail: String(describing: error))
        }
    }

    /// The error for a non-2xx answer: its status decides the code, the
    /// server's own text (when its body has the back end's error shape) is
    /// kept as detail, and a body that is neither empty nor that shape (an
    /// HTML page from a proxy) is an unexpected response.
    static func forStatus(_ response: BackendResponse, serverMessage: String?) -> AccountError {
        let status = response.status
        let retryAfter = response.headers["retry-after"].flatMap { Int($0) }.map { max(0, $0) }
        if serverMessage == nil, !response.body.isEmpty, !(300..<400).contains(status) {
            let unreadable = AccountError.unreadable(response)
            return AccountError(unreadable.reason, retryAfter: retryAfter)
        }
        let reason: Reason = switch status {
        case 401: .unauthorized
        case 403: .forbidden
        case 404: .notFound
        case 409: .conflict
        case 429: .rateLimited(retryAfter: retryAfter)
        case 300..<400: .unexpectedResponse(status: status, bodyPrefix: bodyPrefix(response.body))
        case 400..<500: .invalidInput(.rejectedByServer(status: status))
        default: .server(status: status)
        }
        return AccountError(reason, detail: serverMessage, retryAfter: retryAfter)
    }

    /// The error for an answer that cannot be read: it keeps the status and
    /// the first 200 bytes of the body.
    public static func unreadable(_ response: BackendResponse) -> AccountError {
        AccountError(.unexpectedResponse(status: response.status, bodyPrefix: bodyPrefix(response.body)))
    }

    private static func bodyPrefix(_ body: [UInt8]) -> String {
        String(decoding: body.prefix(200), as: UTF8.self)
    }

    private static func reason(for violation: DeletionRuleViolation) -> Reason {
        switch violation {
        case .alreadyPending, .cancelDeadlinePassed: .conflict
        case .nothingPending, .alreadyFinalized: .notFound
        case .notCancellable: .unsupported
        }
    }

    private static func storageProblem(for error: SQLiteError) -> StorageProblem {
        switch error.failure {
        case .notADatabase: .notADatabase
        case .damaged: .damaged
        case .readOnly: .readOnly
        // The errno tells a read-only directory from a missing one.
        case .cannotOpen(let errno): errno == 0 ? .cannotOpen : storageProblem(forErrno: errno)
        case .full: .full
        case .busy: .busy
        case .ioFailure: .ioFailure
        }
    }

    private static func storageProblem(forErrno code: Int32) -> StorageProblem {
        switch code {
        case ENOENT, ENOTDIR: .directoryMissing
        case EACCES, EPERM, EROFS: .readOnly
        case ENOSPC, EDQUOT: .full
        default: .cannotOpen
        }
    }
}
