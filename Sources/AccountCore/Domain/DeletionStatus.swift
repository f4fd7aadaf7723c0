
/// Where an account's deletion stands: `none → pending → cancelled | finalized`.
///
/// One model for the three kinds of deletion the core knows: a deletion with
/// a grace period that the API can cancel, a GDPR erasure that it cannot, and
/// a deletion scheduled after N days that logging in cancels.
public struct DeletionStatus: Hashable, Sendable {
    /// The states of the lifecycle.
    public enum State: String, Hashable, Sendable, CaseIterable {
        /// No deletion was requested (or the last one was cancelled long ago).
        case none
        /// A deletion is waiting for its scheduled instant.
        case pending
        /// The pending deletion was cancelled.
        case cancelled
        /// The account was deleted.
        case finalized
    }

    /// The state.
    public var state: State
    /// The id of the deletion request, when known.
    public var requestID: String?
    /// When the deletion was requested.
    public var requestedAt: Instant?
    /// When the account will be deleted.
    public var scheduledFor: Instant?
    /// The last instant a cancel is accepted (inclusive).
    public var canCancelUntil: Instant?
    /// When the account was deleted, once it was.
    public var finalizedAt: Instant?
    /// Whether the account is locked meanwhile.
    public var isLocked: Bool
    /// How a pending deletion can be cancelled.
    public var cancellation: CancellationRoute
    /// Whether data is wiped with the account (scheduled deletion's `wipe`).
    public var wipesData: Bool

    /// Creates a status.
    public init(
        state: State,
        requestID: String? = nil,
        requestedAt: Instant? = nil,
        scheduledFor: Instant? = nil,
        canCancelUntil: Instant? = nil,
        finalizedAt: Instant? = nil,
        isLocked: Bool = false,
        cancellation: CancellationRoute = .api,
        wipesData: Bool = false
    ) {
        self.state = state
        self.requestID = requestID
        self.requestedAt = requestedAt
        self.scheduledFor = scheduledFor
        self.canCancelUntil = canCancelUntil
        self.finalizedAt = finalizedAt
        self.isLocked = isLocked
        self.cancellation = cancellation
        self.wipesData = wipesData
    }

    /// Nothing requested: no instants, not locked.
    public static let none = DeletionStatus(state: .none)

    /// Whole days until `scheduledFor`, rounded up, never below 0:
    /// `ceil((scheduledFor − now) / 86 400 s)`. Nil when nothing is scheduled.
    public func remainingDays(at now: Instant) -> Int? {
        guard let scheduledFor else { return nil }
        let left = scheduledFor.millisecondsSince1970 - now.millisecondsSince1970
        guard left > 0 else { return 0 }
        return Int((left + millisecondsPerDay - 1) / millisecondsPerDay)
    }

    /// Whether a cancel made at `now` is in time: the deletion is pending, can
    /// be cancelled at all, and `now` is no later than `canCancelUntil`.
    public func canCancel(at now: Instant) -> Bool {
        guard state == .pending, cancellation != .notCancellable, let canCancelUntil else { return false }
        return now.millisecondsSince1970 <= canCancelUntil.millisecondsSince1970
    }
}

/// How a pending deletion is cancelled.
public enum CancellationRoute: String, Hashable, Sendable, CaseIterable {
    /// By a cancel request to the API.
    case api
    /// By logging in to the account again.
    case login
    /// Not at all through the API (a GDPR erasure).
    case notCancellable
}
