import AccountCore
import FoundationEssentials

/// One request to an emulated back end, with what every back end needs to
/// answer it: the emulator's now, the language, the state transaction.
struct Exchange {
    let request: HTTPRequest
    let now: Instant
    let language: Language
    let state: StateTransaction
    let finalizeNowEnabled: Bool

    /// The body as JSON: `.absent` when empty, `.invalid` when not JSON.
    var body: RequestBody {
        if request.body.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) { return .absent }
        guard let value = JSONValue(parsing: request.body) else { return .invalid }
        return .json(value)
    }

    /// The bearer token of `Authorization`, if there is one.
    var bearerToken: String? {
        guard let header = request.headers["Authorization"] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = String(parts[1].drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
        return token.isEmpty ? nil : token
    }

    /// The user a session token of `backend` belongs to.
    func sessionUser(of backend: EmulatedBackend) throws -> SessionLookup {
        guard let token = bearerToken else { return .noToken }
        guard let (userID, kind) = try state.tokenOwner(token) else { return .invalidToken }
        guard kind == .session else { return .apiKey }
        guard let user = try state.user(id: userID), user.backend == backend else { return .invalidToken }
        return user.isDeleted ? .gone(user) : .user(user)
    }

    /// Answers with the response first given to this `Idempotency-Key` (same
    /// scope, method and path, within 24 hours), or runs `apply` and keeps
    /// its response for the next time the key comes.
    func idempotent(scope: String, _ apply: () throws -> HTTPResponse) throws -> HTTPResponse {
        guard let key = request.headers["Idempotency-Key"], !key.isEmpty else { return try apply() }
        if let stored = try state.storedAnswer(scope: scope, method: request.method, path: request.path, key: key, now: now) {
            var headers = HTTPHeaders()
            if let contentType = stored.contentType { headers.set("Content-Type", contentType) }
            headers.set("Idempotent-Replayed", "true")
            return HTTPResponse(status: stored.status, headers: headers, body: stored.body)
        }
        let response = try apply()
        // A server failure is not an answer to remember: the client should retry.
        if response.status < 500 {
            try state.storeAnswer(StoredAnswer(status: response.status, contentType: response.headers["Content-Type"],
                                               body: response.body),
                                  scope: scope, method: request.method, path: request.path, key: key, now: now)
        }
        return response
    }

    /// Records an applied mutation in the log tests read.
    func logMutation(_ action: String, user: EmulatedUser) throws {
        try state.logMutation(action, user: user, request: request, now: now)
    }
}

/// A request body, as far as JSON goes.
enum RequestBody {
    case absent
    case invalid
    case json(JSONValue)
}

/// Who a bearer token stands for.
enum SessionLookup {
    case noToken
    case invalidToken
    case apiKey
    case gone(EmulatedUser)
    case user(EmulatedUser)
}

extension HTTPResponse {
    /// A JSON response.
    static func json(_ status: Int, _ value: JSONValue, headers: HTTPHeaders = HTTPHeaders()) -> HTTPResponse {
        var headers = headers
        headers.set("Content-Type", "application/json; charset=utf-8")
        return HTTPResponse(status: status, headers: headers, body: value.encoded)
    }
}
