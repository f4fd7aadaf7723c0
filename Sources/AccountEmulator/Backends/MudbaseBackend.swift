import AccountCore
import FoundationEssentials

/// Mudbase: GDPR Article 17 erasure at `POST /api/users/me/erase`, with a
/// confirmation phrase and a 7-day grace that the API cannot cancel. No
/// envelope; errors are `{"error": …, "statusCode": …}`.
struct MudbaseBackend {
    static let terms = DeletionTerms(graceDays: 7, cancellation: .notCancellable, locksAccount: true)

    static func handles(_ path: String) -> Bool { path.hasPrefix("/api/") && !path.hasPrefix("/api/v1/") }

    func respond(_ exchange: Exchange) throws -> HTTPResponse {
        let request = exchange.request
        guard request.path == "/api/users/me/erase", request.method == "POST" else {
            return error(404, .resourceNotFound, exchange)
        }
        // An API key, in its header or as a bearer token, is refused: erasure
        // needs the user's own session.
        if request.headers["X-API-Key"] != nil || exchange.bearerToken?.hasPrefix("mb_") == true {
            return error(401, .apiKeyNotAccepted, exchange)
        }
        guard case .user(let user) = try exchange.sessionUser(of: .mudbase) else {
            return error(401, .authenticationRequired, exchange)
        }
        return try exchange.idempotent(scope: user.id) { try erase(user, exchange) }
    }

    private func erase(_ user: EmulatedUser, _ exchange: Exchange) throws -> HTTPResponse {
        guard case .json(let body) = exchange.body,
              let confirmation = body["confirmation"]?.stringValue, ErasureConfirmation.accepts(confirmation) else {
            return error(400, .confirmationRequired, exchange)
        }
        let reason = body["reason"]
        guard reason == nil || reason?.isNull == true || reason?.stringValue != nil,
              (try? DeletionReason.validate(reason?.stringValue)) != nil else {
            return error(400, .validationFailed, exchange)
        }
        var updated = user
        // A second erase of an account already being erased keeps the first schedule.
        if user.deletion.state != .pending {
            updated.deletion = (try? user.deletion.requestingDeletion(id: nil, at: exchange.now, terms: Self.terms)) ?? user.deletion
        }
        try exchange.state.save(updated)
        try exchange.state.revokeTokens(of: user.id)
        try exchange.logMutation("erase", user: updated)
        return .json(200, [
            "message": "Account erasure initiated",
            "details": [
                "dataAnonymized": true, "apiKeysDeactivated": true, "sessionsDeleted": true, "accountDisabled": true,
                "scheduledForDeletion": .string(updated.deletion.scheduledFor.map { ISO8601.format($0, milliseconds: false) }),
            ],
        ])
    }

    func error(_ status: Int, _ text: ServerText, _ exchange: Exchange) -> HTTPResponse {
        Self.errorBody(status, text.text(in: exchange.language))
    }

    static func errorBody(_ status: Int, _ message: String, headers: HTTPHeaders = HTTPHeaders()) -> HTTPResponse {
        .json(status, ["error": .string(message), "statusCode": .integer(Int64(status))], headers: headers)
    }
}
