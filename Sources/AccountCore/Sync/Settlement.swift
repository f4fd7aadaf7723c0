extension Drainer {
    /// Records why `operation` did not go through, under the drain's rule
    /// (`RetryClass`), and says what the drain does next.
    func settle(_ operation: OutboxOperation, after error: AccountError,
                immediate: Bool) throws(AccountError) -> Delivery {
        defer { release(operation) }
        switch error.retry {
        case .retry:
            let retryAfter = error.retryAfter
            var retry = operation
            retry.attempts += 1
            if error.notSent { retry.attemptsNotSent += 1 }
            var generator = SystemRandomNumberGenerator()
            // In whole milliseconds, as the store keeps it, so what the
            // user is told is what the outbox says.
            let failedAt = deviceNow
            let retryAt = Instant(millisecondsSince1970: failedAt.adding(seconds:
                Backoff.delay(afterAttempts: retry.attempts, retryAfter: retryAfter, using: &generator)).millisecondsSince1970)
            retry.nextAttemptAt = retryAt
            retry.notBefore = retryAfter.map {
                Instant(millisecondsSince1970: failedAt.adding(seconds: Double($0)).millisecondsSince1970)
            }
            try outbox.save(retry, after: error, outcome: .failed)
            return .failed(error, .retry, retryAt: retryAt)
        case .setAside where operation.kind == .cancelDeletion && error.reason == .notFound && !immediate:
            // Nothing pending on the server any more (cancelled elsewhere):
            // what the user wanted is true.
            try outbox.complete([DrainAnswer(operation: operation,
                                             outcome: BackendOutcome(deletion: DeletionStatus(state: .cancelled)),
                                             httpStatus: 404)])
            return .synced(BackendOutcome())
        case .setAside:
            var refused = operation
            refused.state = .failed
            refused.attempts += 1
            let failed = try outbox.save(refused, after: error, outcome: .refused)
            if !immediate { broadcaster.emit(.operationFailed(failed, error)) }
            return .failed(error, .setAside, retryAt: nil)
        case .waitForToken:
            state.withLock { $0.pausedForAuthentication = true }
            broadcaster.emit(.syncPaused(.authenticationRequired))
            return .failed(error, .waitForToken, retryAt: nil)
        case .waitForOwner:
            return .failed(error, .waitForOwner, retryAt: nil)
        case .stop:
            throw error
        }
    }
}
