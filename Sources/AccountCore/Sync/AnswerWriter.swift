import POSIXThread

/// A server's answer to one queued operation, to be written with the
/// operation's removal from the outbox.
struct DrainAnswer: Sendable {
    /// The operation, with the owner the server named.
    var operation: OutboxOperation
    /// What the server said.
    var outcome: BackendOutcome
    /// Its HTTP status (a cancel answered 404 is done too).
    var httpStatus: Int
}

/// Writes a drain's answers durably, in the order they came, while the
/// drain goes on sending (group commit): the answers that arrive while one
/// transaction commits are written together in the next, so the drain goes
/// at the pace of the network while the disk keeps up, and never runs more
/// than `limit` answers ahead of it.
///
/// Used by one drain at a time, from its task.
final class AnswerWriter {
    /// Writes one batch, in order, in one durable transaction.
    typealias Write = @Sendable ([DrainAnswer]) -> Result<Void, AccountError>

    private let limit: Int
    private let write: Write
    /// Answers not yet handed to a transaction.
    private var waiting: [DrainAnswer] = []
    /// The transaction under way: its answers, its task, and whether it ended.
    private var writing: (batch: [DrainAnswer], task: Task<Result<Void, AccountError>, Never>, ended: LockedValue<Bool>)?
    /// The answers on disk, in order.
    private(set) var written: [DrainAnswer] = []

    /// A writer that keeps at most `limit` answers unwritten.
    init(limit: Int, write: @escaping Write) {
        self.limit = limit
        self.write = write
    }

    /// Answers not yet on disk: their operations are still queued.
    var unwritten: Int { waiting.count + (writing?.batch.count ?? 0) }

    /// Hands `answer` over: written at once when the disk is free, with
    /// the next batch otherwise; waits for the disk only when `limit`
    /// answers are unwritten. Throws the failure of an earlier write.
    func add(_ answer: DrainAnswer) async throws(AccountError) {
        waiting.append(answer)
        if let writing, !writing.ended.withLock({ $0 }), unwritten < limit { return }
        try await collect()
        start()
    }

    /// Writes everything handed over and returns once it is on disk.
    func finish() async throws(AccountError) {
        try await collect()
        start()
        try await collect()
    }

    /// Waits for a transaction under way and forgets what waits: after a
    /// failure, what was not written stays queued and is sent again.
    func abandon() async {
        _ = try? await collect()
        waiting = []
    }

    private func start() {
        guard writing == nil, !waiting.isEmpty else { return }
        let batch = waiting, write = write, ended = LockedValue(false)
        waiting = []
        // On the pool, not on the drain's thread (the transport's, which
        // sends meanwhile).
        writing = (batch, Task(executorPreference: globalConcurrentExecutor) {
            let result = write(batch)
            ended.withLock { $0 = true }
            return result
        }, ended)
    }

    /// Waits for the transaction under way, if any, and takes its result.
    private func collect() async throws(AccountError) {
        guard let current = writing else { return }
        writing = nil
        switch await current.task.value {
        case .success: written += current.batch
        case .failure(let error): throw error
        }
    }
}
