
/// The status the user should see: the server's last word with what they
/// queued laid over it. A queued request reads as pending from when it was
/// made; a queued cancel leaves the status pending (the cancel is shown
/// beside it, with its deadline) until the server confirms it.
enum OptimisticStatus {
    static func apply(_ queue: [OutboxOperation], to server: DeletionStatus,
                      capabilities: BackendCapabilities) -> DeletionStatus {
        var status = server
        for operation in queue where operation.state == .queued {
            guard case .requestDeletion(_, let days, let wipe) = operation.payload,
                  let graceDays = days ?? capabilities.gracePeriodDays,
                  let requested = try? status.requestingDeletion(
                      id: nil, at: operation.createdAt,
                      terms: DeletionTerms(graceDays: graceDays, cancellation: capabilities.cancellation,
                                           locksAccount: capabilities.locksAccount),
                      wipesData: wipe ?? false) else { continue }
            status = requested
        }
        return status
    }
}
