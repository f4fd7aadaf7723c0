import AccountCore

/// Ovok: deletion scheduled after 1 to 365 days, with an optional wipe of the
/// user's medical data; cancelled by logging in again.
public struct OvokBackend: AccountBackend {
    /// Creates the plugin.
    public init() {}

    public var name: String { "ovok" }

    public var capabilities: BackendCapabilities {
        BackendCapabilities(requestDeletion: true, cancellation: .login, customDays: ScheduledDeletion.allowedDays,
                            wipe: true, gracePeriodDays: ScheduledDeletion.defaultDays)
    }

    public func request(for operation: BackendOperation, context: BackendContext) throws(AccountError) -> BackendRequest {
        switch operation {
        case .requestDeletion(_, let days, let wipe):
            return BackendRequest(method: "DELETE", path: "/auth/delete", body: JSONBody([
                "days": .integer(days ?? ScheduledDeletion.defaultDays), "wipe": .bool(wipe ?? false)]))
        case .cancelDeletion(let credentials):
            guard let credentials else { throw AccountError(.invalidInput(.credentialsRequired)) }
            return BackendRequest(method: "POST", path: "/auth/login",
                                  body: JSONBody(["email": .string(credentials.email),
                                                  "password": .string(credentials.password)]),
                                  authenticated: false)
        default:
            throw AccountError(.unsupported)
        }
    }

    public func decodeSuccess(_ response: BackendResponse, for operation: BackendOperation,
                              context: BackendContext) throws(AccountError) -> BackendOutcome {
        guard let json = response.json, json.objectValue != nil else { throw .unreadable(response) }
        switch operation {
        case .requestDeletion(_, let days, let wipe):
            let days = days ?? ScheduledDeletion.defaultDays
            // `scheduled` is documented as an instant, shown as {}, and read
            // as a flag by some: take the instant, else our clock plus days.
            let scheduled: Instant
            switch json["scheduled"] {
            case .string?:
                guard let instant = json["scheduled"]?.instantValue else { throw .unreadable(response) }
                scheduled = instant
            case .object?, .bool?, nil, .null?:
                scheduled = context.now.adding(seconds: Double(days) * 86_400)
            default:
                throw .unreadable(response)
            }
            let holder = Self.holder(json["user"])
            let profile = holder.map { holder in
                AccountProfile(id: holder.id, displayName: [holder.firstName, holder.lastName].compactMap { $0 }
                                   .joined(separator: " "),
                               email: holder.email)
            }
            return BackendOutcome(deletion: DeletionStatus(
                state: .pending, requestedAt: context.now, scheduledFor: scheduled, canCancelUntil: scheduled,
                cancellation: .login, wipesData: wipe ?? false), profile: profile, userID: holder?.id, holder: holder)
        case .cancelDeletion:
            guard let token = json["accessToken"]?.stringValue else { throw .unreadable(response) }
            let aborted = json["deletionAborted"]?.boolValue ?? false
            return BackendOutcome(deletion: aborted ? DeletionStatus(state: .cancelled, cancellation: .login) : DeletionStatus.none,
                                  freshToken: token)
        default:
            throw AccountError(.unsupported)
        }
    }

    public func serverMessage(in response: BackendResponse) -> String? {
        response.json?["message"]?.stringValue
    }

    /// The `user` of a deletion's answer; nil without an `id`.
    static func holder(_ user: JSONValue?) -> AccountHolder? {
        guard let user, let id = user["id"]?.stringValue else { return nil }
        let project = user["project"].flatMap { project -> AccountHolder.Project? in
            guard project.objectValue != nil else { return nil }
            return AccountHolder.Project(reference: project["reference"]?.stringValue,
                                         display: project["display"]?.stringValue)
        }
        return AccountHolder(id: id, firstName: user["firstName"]?.stringValue, lastName: user["lastName"]?.stringValue,
                             email: user["email"]?.stringValue, project: project)
    }
}
