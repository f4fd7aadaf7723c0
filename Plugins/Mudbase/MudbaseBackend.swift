import AccountCore

/// Mudbase: GDPR Article 17 erasure with the typed confirmation, carried out
/// after 7 days and not cancellable through the API. Needs the user's own
/// session: an API key is refused by the server.
public struct MudbaseBackend: AccountBackend {
    /// Days from an erasure request to the deletion.
    public static let graceDays = 7

    /// Creates the plugin.
    public init() {}

    public var name: String { "mudbase" }

    public var capabilities: BackendCapabilities {
        BackendCapabilities(cancellation: .notCancellable, erase: true, gracePeriodDays: Self.graceDays, locksAccount: true)
    }

    public func request(for operation: BackendOperation, context: BackendContext) throws(AccountError) -> BackendRequest {
        guard case .erase(let confirmation, let reason) = operation else { throw AccountError(.unsupported) }
        return BackendRequest(method: "POST", path: "/api/users/me/erase",
                              body: JSONBody(["confirmation": .string(confirmation),
                                              "reason": reason.map(JSONBodyValue.string)]))
    }

    public func decodeSuccess(_ response: BackendResponse, for operation: BackendOperation,
                              context: BackendContext) throws(AccountError) -> BackendOutcome {
        guard case .erase = operation else { throw AccountError(.unsupported) }
        guard let json = response.json, json.objectValue != nil else { throw .unreadable(response) }
        let details = json["details"]
        guard details == nil || details?.isNull == true || details?.objectValue != nil else { throw .unreadable(response) }
        let scheduled = details?["scheduledForDeletion"]?.instantValue
            ?? context.now.adding(seconds: Double(Self.graceDays) * 86_400)
        let erasure = details?.objectValue.map { _ in
            ErasureDetails(dataAnonymized: details?["dataAnonymized"]?.boolValue,
                           apiKeysDeactivated: details?["apiKeysDeactivated"]?.boolValue,
                           sessionsDeleted: details?["sessionsDeleted"]?.boolValue,
                           accountDisabled: details?["accountDisabled"]?.boolValue)
        }
        return BackendOutcome(deletion: DeletionStatus(
            state: .pending, requestedAt: context.now, scheduledFor: scheduled, isLocked: true,
            cancellation: .notCancellable), erasure: erasure)
    }

    public func serverMessage(in response: BackendResponse) -> String? {
        response.json?["error"]?.stringValue
    }

    /// An API key (a token starting `mb_`) never goes to erase: erasure needs
    /// the user's own session, and a key sent there would only leak it.
    public func accepts(token: String, for operation: BackendOperation) -> Bool {
        if case .erase = operation { return !token.hasPrefix("mb_") }
        return true
    }
}
