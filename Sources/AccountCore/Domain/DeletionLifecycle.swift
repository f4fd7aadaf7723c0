
/// The terms a back end grants a deletion: how long before it happens, how it
/// is cancelled, and whether the account is locked meanwhile.
package struct DeletionTerms: Hashable, Sendable {
    /// Days from the request to the deletion.
    public var graceDays: Int
    /// How the deletion is cancelled.
    public var cancellation: CancellationRoute
    /// Whether the account is locked while the deletion is pending.
    public var locksAccount: Bool

    /// Creates terms.
    public init(graceDays: Int, cancellation: CancellationRoute, locksAccount: Bool) {
        self.graceDays = graceDays
        self.cancellation = cancellation
        self.locksAccount = locksAccount
    }
}

/// A transition the lifecycle does not allow from the current state.
package enum DeletionRuleViolation: Error, Hashable, Sendable {
    /// A deletion is already pending.
    case alreadyPending
    /// There is no pending deletion to cancel or finalize.
    case nothingPending
    /// The cancel came after `canCancelUntil`.
    case cancelDeadlinePassed
    /// This deletion cannot be cancelled through the API.
    case notCancellable
    /// The account is already deleted.
    case alreadyFinalized
}

extension DeletionStatus {
    /// The status after a deletion is requested at `now` on `terms`.
    package func requestingDeletion(
        id: String?, at now: Instant, terms: DeletionTerms, wipesData: Bool = false
    ) throws(DeletionRuleViolation) -> DeletionStatus {
        switch state {
        case .pending: throw .alreadyPending
        case .finalized: throw .alreadyFinalized
        case .none, .cancelled: break
        }
        let scheduled = Instant(millisecondsSince1970: now.millisecondsSince1970 + Int64(terms.graceDays) * millisecondsPerDay)
        return DeletionStatus(
            state: .pending,
            requestID: id,
            requestedAt: now,
            scheduledFor: scheduled,
            canCancelUntil: terms.cancellation == .notCancellable ? nil : scheduled,
            isLocked: terms.locksAccount,
            cancellation: terms.cancellation,
            wipesData: wipesData
        )
    }

    /// The status after a cancel at `now`.
    package func cancelling(at now: Instant) throws(DeletionRuleViolation) -> DeletionStatus {
        switch state {
        case .none, .cancelled: throw .nothingPending
        case .finalized: throw .alreadyFinalized
        case .pending: break
        }
        if cancellation == .notCancellable { throw .notCancellable }
        guard canCancel(at: now) else { throw .cancelDeadlinePassed }
        var next = self
        next.state = .cancelled
        next.isLocked = false
        return next
    }

    /// The status after the pending deletion is carried out at `now`, early
    /// or on schedule.
    package func finalizing(at now: Instant) throws(DeletionRuleViolation) -> DeletionStatus {
        switch state {
        case .none, .cancelled: throw .nothingPending
        case .finalized: throw .alreadyFinalized
        case .pending: break
        }
        var next = self
        next.state = .finalized
        next.finalizedAt = now
        next.canCancelUntil = nil
        return next
    }

    /// The status as time passes: a pending deletion whose instant has passed
    /// is finalized. At the instant itself it is still pending, since a cancel
    /// at `canCancelUntil` is still in time.
    package func advanced(to now: Instant) -> DeletionStatus {
        guard state == .pending, let scheduledFor,
              now.millisecondsSince1970 > scheduledFor.millisecondsSince1970 else { return self }
        var next = self
        next.state = .finalized
        next.finalizedAt = scheduledFor
        next.canCancelUntil = nil
        return next
    }
}
