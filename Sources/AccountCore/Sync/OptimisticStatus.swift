/// The status the user should see: the server's last word with what they
/// queued laid over it. A queued request (the first: the server refuses
/// those after it, a deletion being pending) reads as pending from when it
/// was made; a queued cancel leaves the status pending (the cancel is shown
/// beside it, with its deadline) until the server confirms it.
enum OptimisticStatus {
    static func apply(_ request: OutboxOperation?, to server: DeletionStatus,
                      capabilities: BackendCapabilities) -> DeletionStatus {
        guard let request, request.state == .queued,
              case .requestDeletion(_, let days, let wipe) = request.payload,
              let graceDays = days ?? capabilities.gracePeriodDays,
              let requested = try? server.requestingDeletion(
                  id: nil, at: request.createdAt,
                  terms: DeletionTerms(graceDays: graceDays, cancellation: capabilities.cancellation,
                                       locksAccount: capabilities.locksAccount),
                  wipesData: wipe ?? false) else { return server }
        return requested
    }
}
