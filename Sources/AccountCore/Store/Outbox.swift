import SQLiteDB

extension AccountStore {
    /// The operations of `account` still in the outbox, in the order the user
    /// made them.
    public func outbox(for account: AccountID) throws(AccountError) -> [OutboxOperation] {
        try read { database in try database.outboxOperations(for: account) }
    }

    /// Every operation in the outbox, whoever owns it, in the order they
    /// were made.
    public func outboxOfEveryone() throws(AccountError) -> [OutboxOperation] {
        try read { database in try database.outboxOperations(for: nil) }
    }

    /// Writes `operations` to the outbox in one durable transaction: all of
    /// them, or none (an import, a migration of another queue).
    package func enqueue(contentsOf operations: [OutboxOperation]) throws(AccountError) {
        try write { database in
            for operation in operations { try database.insertOutbox(operation) }
        }
    }

    /// Writes `operation` to the outbox, as it is (no coalescing: that is the
    /// sync engine's). When this returns, it is on disk.
    package func enqueue(_ operation: OutboxOperation) throws(AccountError) {
        try write { database in try database.insertOutbox(operation) }
    }
}

extension Database {
    private static let outboxColumns = """
        id, account, idempotency_key, payload, created_at, attempts, next_attempt_at,
        last_error, state, deletion_request_id, deadline, credential, not_before
        """

    func insertOutbox(_ operation: OutboxOperation) throws {
        try execute("""
            INSERT INTO outbox (\(Self.outboxColumns), kind)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [operation.id.uuidString, operation.account.rawValue, operation.idempotencyKey.uuidString,
                  StoreJSON.text(operation.payload.storedJSON), operation.createdAt.millisecondsSince1970,
                  operation.attempts, operation.nextAttemptAt?.millisecondsSince1970, operation.lastError,
                  operation.state.rawValue, operation.deletionRequestID, operation.deadline?.millisecondsSince1970,
                  operation.credential?.rawValue, operation.notBefore?.millisecondsSince1970,
                  operation.kind.rawValue])
    }

    /// Saves the mutable fields of `operation` (attempts, schedule, error, state).
    func updateOutbox(_ operation: OutboxOperation) throws {
        try execute("""
            UPDATE outbox SET attempts = ?, next_attempt_at = ?, not_before = ?, last_error = ?, state = ?,
                              deletion_request_id = ?, deadline = ?
            WHERE id = ?
            """, [operation.attempts, operation.nextAttemptAt?.millisecondsSince1970,
                  operation.notBefore?.millisecondsSince1970, operation.lastError,
                  operation.state.rawValue, operation.deletionRequestID, operation.deadline?.millisecondsSince1970,
                  operation.id.uuidString])
    }

    /// Forgets the backoff of `account`'s queued operations (the network came
    /// back); a server's `Retry-After` stays.
    func resetBackoff(for account: AccountID) throws {
        try execute("UPDATE outbox SET next_attempt_at = NULL WHERE account = ? AND state = 'queued'",
                    [account.rawValue])
    }

    /// Removes the operation with `id`; true when there was one.
    @discardableResult
    func deleteOutbox(id: UniqueID) throws -> Bool {
        try execute("DELETE FROM outbox WHERE id = ?", [id.uuidString])
        return changes > 0
    }

    /// The first queued operation of `account`, the only one a drain needs:
    /// reading the whole outbox for each send would make a drain quadratic.
    func nextQueued(for account: AccountID) throws -> OutboxOperation? {
        try nextQueued(for: account, limit: 1).first
    }

    /// The first `limit` queued operations of `account` that are not in
    /// `skipping` (those a drain has on their way already), oldest first.
    func nextQueued(for account: AccountID, limit: Int, skipping: Set<UniqueID> = []) throws -> [OutboxOperation] {
        try query("SELECT \(Self.outboxColumns) FROM outbox WHERE account = ? AND state = 'queued' ORDER BY seq LIMIT ?",
                  [account.rawValue, skipping.count + limit], row: Self.outboxOperation)
            .lazy.filter { !skipping.contains($0.id) }.prefix(limit).map { $0 }
    }

    /// The operation with `id`, whoever owns it; nil once it left the outbox.
    func outboxOperation(id: UniqueID) throws -> OutboxOperation? {
        try query("SELECT \(Self.outboxColumns) FROM outbox WHERE id = ?", [id.uuidString], row: Self.outboxOperation).first
    }

    /// How many operations of `account` are queued.
    func queuedCount(for account: AccountID) throws -> Int {
        try outboxCounts(for: account).queued
    }

    /// How many operations of `account` are in each state, from the tally
    /// the outbox's triggers keep (schema version 4): one row per state.
    func outboxCounts(for account: AccountID) throws -> OutboxCounts {
        var counts = OutboxCounts()
        _ = try query("SELECT state, count FROM outbox_tally WHERE account = ?", [account.rawValue]) { row in
            let count = Int(row.int64(1))
            switch OutboxOperation.State(rawValue: row.text(0)) {
            case .queued?, .sending?: counts.queued += count
            case .failed?: counts.failed += count
            case .missed?: counts.missed += count
            case nil: throw StoreRecordError(table: "outbox_tally")
            }
        }
        return counts
    }

    /// The first `limit` queued operations of `kind` of `account` (nil: all
    /// of them), oldest first (`newestFirst`: the last ones, newest first),
    /// by index: what the status and coalescing need, without reading the
    /// rest of the queue.
    func queued(_ kind: OperationKind, for account: AccountID, limit: Int?,
                newestFirst: Bool = false) throws -> [OutboxOperation] {
        let order = newestFirst ? "DESC" : "ASC"
        return try query("""
            SELECT \(Self.outboxColumns) FROM outbox
            WHERE account = ? AND kind = ? AND state = 'queued' ORDER BY seq \(order) LIMIT ?
            """, [account.rawValue, kind.rawValue, limit ?? -1], row: Self.outboxOperation)
    }

    /// The operations of `account`, or of everyone when nil, oldest first.
    func outboxOperations(for account: AccountID?) throws -> [OutboxOperation] {
        guard let account else {
            return try query("SELECT \(Self.outboxColumns) FROM outbox ORDER BY seq", row: Self.outboxOperation)
        }
        return try query("SELECT \(Self.outboxColumns) FROM outbox WHERE account = ? ORDER BY seq",
                         [account.rawValue], row: Self.outboxOperation)
    }

    private static func outboxOperation(_ row: Row) throws -> OutboxOperation {
        guard let id = UniqueID(uuidString: row.text(0)),
              let key = UniqueID(uuidString: row.text(2)),
              let payload = StoreJSON.value(row.text(3)).flatMap(OperationPayload.init(storedJSON:)),
              let state = OutboxOperation.State(rawValue: row.text(8)) else {
            throw StoreRecordError(table: "outbox")
        }
        var operation = OutboxOperation(
            account: AccountID(rawValue: row.text(1)),
            payload: payload,
            createdAt: Instant(millisecondsSince1970: row.int64(4)),
            deletionRequestID: row.optionalText(9),
            deadline: row.optionalInt64(10).map(Instant.init(millisecondsSince1970:)),
            id: id, idempotencyKey: key)
        operation.attempts = Int(row.int64(5))
        operation.nextAttemptAt = row.optionalInt64(6).map(Instant.init(millisecondsSince1970:))
        operation.lastError = row.optionalText(7)
        operation.state = state
        operation.credential = row.optionalText(11).map(CredentialFingerprint.init(rawValue:))
        operation.notBefore = row.optionalInt64(12).map(Instant.init(millisecondsSince1970:))
        return operation
    }
}
