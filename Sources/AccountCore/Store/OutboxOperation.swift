
/// Something the user did that waits in the outbox for the server.
///
/// It is written with its idempotency key before any request leaves, so a
/// resend after a lost answer carries the same key and is applied once.
public struct OutboxOperation: Hashable, Sendable, Identifiable {
    /// Where the operation stands.
    public enum State: String, Hashable, Sendable, CaseIterable {
        /// Waiting to be sent.
        case queued
        /// A request is on its way.
        case sending
        /// The server refused it; kept, with the reason, for the user to see.
        case failed
        /// A cancel that could not reach the server before its deadline.
        case missed
    }

    /// The operation's id.
    public let id: UniqueID
    /// Whose it is: the person who made it, and the only one it is ever
    /// sent as.
    public internal(set) var account: AccountID
    /// The credential it was made under; nil in rows of earlier stores.
    var credential: CredentialFingerprint?
    /// The environment it was made in: it is only ever sent to a server of
    /// that environment; under another it is held.
    public internal(set) var environment: ServerEnvironment
    /// Sent as `Idempotency-Key` with every attempt.
    public let idempotencyKey: UniqueID
    /// What to do.
    public let payload: OperationPayload
    /// When the user did it.
    public let createdAt: Instant
    /// How many times it was tried.
    public var attempts: Int
    /// How many of `attempts` failed before any byte could reach the server
    /// (connection refused, the host did not resolve, no route). While every
    /// attempt is such, the operation was never sent: it may still cancel out.
    public var attemptsNotSent: Int
    /// Not to be sent before this instant by the automatic timer (the
    /// backoff after a failure); a sync the user asks for goes sooner. On
    /// the device's clock, as the wait is the device's.
    public var nextAttemptAt: Instant?
    /// Not to be sent before this instant at all: the server's
    /// `Retry-After`, counted from when the device received it.
    public var notBefore: Instant?
    /// Why the last attempt failed.
    public var lastError: String?
    /// Where it stands.
    public var state: State
    /// The deletion request it belongs to (a cancel, or the request itself).
    public var deletionRequestID: String?
    /// The instant it must reach the server by (a cancel's canCancelUntil).
    public var deadline: Instant?

    /// Creates a queued operation with fresh ids.
    public init(
        account: AccountID, payload: OperationPayload, createdAt: Instant,
        deletionRequestID: String? = nil, deadline: Instant? = nil,
        id: UniqueID = UniqueID(), idempotencyKey: UniqueID = UniqueID(),
        environment: ServerEnvironment = .production
    ) {
        self.id = id
        self.environment = environment
        self.account = account
        self.credential = nil
        self.idempotencyKey = idempotencyKey
        self.payload = payload
        self.createdAt = createdAt
        self.attempts = 0
        self.attemptsNotSent = 0
        self.nextAttemptAt = nil
        self.notBefore = nil
        self.lastError = nil
        self.state = .queued
        self.deletionRequestID = deletionRequestID
        self.deadline = deadline
    }

    /// The kind of operation, named as the C interface's `ac_call` names it.
    public var kind: OperationKind { payload.kind }

    /// Whether a request for it may have reached the server: an attempt
    /// that was not refused before sending (a timeout, a broken connection,
    /// an answer). Such an operation may be applied already.
    public var mayHaveBeenSent: Bool { attempts > attemptsNotSent }
}

/// The operations the core performs, by their `ac_call` names.
public enum OperationKind: String, Hashable, Sendable, CaseIterable {
    case requestDeletion
    case cancelDeletion
    case finalizeDeletion
    case erase
    case changeUsername

    /// Whether the operation may wait in the outbox while offline. An
    /// irreversible act (finalize, erase) must never fire later, unseen.
    public var isQueueable: Bool {
        switch self {
        case .requestDeletion, .cancelDeletion, .changeUsername: true
        case .finalizeDeletion, .erase: false
        }
    }
}

/// The queued form of a `BackendOperation`, made from it (`init(_:)`) and
/// turned back into it to be sent (`backendOperation`): what the outbox
/// keeps of a request, a cancel or a rename. Its narrower type is the
/// rule: never a password or a token (a cancel by login has no queued
/// form), never an irreversible act (finalize, erase).
public enum OperationPayload: Hashable, Sendable {
    /// Request a deletion; `days` and `wipe` where the back end has them.
    case requestDeletion(reason: String?, days: Int?, wipe: Bool?)
    /// Cancel the pending deletion.
    case cancelDeletion
    /// Change the username.
    case changeUsername(Username)

    /// The kind of operation.
    public var kind: OperationKind {
        switch self {
        case .requestDeletion: .requestDeletion
        case .cancelDeletion: .cancelDeletion
        case .changeUsername: .changeUsername
        }
    }
}

extension OperationPayload {
    /// The queueable form of `operation`; nil for what is never queued.
    init?(_ operation: BackendOperation) {
        switch operation {
        case .requestDeletion(let reason, let days, let wipe): self = .requestDeletion(reason: reason, days: days, wipe: wipe)
        case .cancelDeletion(nil): self = .cancelDeletion
        case .changeUsername(let name):
            // Validated before it is queued; a name that is not is not queued.
            guard let username = try? Username(validating: name) else { return nil }
            self = .changeUsername(username)
        case .cancelDeletion, .profile, .stats, .deletionStatus, .finalizeDeletion, .erase: return nil
        }
    }

    /// The operation to send.
    var backendOperation: BackendOperation {
        switch self {
        case .requestDeletion(let reason, let days, let wipe): .requestDeletion(reason: reason, days: days, wipe: wipe)
        case .cancelDeletion: .cancelDeletion(credentials: nil)
        case .changeUsername(let username): .changeUsername(username.value)
        }
    }
}

/// An outbox row this build cannot read: an operation written by a newer
/// version (a kind or payload it does not know), or a damaged row. It is
/// set aside: kept in the file as it is, never sent, listed by the outbox,
/// and removed only by a sign-out that discards. Every other operation is
/// sent and reported as if it were not there.
public struct UnreadableOperation: Hashable, Sendable {
    /// The row's id as stored (a UUID, unless the row is damaged there).
    public let id: String
    /// Whose it is.
    public let account: AccountID
    /// The operation's kind as stored, which this build may not know.
    public let kind: String
    /// When it was made, as the row says.
    public let createdAt: Instant?
    /// Its place in the outbox (`seq`), which names the row whatever its
    /// other columns hold (an id of the wrong type included).
    let sequence: Int64
    /// The environment it was made in, as stored.
    let environment: String

    init(id: String, account: AccountID, kind: String, createdAt: Instant?, sequence: Int64, environment: String) {
        self.environment = environment
        self.id = id
        self.account = account
        self.kind = kind
        self.createdAt = createdAt
        self.sequence = sequence
    }
}
