import AccountCore
import FoundationEssentials

/// Ovok, under `/auth`: `DELETE /auth/delete` schedules the deletion after N
/// days (1 to 365) with an optional wipe; `POST /auth/login` signs in and
/// aborts a scheduled deletion. Errors are `{"statusCode": …, "message": …}`.
struct OvokBackend {
    static func handles(_ path: String) -> Bool { path.hasPrefix("/auth/") }

    func respond(_ exchange: Exchange) throws -> HTTPResponse {
        switch (exchange.request.method, exchange.request.path) {
        case ("DELETE", "/auth/delete"): try scheduleDeletion(exchange)
        case ("POST", "/auth/login"): try exchange.idempotent(scope: "login") { try login(exchange) }
        default: error(404, .resourceNotFound, exchange)
        }
    }

    private func scheduleDeletion(_ exchange: Exchange) throws -> HTTPResponse {
        let user: EmulatedUser
        switch try exchange.sessionUser(of: .ovok) {
        case .user(let found): user = found
        case .gone: return error(404, .userNotFound, exchange)
        case .noToken, .invalidToken, .apiKey: return error(401, .authenticationRequired, exchange)
        }
        return try exchange.idempotent(scope: user.id) {
            var days = ScheduledDeletion.defaultDays
            var wipe = false
            switch exchange.body {
            case .absent: break
            case .invalid: return error(400, .bodyNotJSON, exchange)
            case .json(let body):
                guard body.objectValue != nil else { return error(400, .bodyNotJSON, exchange) }
                if let value = body["days"], !value.isNull {
                    guard let number = value.integerValue, let whole = Int(exactly: number) else {
                        return error(422, .daysOutOfRange, exchange)
                    }
                    days = whole
                }
                if let value = body["wipe"], !value.isNull {
                    guard let flag = value.boolValue else { return error(422, .wipeNotBoolean, exchange) }
                    wipe = flag
                }
            }
            guard let plan = try? ScheduledDeletion(days: days, wipe: wipe) else {
                return error(422, .daysOutOfRange, exchange)
            }
            // A new schedule replaces a pending one: the seed documents no conflict.
            let start = user.deletion.state == .pending ? DeletionStatus.none : user.deletion
            var updated = user
            updated.deletion = try start.requestingDeletion(
                id: UniqueID().description, at: exchange.now,
                terms: DeletionTerms(graceDays: plan.days, cancellation: .login, locksAccount: false),
                wipesData: plan.wipe)
            try exchange.state.save(updated)
            try exchange.logMutation("scheduleDeletion", user: updated)
            return .json(200, ["scheduled": .instant(updated.deletion.scheduledFor), "user": resource(updated, exchange.now)])
        }
    }

    private func login(_ exchange: Exchange) throws -> HTTPResponse {
        guard case .json(let body) = exchange.body,
              let email = body["email"]?.stringValue, let password = body["password"]?.stringValue else {
            return error(422, .credentialsRequired, exchange)
        }
        guard var user = try exchange.state.user(email: email, backend: .ovok), !user.isDeleted,
              user.passwordHash == SHA256.hex(password) else {
            return error(401, .invalidCredentials, exchange)
        }
        var aborted = false
        if user.deletion.state == .pending, let cancelled = try? user.deletion.cancelling(at: exchange.now) {
            user.deletion = cancelled
            aborted = true
            try exchange.logMutation("abortDeletion", user: user)
        }
        if aborted { try exchange.state.save(user) }
        let token = try exchange.state.issueToken(for: user.id, kind: .session, at: exchange.now)
        return .json(200, ["accessToken": .string(token), "expiresIn": 3600, "deletionAborted": .bool(aborted)])
    }

    private func resource(_ user: EmulatedUser, _ now: Instant) -> JSONValue {
        [
            "resourceType": "User", "id": .string(user.id), "firstName": .string(user.firstName),
            "lastName": .string(user.lastName), "email": .string(user.email),
            "project": ["reference": "Project/f6f4da8d-93e8-8a08-220e-03b7810451d3", "display": "My Medical Project"],
            "meta": ["versionId": .string(UniqueID().description), "lastUpdated": .instant(now)],
        ]
    }

    func error(_ status: Int, _ text: ServerText, _ exchange: Exchange) -> HTTPResponse {
        Self.errorBody(status, text.text(in: exchange.language))
    }

    static func errorBody(_ status: Int, _ message: String, headers: HTTPHeaders = HTTPHeaders()) -> HTTPResponse {
        .json(status, ["statusCode": .integer(Int64(status)), "message": .string(message)], headers: headers)
    }
}
