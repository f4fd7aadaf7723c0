import AccountCore
import FoundationEssentials

/// Allmine, under `/api/v1`: deletion with a 28-day grace period, cancel,
/// finalize now, username change once per 30 days. Every answer is wrapped
/// in the envelope; the optional `X-…` headers are validated.
struct AllmineBackend {
    static let terms = DeletionTerms(graceDays: 28, cancellation: .api, locksAccount: true)

    static func handles(_ path: String) -> Bool { path.hasPrefix("/api/v1/") }

    func respond(_ exchange: Exchange) throws -> HTTPResponse {
        let request = exchange.request
        guard Self.headersAreValid(request.headers) else { return error(400, .validationFailed, exchange) }
        let route = (request.method, request.path)
        let known = ["/api/v1/users/me", "/api/v1/users/me/stats", "/api/v1/users/me/account-deletion",
                     "/api/v1/users/me/account-deletion/finalize-now", "/api/v1/users/username"]
        guard known.contains(request.path) else { return error(404, .resourceNotFound, exchange) }

        let user: EmulatedUser
        switch try exchange.sessionUser(of: .allmine) {
        case .user(let found): user = found
        // After finalize the user no longer exists: its tokens get 401.
        case .noToken, .invalidToken, .apiKey, .gone: return error(401, .authenticationRequired, exchange)
        }

        switch route {
        case ("GET", "/api/v1/users/me"):
            return success(profile(user), exchange)
        case ("GET", "/api/v1/users/me/stats"):
            return success(["followersCount": .integer(Int64(user.followers)),
                            "followingCount": .integer(Int64(user.following)),
                            "liveStreamCount": .integer(Int64(user.liveStreams))], exchange)
        case ("GET", "/api/v1/users/me/account-deletion"):
            return success(Self.status(user.deletion, now: exchange.now), exchange)
        case ("POST", "/api/v1/users/me/account-deletion"):
            return try exchange.idempotent(scope: user.id) { try requestDeletion(user, exchange) }
        case ("DELETE", "/api/v1/users/me/account-deletion"):
            return try exchange.idempotent(scope: user.id) { try cancelDeletion(user, exchange) }
        case ("POST", "/api/v1/users/me/account-deletion/finalize-now"):
            return try exchange.idempotent(scope: user.id) { try finalizeNow(user, exchange) }
        case ("PATCH", "/api/v1/users/username"):
            return try exchange.idempotent(scope: user.id) { try changeUsername(user, exchange) }
        default:
            return error(404, .resourceNotFound, exchange)
        }
    }

    private func requestDeletion(_ user: EmulatedUser, _ exchange: Exchange) throws -> HTTPResponse {
        var reason: String?
        switch exchange.body {
        case .absent: break
        case .invalid: return error(400, .validationFailed, exchange)
        case .json(let body):
            guard body.objectValue != nil else { return error(400, .validationFailed, exchange) }
            if let value = body["reason"], !value.isNull {
                guard let text = value.stringValue else { return error(400, .validationFailed, exchange) }
                reason = text
            }
        }
        do {
            try DeletionReason.validate(reason)
        } catch {
            return self.error(400, .validationFailed, exchange)
        }
        var updated = user
        do {
            updated.deletion = try user.deletion.requestingDeletion(id: UniqueID().description, at: exchange.now, terms: Self.terms)
        } catch {
            return self.error(409, .conflict, exchange)
        }
        try exchange.state.save(updated)
        try exchange.logMutation("requestDeletion", user: updated)
        return success(Self.status(updated.deletion, now: exchange.now), exchange)
    }

    private func cancelDeletion(_ user: EmulatedUser, _ exchange: Exchange) throws -> HTTPResponse {
        var updated = user
        do {
            updated.deletion = try user.deletion.cancelling(at: exchange.now)
        } catch .cancelDeadlinePassed {
            return error(409, .conflict, exchange)
        } catch {
            return self.error(404, .resourceNotFound, exchange)
        }
        try exchange.state.save(updated)
        try exchange.logMutation("cancelDeletion", user: updated)
        return success(Self.status(updated.deletion, now: exchange.now), exchange)
    }

    private func finalizeNow(_ user: EmulatedUser, _ exchange: Exchange) throws -> HTTPResponse {
        guard exchange.finalizeNowEnabled else {
            return error(403, .insufficientPermissions, exchange)
        }
        var updated = user
        do {
            updated.deletion = try user.deletion.finalizing(at: exchange.now)
        } catch {
            return self.error(404, .resourceNotFound, exchange)
        }
        updated.isDeleted = true
        try exchange.state.save(updated)
        try exchange.state.revokeTokens(of: user.id)
        try exchange.logMutation("finalizeDeletion", user: updated)
        return success(["userId": .string(user.id), "status": "finalized",
                        "finalizedAt": .instant(exchange.now)], exchange)
    }

    private func changeUsername(_ user: EmulatedUser, _ exchange: Exchange) throws -> HTTPResponse {
        guard case .json(let body) = exchange.body, let raw = body["newUsername"]?.stringValue else {
            return error(400, .validationFailed, exchange)
        }
        let username: Username
        do {
            username = try Username(validating: raw)
        } catch {
            return self.error(400, .validationFailed, exchange)
        }
        guard username.value != user.username else {
            return error(400, .validationFailed, exchange)
        }
        guard !user.deletion.isLocked else { return error(409, .conflict, exchange) }
        let cooldown = UsernameCooldown(lastChangedAt: user.usernameChangedAt)
        guard cooldown.allowsChange(at: exchange.now) else {
            return error(409, .conflict, exchange)
        }
        guard try !exchange.state.usernameTaken(username.value, backend: .allmine, exceptUser: user.id) else {
            return error(409, .conflict, exchange)
        }
        var updated = user
        updated.username = username.value
        updated.usernameChangedAt = exchange.now
        try exchange.state.save(updated)
        try exchange.logMutation("changeUsername", user: updated)
        return success(["success": true, "oldUsername": .string(user.username), "newUsername": .string(username.value),
                        "nextChangeAllowedAt": .instant(UsernameCooldown(lastChangedAt: exchange.now).nextChangeAllowedAt)],
                       exchange)
    }

    private func profile(_ user: EmulatedUser) -> JSONValue {
        ["id": .string(user.id), "username": .string(user.username), "isLocked": .bool(user.deletion.isLocked),
         "usernameChangedAt": .instant(user.usernameChangedAt),
         "nextUsernameChangeAllowedAt": .instant(UsernameCooldown(lastChangedAt: user.usernameChangedAt).nextChangeAllowedAt)]
    }

    /// The deletion status object of the contract.
    static func status(_ deletion: DeletionStatus, now: Instant) -> JSONValue {
        let showsInstants = deletion.state != .none
        return [
            "status": .string(deletion.state.rawValue),
            "requestedAt": .instant(showsInstants ? deletion.requestedAt : nil),
            "scheduledFor": .instant(showsInstants ? deletion.scheduledFor : nil),
            "canCancelUntil": .instant(deletion.state == .pending ? deletion.canCancelUntil : nil),
            "remainingDays": .integer(deletion.state == .pending ? deletion.remainingDays(at: now) : nil),
            "isLocked": .bool(deletion.state == .pending && deletion.isLocked),
        ]
    }

    // MARK: Envelope

    private func success(_ data: JSONValue, _ exchange: Exchange) -> HTTPResponse {
        .json(200, ["isSuccess": true, "statusCode": 200, "data": data, "errors": [],
                    "timestamp": .instant(exchange.now)])
    }

    func error(_ status: Int, _ text: ServerText, _ exchange: Exchange) -> HTTPResponse {
        Self.envelopedError(status, text.text(in: exchange.language), now: exchange.now)
    }

    static func envelopedError(_ status: Int, _ message: String, now: Instant, headers: HTTPHeaders = HTTPHeaders()) -> HTTPResponse {
        .json(status, ["isSuccess": false, "statusCode": .integer(Int64(status)), "data": nil,
                       "errors": [.string(message)], "timestamp": .instant(now)], headers: headers)
    }

    // MARK: Headers

    /// Whether the optional `X-Language`, `X-Timezone` and `X-Platform`
    /// headers, where present, hold values of the contract's lists.
    static func headersAreValid(_ headers: HTTPHeaders) -> Bool {
        headers["X-Language"].map { Language(rawValue: $0) != nil } ?? true
            && headers["X-Timezone"].map { UTCOffset($0)?.isServerAccepted == true } ?? true
            && headers["X-Platform"].map { ClientPlatform(rawValue: $0) != nil } ?? true
    }
}
