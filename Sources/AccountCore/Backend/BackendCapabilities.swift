/// What a back end can do, so the core refuses the rest before any request
/// leaves, and a UI shows only what works.
public struct BackendCapabilities: Hashable, Sendable {
    /// A profile can be read.
    public var profile: Bool
    /// Stats can be read.
    public var stats: Bool
    /// The server answers the deletion status (otherwise it comes from the cache).
    public var deletionStatus: Bool
    /// A deletion can be requested (or scheduled).
    public var requestDeletion: Bool
    /// How a pending deletion is cancelled.
    public var cancellation: CancellationRoute
    /// A pending deletion can be finalized at once.
    public var finalizeNow: Bool
    /// The username can be changed.
    public var rename: Bool
    /// A GDPR erasure can be requested.
    public var erase: Bool
    /// The days a requested deletion may be scheduled after, when the user chooses.
    public var customDays: ClosedRange<Int>?
    /// A deletion can wipe the account's data too.
    public var wipe: Bool
    /// Days from a request to the deletion when the user chooses none, as
    /// far as the back end documents it; used to show a queued request.
    public var gracePeriodDays: Int?
    /// Whether the account is locked while a deletion is pending.
    public var locksAccount: Bool

    /// Creates capabilities; everything off unless given.
    public init(profile: Bool = false, stats: Bool = false, deletionStatus: Bool = false,
                requestDeletion: Bool = false, cancellation: CancellationRoute = .notCancellable,
                finalizeNow: Bool = false, rename: Bool = false, erase: Bool = false,
                customDays: ClosedRange<Int>? = nil, wipe: Bool = false, gracePeriodDays: Int? = nil,
                locksAccount: Bool = false) {
        self.profile = profile
        self.stats = stats
        self.deletionStatus = deletionStatus
        self.requestDeletion = requestDeletion
        self.cancellation = cancellation
        self.finalizeNow = finalizeNow
        self.rename = rename
        self.erase = erase
        self.customDays = customDays
        self.wipe = wipe
        self.gracePeriodDays = gracePeriodDays
        self.locksAccount = locksAccount
    }

    /// Whether the back end offers `kind`, an operation that changes data
    /// on the server.
    public func offers(_ kind: OperationKind) -> Bool {
        switch kind {
        case .requestDeletion: requestDeletion
        case .cancelDeletion: cancellation != .notCancellable
        case .finalizeDeletion: finalizeNow
        case .erase: erase
        case .changeUsername: rename
        }
    }

    /// Whether `operation` can be asked of this back end at all.
    public func allows(_ operation: BackendOperation) -> Bool {
        switch operation {
        case .profile: profile
        case .stats: stats
        case .deletionStatus: deletionStatus
        case .requestDeletion: requestDeletion
        case .cancelDeletion: cancellation != .notCancellable
        case .finalizeDeletion: finalizeNow
        case .erase: erase
        case .changeUsername: rename
        }
    }
}
