import AccountCore

/// Allmine: deletion with a 28-day grace period, cancel, finalize now,
/// username change once per 30 days, profile and stats. Sends the client's
/// `X-Language`, `X-Timezone`, `X-Platform`, `X-App-Version` and
/// `X-Device-ID`; reads answers with or without the envelope. `GET
/// /users/me` says whose a token is (its `id`), so the core asks it before
/// the first send under a token it has not confirmed.
public struct AllmineBackend: AccountBackend {
    /// Creates the plugin.
    public init() {}

    public var name: String { "allmine" }

    public var capabilities: BackendCapabilities {
        BackendCapabilities(profile: true, stats: true, deletionStatus: true, requestDeletion: true,
                            cancellation: .api, finalizeNow: true, rename: true, gracePeriodDays: 28,
                            locksAccount: true)
    }

    private static let deletionPath = "/api/v1/users/me/account-deletion"

    public func request(for operation: BackendOperation, context: BackendContext) throws(AccountError) -> BackendRequest {
        let headers = Self.headers(context.configuration)
        switch operation {
        case .profile:
            return BackendRequest(method: "GET", path: "/api/v1/users/me", headers: headers)
        case .stats:
            return BackendRequest(method: "GET", path: "/api/v1/users/me/stats", headers: headers)
        case .deletionStatus:
            return BackendRequest(method: "GET", path: Self.deletionPath, headers: headers)
        case .requestDeletion(let reason, _, _):
            return BackendRequest(method: "POST", path: Self.deletionPath, headers: headers,
                                  body: JSONBody(["reason": reason.map(JSONBodyValue.string)]))
        case .cancelDeletion:
            return BackendRequest(method: "DELETE", path: Self.deletionPath, headers: headers)
        case .finalizeDeletion:
            return BackendRequest(method: "POST", path: Self.deletionPath + "/finalize-now", headers: headers)
        case .changeUsername(let username):
            return BackendRequest(method: "PATCH", path: "/api/v1/users/username", headers: headers,
                                  body: JSONBody(["newUsername": .string(username)]))
        case .erase:
            throw AccountError(.unsupported)
        }
    }

    public func decodeSuccess(_ response: BackendResponse, for operation: BackendOperation,
                              context: BackendContext) throws(AccountError) -> BackendOutcome {
        guard let json = response.json else { throw .unreadable(response) }
        // The seeds show some answers bare: take the envelope's data when there is one.
        let data = json["isSuccess"] != nil && json["data"] != nil ? json["data"] ?? .null : json
        switch operation {
        case .profile:
            guard let id = data["id"]?.stringValue else { throw .unreadable(response) }
            return BackendOutcome(profile: AccountProfile(
                id: id, username: data["username"]?.stringValue, isLocked: data["isLocked"]?.boolValue ?? false,
                usernameChangedAt: data["usernameChangedAt"]?.instantValue,
                nextUsernameChangeAllowedAt: data["nextUsernameChangeAllowedAt"]?.instantValue), userID: id)
        case .stats:
            guard let followers = data["followersCount"]?.integerValue, let following = data["followingCount"]?.integerValue,
                  let streams = data["liveStreamCount"]?.integerValue else { throw .unreadable(response) }
            return BackendOutcome(stats: AccountStats(followers: Int(followers), following: Int(following),
                                                      liveStreams: Int(streams)))
        case .deletionStatus, .requestDeletion, .cancelDeletion:
            guard let status = Self.deletionStatus(data) else { throw .unreadable(response) }
            return BackendOutcome(deletion: status)
        case .finalizeDeletion:
            guard data["status"]?.stringValue == "finalized" else { throw .unreadable(response) }
            return BackendOutcome(deletion: DeletionStatus(state: .finalized,
                                                           finalizedAt: data["finalizedAt"]?.instantValue ?? context.now),
                                  userID: data["userId"]?.stringValue)
        case .changeUsername:
            guard let newUsername = data["newUsername"]?.stringValue else { throw .unreadable(response) }
            return BackendOutcome(usernameChange: UsernameChange(
                oldUsername: data["oldUsername"]?.stringValue, newUsername: newUsername,
                nextChangeAllowedAt: data["nextChangeAllowedAt"]?.instantValue))
        case .erase:
            throw AccountError(.unsupported)
        }
    }

    public func serverMessage(in response: BackendResponse) -> String? {
        response.json?["errors"]?.arrayValue?.compactMap(\.stringValue).first
    }

    public func serverTime(in response: BackendResponse) -> Instant? {
        response.json?["timestamp"]?.instantValue
    }

    /// The deletion status object; nil when `status` is missing or unknown.
    static func deletionStatus(_ data: JSONValue) -> DeletionStatus? {
        guard let state = data["status"]?.stringValue.flatMap(DeletionStatus.State.init(rawValue:)) else { return nil }
        return DeletionStatus(
            state: state, requestedAt: data["requestedAt"]?.instantValue,
            scheduledFor: data["scheduledFor"]?.instantValue, canCancelUntil: data["canCancelUntil"]?.instantValue,
            isLocked: data["isLocked"]?.boolValue ?? (state == .pending), cancellation: .api)
    }

    /// The optional headers, from the configuration. Its types admit only the
    /// contract's values; free text was checked for control characters.
    static func headers(_ configuration: ClientConfiguration) -> [String: String] {
        var headers = ["X-Language": configuration.language.rawValue,
                       "X-Platform": configuration.platform.rawValue]
        // An offset the server does not list is left out (its default),
        // never sent to be refused with a 400.
        if configuration.timezone.isServerAccepted { headers["X-Timezone"] = configuration.timezone.description }
        if let version = configuration.appVersion { headers["X-App-Version"] = version }
        if let device = configuration.deviceID { headers["X-Device-ID"] = device }
        return headers
    }
}
