import SQLiteDB
import Libc

extension AccountError {
    /// Turns any error raised inside the core into the public error.
    ///
    /// The one place where internal errors (SQLite result codes, file system
    /// errors, domain rule violations) become public codes, so that every
    /// caller reports the same failure the same way. A detail says which of
    /// the store's files failed (`StoreFileRole`), never its path: a path
    /// names the user on a phone and ends up in crash reports, so what the
    /// system said passes through `withoutPaths` too.
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
            self.init(.storage(Self.storageProblem(for: error)), detail: Self.withoutPaths(error.description))
        case let error as NewerSchemaError:
            self.init(.storage(.newerSchema(found: error.found, supported: error.supported)),
                      detail: "schema version \(error.found), this build knows up to \(error.supported)")
        case let failure as TransportFailure:
            // The transport's own text is the detail: it never holds a header or a body.
            // Only a connection never made is known not to have carried
            // the request: a timeout, a TLS failure after connecting or a
            // broken connection may have.
            self.init(.network, detail: failure.detail, notSent: failure.kind == .noConnection)
        case let error as FileSystemError:
            self.init(.storage(Self.storageProblem(forErrno: error.errno)), detail: error.description)
        case StoreFault.fileRemoved:
            self.init(.storage(.fileRemoved), detail: "\(StoreFileRole.store.rawValue) was deleted or replaced while open")
        case StoreFault.journalLost:
            self.init(.storage(.journalLost),
                      detail: "\(StoreFileRole.journal.rawValue) was removed while it held committed transactions")
        case let error as ForeignSchemaError:
            self.init(error.missing ? .storage(.damaged) : .storage(.foreignSchema(type: error.type, name: error.name)),
                      detail: error.description)
        case let error as StoreRecordError:
            self.init(.storage(.unreadableRecord), detail: error.description)
        case is DecodingError, is EncodingError:
            self.init(.storage(.unreadableRecord), detail: Self.withoutPaths(String(describing: error)))
        default:
            // Nobody expected it: a bug, reported as such rather than as
            // something the user could act on.
            self.init(.internal, detail: Self.withoutPaths(String(describing: error)))
        }
    }

    /// `text` with every absolute path in it (a run from a `/` that starts
    /// a word, up to a space, quote, bracket or comma) replaced by
    /// "<path>": for what SQLite or the system said, which the core does
    /// not write itself.
    static func withoutPaths(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        var result = String.UnicodeScalarView()
        var index = 0
        func ends(_ scalar: Unicode.Scalar) -> Bool {
            scalar.properties.isWhitespace || "\"'`()[]{}<>,;".unicodeScalars.contains(scalar)
        }
        while index < scalars.count {
            let scalar = scalars[index]
            let startsWord = index == 0 || ends(scalars[index - 1]) || scalars[index - 1] == "=" || scalars[index - 1] == ":"
            let next = index + 1 < scalars.count ? scalars[index + 1] : " "
            let pathLike = next.properties.isAlphabetic || next.properties.numericType != nil
                || "._~-".unicodeScalars.contains(next)
            guard scalar == "/", startsWord, pathLike else {
                result.append(scalar)
                index += 1
                continue
            }
            result.append(contentsOf: "<path>".unicodeScalars)
            while index < scalars.count, !ends(scalars[index]) { index += 1 }
        }
        return String(result)
    }

    /// The error for a non-2xx answer, for every back end: its status
    /// decides the code, the server's own text (when its body has the back
    /// end's error shape) is kept as detail, and a body that is neither
    /// empty nor that shape (an HTML page from a proxy) is an unexpected
    /// response. A 3xx is an unexpected response too, whose detail names
    /// its `Location`: no transport follows a redirect (the token must not
    /// go to another address), so nothing the 3xx points to is trusted.
    static func forStatus(_ response: BackendResponse, serverMessage: String?) -> AccountError {
        let status = response.status
        if (300..<400).contains(status) {
            let location = response.headers["location"].map(Self.inert)
            return AccountError(.unexpectedResponse(status: status, bodyPrefix: bodyPrefix(response.body)),
                                detail: location.map { "a redirect to \($0), not followed" }
                                    ?? "a redirect without a Location, not followed")
        }
        let retryAfter = response.headers["retry-after"].flatMap { Int($0) }.map { max(0, $0) }
        if serverMessage == nil, !response.body.isEmpty {
            let unreadable = AccountError.unreadable(response)
            return AccountError(unreadable.reason, retryAfter: retryAfter)
        }
        let reason: Reason = switch status {
        case 401: .unauthorized
        case 403: .forbidden
        case 404: .notFound
        case 409: .conflict
        case 429: .rateLimited(retryAfter: retryAfter)
        case 400..<500: .invalidInput(.rejectedByServer(status: status))
        default: .server(status: status)
        }
        return AccountError(reason, detail: serverMessage, retryAfter: retryAfter)
    }

    /// The error for an answer that cannot be read: it keeps the status and
    /// the first 200 bytes of the body.
    package static func unreadable(_ response: BackendResponse) -> AccountError {
        AccountError(.unexpectedResponse(status: response.status, bodyPrefix: bodyPrefix(response.body)))
    }

    private static func bodyPrefix(_ body: [UInt8]) -> String {
        String(decoding: body.prefix(200), as: UTF8.self)
    }

    /// The most Unicode scalars of a server's text (a `Location`) kept in a detail.
    static let maxQuotedCharacters = 200

    /// `text` made safe to keep and show: without control or format
    /// characters (no line breaks, escapes or bidirectional overrides), at
    /// most `maxQuotedCharacters` Unicode scalars, "…" where it was cut.
    static func inert(_ text: String) -> String {
        var kept = String.UnicodeScalarView()
        var count = 0
        for scalar in text.unicodeScalars {
            switch scalar.properties.generalCategory {
            case .control, .format, .lineSeparator, .paragraphSeparator: continue
            default: break
            }
            guard count < maxQuotedCharacters else { return String(kept) + "…" }
            kept.append(scalar)
            count += 1
        }
        return String(kept)
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
