/// What a GDPR erasure did at once, as the server reported it (Mudbase's
/// `details`). Each is nil when the server did not say.
public struct ErasureDetails: Hashable, Sendable {
    /// The account's personal data was anonymized.
    public var dataAnonymized: Bool?
    /// Its API keys were deactivated.
    public var apiKeysDeactivated: Bool?
    /// Its sessions were deleted: every token of the user is now refused.
    public var sessionsDeleted: Bool?
    /// The account was disabled.
    public var accountDisabled: Bool?

    /// Creates details.
    public init(dataAnonymized: Bool? = nil, apiKeysDeactivated: Bool? = nil, sessionsDeleted: Bool? = nil,
                accountDisabled: Bool? = nil) {
        self.dataAnonymized = dataAnonymized
        self.apiKeysDeactivated = apiKeysDeactivated
        self.sessionsDeleted = sessionsDeleted
        self.accountDisabled = accountDisabled
    }
}
