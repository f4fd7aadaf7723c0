/// What a user can ask a back end to do: the one spelling of an operation.
///
/// A front end's call wraps it (`Call.operation`); its name and arguments as
/// `ac_call` spells them are `OperationArguments.swift`; what a mutation is
/// called in the outbox and the audit trail is its `kind`, and its queued
/// form (`OperationPayload`) is made from it. Input is kept as the user gave
/// it and checked in one place before anything is sent or queued
/// (`AccountClient.validated(_:)`), so a refusal is audited like any other.
public enum BackendOperation: Hashable, Sendable {
    /// Read the profile.
    case profile
    /// Read the stats.
    case stats
    /// Read the deletion status (`ac_call`'s `status`: the session answers
    /// it from the store when the server need not or cannot be asked).
    case deletionStatus
    /// Request a deletion; `days` and `wipe` where the back end has them.
    case requestDeletion(reason: String?, days: Int?, wipe: Bool?)
    /// Cancel the pending deletion; `credentials` where cancelling means logging in.
    case cancelDeletion(credentials: LoginCredentials?)
    /// Carry out the pending deletion now.
    case finalizeDeletion
    /// GDPR erasure, with the typed confirmation.
    case erase(confirmation: String, reason: String?)
    /// Change the username to the one given (checked and its ASCII capitals
    /// folded before it is sent: `Username`).
    case changeUsername(String)

    /// Whether the operation changes the account (and so carries an
    /// `Idempotency-Key` and is recorded in the audit trail).
    public var kind: OperationKind? {
        switch self {
        case .profile, .stats, .deletionStatus: nil
        case .requestDeletion: .requestDeletion
        case .cancelDeletion: .cancelDeletion
        case .finalizeDeletion: .finalizeDeletion
        case .erase: .erase
        case .changeUsername: .changeUsername
        }
    }
}

/// An e-mail address and password, for back ends that cancel a deletion by
/// logging in. Held in memory for one request; never stored or logged.
public struct LoginCredentials: Hashable, Sendable, CustomStringConvertible {
    /// The e-mail address.
    public let email: String
    /// The password.
    public let password: String

    /// Creates credentials.
    public init(email: String, password: String) {
        self.email = email
        self.password = password
    }

    /// Never shows the password.
    public var description: String { "LoginCredentials(\(email), password: [redacted])" }
}
