import AccountCore
import FoundationEssentials

/// The emulator's control API under `/__emulator/`, off unless enabled:
/// make users and tokens, move the clock, set the finalize-now flag, read
/// the logs, inject faults; and the web console over it
/// (`/__emulator/console`, `WebConsole`). Its own requests are not logged.
///
/// A web site cannot drive it from the developer's browser:
/// - the server answers only to its own name (`Host` 127.0.0.1:P,
///   localhost:P or [::1]:P, else 421, `HTTPHostCheck`), so a page cannot
///   reach it under a name of its own resolved to loopback (DNS rebinding);
/// - a call whose `Origin` is not the emulator's own is refused with 403;
/// - a call that changes something (any method but GET and HEAD) must be
///   sent with `Content-Type: application/json` (parameters such as
///   `charset` allowed), else 415 and nothing changes: a page of another
///   origin cannot send that type without a CORS preflight, which the
///   emulator never grants.
///
/// In memory (`EmulatorTransport`) the same rules apply but the name one:
/// nothing there is reached by a name.
///
/// | call | body | answer |
/// |---|---|---|
/// | `POST /__emulator/users` | `{"backend", "id"?, "username"?, "email"?, "password"?, "firstName"?, "lastName"?}` | `{"user", "token"}` |
/// | `GET /__emulator/users` | | `{"now", "users": [user + "daysLeft", "canCancel", "nextRenameAllowedAt"]}` |
/// | `GET /__emulator/users/{id}` | | `{"user"}` |
/// | `POST /__emulator/tokens` | `{"userId", "kind"?: "session" or "apiKey"}` | `{"token"}` |
/// | `GET`/`POST /__emulator/clock` | `{"advanceSeconds"}` | `{"now", "offsetSeconds"}` |
/// | `POST /__emulator/deletion-job` | | `{"finalized": [user ids]}` |
/// | `GET`/`PUT /__emulator/flags` | `{"finalizeNow": bool}` | `{"finalizeNow"}` |
/// | `GET /__emulator/mutations?after=SEQ` | | `{"mutations": [...]}`, those after `SEQ` (default: all) |
/// | `GET /__emulator/requests?after=SEQ`, `DELETE` | | `{"requests": [...]}`, those after `SEQ` (default: all) |
/// | `GET`/`POST`/`DELETE /__emulator/faults` | `{"method", "path", "mode", "count"?, "retryAfter"?, "delayMs"?, "status"?}` | `{"faults": [...]}` |
///
/// Every POST, PUT and DELETE above carries `Content-Type: application/json`,
/// also those without a body (`deletion-job`, `DELETE requests`, `DELETE faults`).
struct ControlAPI: Sendable {
    static let prefix = "/__emulator/"

    let state: EmulatorState
    let clock: EmulatorClock
    let faults: FaultBook
    let log: RequestLog

    func handle(_ request: HTTPRequest) -> HTTPResponse {
        if let origin = request.headers["Origin"], origin != "http://" + (request.headers["Host"] ?? "") {
            return failure(403, "a control call from a page of another origin is refused")
        }
        if let page = WebConsole.response(to: request) { return page }
        if request.method != "GET", request.method != "HEAD", !Self.isJSON(request.headers["Content-Type"]) {
            return failure(415, "a control call that changes something is sent with Content-Type: application/json")
        }
        let body = request.body.isEmpty ? JSONValue.object([:]) : JSONValue(parsing: request.body)
        guard let body, body.objectValue != nil else { return failure(400, "the body must be a JSON object") }
        do {
            return try route(request, body)
        } catch let error as ControlError {
            return failure(error.status, error.message)
        } catch {
            return failure(500, String(describing: error))
        }
    }

    /// Whether `contentType` is `application/json`, whatever its parameters
    /// (`; charset=utf-8`) and the case of the type.
    static func isJSON(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        let type = contentType.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)[0]
        return String(type).trimmingHTTPWhitespace().asciiCaseInsensitiveEquals("application/json")
    }

    private func route(_ request: HTTPRequest, _ body: JSONValue) throws -> HTTPResponse {
        let path = String(request.path.dropFirst(Self.prefix.count))
        switch (request.method, path) {
        case ("POST", "users"):
            return .json(201, try createUser(body))
        case ("GET", "users"):
            return .json(200, try usersJSON())
        case ("GET", _) where path.hasPrefix("users/"):
            let id = String(path.dropFirst("users/".count))
            guard let user = try state.transaction({ try $0.user(id: id) }) else { throw ControlError(404, "no user \(id)") }
            return .json(200, ["user": user.json])
        case ("POST", "tokens"):
            guard let userID = body["userId"]?.stringValue else { throw ControlError(400, "userId is required") }
            let kind = try body["kind"].map { value -> TokenKind in
                guard let kind = value.stringValue.flatMap(TokenKind.init(rawValue:)) else {
                    throw ControlError(400, "kind is session or apiKey")
                }
                return kind
            } ?? .session
            let token = try state.transaction { transaction -> String in
                guard try transaction.user(id: userID) != nil else { throw ControlError(404, "no user \(userID)") }
                return try transaction.issueToken(for: userID, kind: kind, at: clock.now())
            }
            return .json(201, ["token": .string(token)])
        case ("GET", "clock"):
            return .json(200, clockJSON)
        case ("POST", "clock"):
            guard let seconds = body["advanceSeconds"].flatMap(Self.number), seconds >= 0 else {
                throw ControlError(400, "advanceSeconds is a number of seconds, not negative")
            }
            let offset = clock.advance(by: seconds)
            try state.transaction { try $0.setSetting(Settings.clockOffset, String(offset)) }
            return .json(200, clockJSON)
        case ("POST", "deletion-job"):
            return .json(200, ["finalized": .array(try runDeletionJob().map(JSONValue.string))])
        case ("GET", "flags"):
            return .json(200, ["finalizeNow": .bool(try finalizeNowEnabled())])
        case ("PUT", "flags"):
            guard let enabled = body["finalizeNow"]?.boolValue else { throw ControlError(400, "finalizeNow is a boolean") }
            try state.transaction { try $0.setSetting(Settings.finalizeNow, enabled ? "true" : "false") }
            return .json(200, ["finalizeNow": .bool(enabled)])
        case ("GET", "mutations"):
            let after = try Self.sequenceNumber(request)
            return .json(200, ["mutations": .array(try state.transaction { try $0.mutations(after: after) })])
        case ("GET", "requests"):
            return .json(200, ["requests": log.json(after: try Self.sequenceNumber(request))])
        case ("DELETE", "requests"):
            log.removeAll()
            return .json(200, ["requests": []])
        case ("GET", "faults"):
            return .json(200, faultsJSON)
        case ("POST", "faults"):
            faults.add(try fault(from: body))
            return .json(201, faultsJSON)
        case ("DELETE", "faults"):
            faults.removeAll()
            return .json(200, faultsJSON)
        default:
            throw ControlError(404, "no control call \(request.method) \(request.path)")
        }
    }

    private func createUser(_ body: JSONValue) throws -> JSONValue {
        guard let backend = body["backend"]?.stringValue.flatMap(EmulatedBackend.init(rawValue:)) else {
            throw ControlError(400, "backend is allmine, mudbase or ovok")
        }
        var username: String?
        if let raw = body["username"]?.stringValue {
            guard let valid = try? Username(validating: raw) else { throw ControlError(400, "username breaks the policy") }
            username = valid.value
        }
        let user = EmulatedUser(
            id: body["id"]?.stringValue ?? UniqueID().description, backend: backend, username: username,
            email: body["email"]?.stringValue, password: body["password"]?.stringValue,
            firstName: body["firstName"]?.stringValue, lastName: body["lastName"]?.stringValue)
        let token = try state.transaction { transaction -> String in
            guard try transaction.user(id: user.id) == nil else { throw ControlError(409, "user \(user.id) exists") }
            if let username, try transaction.usernameTaken(username, backend: backend, exceptUser: user.id) {
                throw ControlError(409, "username \(username) is taken")
            }
            try transaction.insert(user)
            return try transaction.issueToken(for: user.id, kind: .session, at: clock.now())
        }
        return ["user": user.json, "token": .string(token)]
    }

    private func fault(from body: JSONValue) throws -> Fault {
        guard let method = body["method"]?.stringValue, let path = body["path"]?.stringValue,
              let mode = body["mode"]?.stringValue.flatMap(Fault.Mode.init(rawValue:)) else {
            throw ControlError(400, "method, path and mode are required; modes: "
                               + Fault.Mode.allCases.map(\.rawValue).joined(separator: ", "))
        }
        let count = body["count"]?.integerValue ?? 1
        let retryAfter = body["retryAfter"]?.integerValue ?? 1
        let delay = body["delayMs"]?.integerValue ?? 0
        let status = body["status"]?.integerValue ?? 500
        guard (1...100_000).contains(count), (0...86_400).contains(retryAfter), (0...600_000).contains(delay),
              (400...599).contains(status) else {
            throw ControlError(400, "count 1 to 100000, retryAfter 0 to 86400, delayMs 0 to 600000, status 400 to 599")
        }
        return Fault(method: method.uppercased(), path: path, mode: mode, remaining: Int(count),
                     retryAfter: Int(retryAfter), delayMilliseconds: Int(delay), status: Int(status))
    }

    /// Carries out every pending deletion whose instant has passed, as a
    /// real server's periodic job does. Until it runs, a due deletion stays
    /// pending with no days left and a late cancel is refused (409).
    private func runDeletionJob() throws -> [String] {
        let now = clock.now()
        return try state.transaction { transaction in
            var finalized: [String] = []
            for user in try transaction.allUsers() where !user.isDeleted {
                let advanced = user.advanced(to: now)
                guard advanced.isDeleted else { continue }
                try transaction.save(advanced)
                if user.backend != .ovok { try transaction.revokeTokens(of: user.id) }
                finalized.append(user.id)
            }
            return finalized
        }
    }

    /// Every user, with what the console shows of each at the emulator's now:
    /// the days left before a pending deletion, whether a cancel is still in
    /// time, when a rename is allowed again.
    private func usersJSON() throws -> JSONValue {
        let now = clock.now()
        let users = try state.transaction { try $0.allUsers() }
            .sorted { ($0.backend.rawValue, $0.id) < ($1.backend.rawValue, $1.id) }
        return ["now": .string(ISO8601.format(now)), "users": .array(users.map { user in
            guard case .object(var members) = user.json else { return user.json }
            members["daysLeft"] = user.deletion.state == .pending
                ? user.deletion.remainingDays(at: now).map { .integer(Int64($0)) } ?? .null : .null
            members["canCancel"] = .bool(user.deletion.canCancel(at: now))
            members["nextRenameAllowedAt"] = .instant(UsernameCooldown(lastChangedAt: user.usernameChangedAt).nextChangeAllowedAt)
            return .object(members)
        })]
    }

    /// The `after` of a log's query: a sequence number, 0 when absent.
    private static func sequenceNumber(_ request: HTTPRequest) throws -> Int {
        guard let text = request.queryValue("after") else { return 0 }
        guard let after = Int(text), after >= 0 else { throw ControlError(400, "after is a sequence number, not negative") }
        return after
    }

    private func finalizeNowEnabled() throws -> Bool {
        try state.transaction { try $0.setting(Settings.finalizeNow) } != "false"
    }

    private var clockJSON: JSONValue {
        ["now": .string(ISO8601.format(clock.now())), "offsetSeconds": .number(clock.offsetSeconds)]
    }

    private var faultsJSON: JSONValue {
        ["faults": .array(faults.pending.map { fault in
            ["method": .string(fault.method), "path": .string(fault.path), "mode": .string(fault.mode.rawValue),
             "remaining": .integer(Int64(fault.remaining)), "retryAfter": .integer(Int64(fault.retryAfter)),
             "delayMs": .integer(Int64(fault.delayMilliseconds))]
        })]
    }

    private func failure(_ status: Int, _ message: String) -> HTTPResponse {
        .json(status, ["error": .string(message)])
    }

    private static func number(_ value: JSONValue) -> Double? {
        switch value {
        case .integer(let number): Double(number)
        case .number(let number) where number.isFinite: number
        default: nil
        }
    }
}

/// A control call that cannot be done, with the status to answer.
struct ControlError: Error {
    let status: Int
    let message: String

    init(_ status: Int, _ message: String) {
        self.status = status
        self.message = message
    }
}
