import SQLiteDB

extension AccountStore {
    /// The operations of `account` still in the outbox, in the order the user
    /// made them.
    package func outbox(for account: AccountID) throws(AccountError) -> [OutboxOperation] {
        try read { database in try database.outboxOperations(for: account) }
    }

    /// Every operation in the outbox, whoever owns it, in the order they
    /// were made.
    package func outboxOfEveryone() throws(AccountError) -> [OutboxOperation] {
        try read { database in try database.outboxOperations(for: nil) }
    }

    /// The rows of `account`'s outbox (nil: everyone's) that this build
    /// cannot read, set aside: a newer version's operation or a damaged
    /// row, in the order they were made. They are kept as they are and never
    /// sent; `outbox(for:)` leaves them out.
    package func unreadableOutbox(for account: AccountID?) throws(AccountError) -> [UnreadableOperation] {
        try read { database in try database.unreadableOperations(for: account) }
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
        last_error, state, deletion_request_id, deadline, credential, not_before, attempts_not_sent
        """

    /// What a row is read with: `kind`, to check it is the payload's, and
    /// `seq`, which names a row whatever its other columns hold.
    private static let selectColumns = outboxColumns + ", kind, seq, environment"

    /// Made once: built on each insert, the text would cost more than the
    /// statement it finds.
    private static let insertSQL = """
        INSERT INTO outbox (\(outboxColumns), kind, environment)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    func insertOutbox(_ operation: OutboxOperation) throws {
        try execute(Self.insertSQL,
                    [operation.id.uuidString, operation.account.rawValue, operation.idempotencyKey.uuidString,
                     operation.payload.storedText, operation.createdAt.millisecondsSince1970,
                     operation.attempts, operation.nextAttemptAt?.millisecondsSince1970, operation.lastError,
                     operation.state.rawValue, operation.deletionRequestID, operation.deadline?.millisecondsSince1970,
                     operation.credential?.rawValue, operation.notBefore?.millisecondsSince1970,
                     operation.attemptsNotSent, operation.kind.rawValue, operation.environment.rawValue])
    }

    /// Saves the mutable fields of `operation` (attempts, schedule, error, state).
    func updateOutbox(_ operation: OutboxOperation) throws {
        try execute("""
            UPDATE outbox SET attempts = ?, next_attempt_at = ?, not_before = ?, last_error = ?, state = ?,
                              deletion_request_id = ?, deadline = ?, attempts_not_sent = ?
            WHERE id = ?
            """, [operation.attempts, operation.nextAttemptAt?.millisecondsSince1970,
                  operation.notBefore?.millisecondsSince1970, operation.lastError,
                  operation.state.rawValue, operation.deletionRequestID, operation.deadline?.millisecondsSince1970,
                  operation.attemptsNotSent, operation.id.uuidString])
    }

    /// Forgets the backoff of `account`'s queued operations (the network came
    /// back); a server's `Retry-After` stays.
    func resetBackoff(for account: AccountID, in environment: ServerEnvironment) throws {
        try execute("""
            UPDATE outbox SET next_attempt_at = NULL WHERE account = ? AND environment = ? AND state = 'queued'
            """, [account.rawValue, environment.rawValue])
    }

    /// Removes the operation with `id`; true when there was one.
    @discardableResult
    func deleteOutbox(id: UniqueID) throws -> Bool {
        try execute("DELETE FROM outbox WHERE id = ?", [id.uuidString])
        return changes > 0
    }

    /// The first queued operation of `account`, the only one a drain needs:
    /// reading the whole outbox for each send would make a drain quadratic.
    func nextQueued(for account: AccountID, in environment: ServerEnvironment) throws -> OutboxOperation? {
        try nextQueued(for: account, in: environment, limit: 1).first
    }

    /// The first `limit` queued operations of `account` made in
    /// `environment` that are not in `skipping` (those a drain has on their
    /// way already), oldest first. Those of the other environment are held:
    /// never returned, so never sent.
    /// A queued row this build cannot read is passed over, its id added to
    /// `unreadable` (for `setAsideUnreadable`), and never sent.
    func nextQueued(for account: AccountID, in environment: ServerEnvironment, limit: Int,
                    skipping: Set<UniqueID> = [], unreadable: inout [Int64]) throws -> [OutboxOperation] {
        var passed: [Int64] = []
        let next = try query("""
            SELECT \(Self.selectColumns) FROM outbox WHERE account = ? AND environment = ? AND state = 'queued' ORDER BY seq
            """, [account.rawValue, environment.rawValue], limit: limit) { row -> OutboxOperation? in
            switch Self.outboxRow(row) {
            case .readable(let operation): return skipping.contains(operation.id) ? nil : operation
            case .unreadable(let operation):
                passed.append(operation.sequence)
                return nil
            }
        }
        unreadable += passed
        return next
    }

    /// The first `limit` queued operations of `account` not in `skipping`,
    /// oldest first, passing over those this build cannot read.
    func nextQueued(for account: AccountID, in environment: ServerEnvironment, limit: Int,
                    skipping: Set<UniqueID> = []) throws -> [OutboxOperation] {
        var unreadable: [Int64] = []
        return try nextQueued(for: account, in: environment, limit: limit, skipping: skipping, unreadable: &unreadable)
    }

    /// Sets aside the queued rows at these places (`seq`) as `unreadable`:
    /// never sent, and counted as such (the tally's triggers move them).
    /// Nothing but their state is written: kind and payload stay as they were.
    func setAsideUnreadable(_ rows: [Int64]) throws {
        for row in rows {
            try execute("UPDATE outbox SET state = 'unreadable' WHERE seq = ? AND state = 'queued'", [row])
        }
    }

    /// The operation with `id`, whoever owns it; nil once it left the
    /// outbox, or when this build cannot read it.
    func outboxOperation(id: UniqueID) throws -> OutboxOperation? {
        try query("SELECT \(Self.selectColumns) FROM outbox WHERE id = ?", [id.uuidString], limit: 1,
                  compacting: Self.readable).first
    }

    /// How many operations of `account` made in `environment` are queued.
    func queuedCount(for account: AccountID, in environment: ServerEnvironment) throws -> Int {
        try outboxCounts(for: account, in: environment).queued
    }

    /// How many operations of `account` are in each state, from the tally
    /// the outbox's triggers keep (schema version 4; per environment since
    /// 7): those made in `environment` by state, those of the other as held.
    func outboxCounts(for account: AccountID, in environment: ServerEnvironment) throws -> OutboxCounts {
        var counts = OutboxCounts()
        _ = try query("SELECT state, count, environment FROM outbox_tally WHERE account = ?", [account.rawValue]) { row in
            let count = Int(row.int64(1))
            guard row.text(2) == environment.rawValue else {
                counts.held += count
                return
            }
            switch OutboxOperation.State(rawValue: row.text(0)) {
            case .queued?, .sending?: counts.queued += count
            case .failed?: counts.failed += count
            case .missed?: counts.missed += count
            case nil:
                guard row.text(0) == Self.unreadableState else { throw StoreRecordError(table: "outbox_tally") }
                counts.unreadable += count
            }
        }
        return counts
    }

    /// The first `limit` queued operations of `kind` of `account` (nil: all
    /// of them), oldest first (`newestFirst`: the last ones, newest first),
    /// by index: what the status and coalescing need, without reading the
    /// rest of the queue.
    func queued(_ kind: OperationKind, for account: AccountID, in environment: ServerEnvironment, limit: Int?,
                newestFirst: Bool = false) throws -> [OutboxOperation] {
        // Rows this build cannot read are passed over: coalescing never
        // cancels a readable operation against one it cannot read, and the
        // status never shows one.
        let order = newestFirst ? "DESC" : "ASC"
        return try query("""
            SELECT \(Self.selectColumns) FROM outbox
            WHERE account = ? AND environment = ? AND kind = ? AND state = 'queued' ORDER BY seq \(order)
            """, [account.rawValue, environment.rawValue, kind.rawValue], limit: limit, compacting: Self.readable)
    }

    /// The operations of `account`, or of everyone when nil, oldest first;
    /// those this build cannot read are left out (`unreadableOperations`).
    func outboxOperations(for account: AccountID?) throws -> [OutboxOperation] {
        try outboxRows(for: account).compactMap { row in
            if case .readable(let operation) = row { operation } else { nil }
        }
    }

    /// The rows of `account`, or of everyone when nil, that this build
    /// cannot read, oldest first.
    func unreadableOperations(for account: AccountID?) throws -> [UnreadableOperation] {
        try outboxRows(for: account).compactMap { row in
            if case .unreadable(let operation) = row { operation } else { nil }
        }
    }

    /// The rows of `account` this build cannot read whose state is one of
    /// `states` (as stored), oldest first.
    func unreadableOperations(for account: AccountID, inStates states: Set<String>) throws -> [UnreadableOperation] {
        try query("SELECT \(Self.selectColumns) FROM outbox WHERE account = ? ORDER BY seq", [account.rawValue],
                  limit: nil) { row -> UnreadableOperation? in
            guard states.contains(row.text(8)), case .unreadable(let operation) = Self.outboxRow(row) else { return nil }
            return operation
        }
    }

    /// Removes a row this build cannot read, as a sign-out that discards
    /// does, and audits it as discarded under its stored kind (an entry a
    /// build that does not know the kind leaves out of the trail it reads).
    func deleteUnreadable(_ operation: UnreadableOperation, discardedAt at: Instant) throws {
        try execute("DELETE FROM outbox WHERE seq = ? AND account = ?", [operation.sequence, operation.account.rawValue])
        guard changes > 0 else { return }
        try execute("""
            INSERT INTO audit (account, at, action, outcome, operation_id, environment) VALUES (?, ?, ?, ?, ?, ?)
            """, [operation.account.rawValue, at.millisecondsSince1970, operation.kind,
                  AuditEntry.Outcome.discarded.rawValue, UniqueID(uuidString: operation.id)?.uuidString,
                  operation.environment])
    }

    private func outboxRows(for account: AccountID?) throws -> [OutboxRow] {
        guard let account else {
            return try query("SELECT \(Self.selectColumns) FROM outbox ORDER BY seq", row: Self.outboxRow)
        }
        return try query("SELECT \(Self.selectColumns) FROM outbox WHERE account = ? ORDER BY seq",
                         [account.rawValue], row: Self.outboxRow)
    }

    /// The state of a row set aside (schema version 5); not an
    /// `OutboxOperation.State`, since such a row is never an operation.
    static let unreadableState = "unreadable"

    private static func readable(_ row: Row) -> OutboxOperation? {
        if case .readable(let operation) = outboxRow(row) { operation } else { nil }
    }

    /// One row of the outbox as this build reads it, never failing: a row
    /// it cannot read (an id that is not a UUID, a payload of a kind it
    /// does not know or with members of the wrong type, a kind that is not
    /// the payload's, a state set aside) is `unreadable`, with what can be
    /// said of it. Selected with `selectColumns`.
    private static func outboxRow(_ row: Row) -> OutboxRow {
        let rawKind = row.text(14)
        guard let id = UniqueID(uuidString: row.text(0)),
              let key = UniqueID(uuidString: row.text(2)),
              let payload = StoreJSON.value(row.text(3)).flatMap(OperationPayload.init(storedJSON:)),
              rawKind == payload.kind.rawValue,
              let state = OutboxOperation.State(rawValue: row.text(8)),
              let environment = ServerEnvironment(rawValue: row.text(16)) else {
            return .unreadable(UnreadableOperation(
                id: row.text(0), account: AccountID(rawValue: row.text(1)),
                kind: rawKind,
                createdAt: row.optionalInt64(4).map(Instant.init(millisecondsSince1970:)), sequence: row.int64(15),
                environment: row.text(16)))
        }
        var operation = OutboxOperation(
            account: AccountID(rawValue: row.text(1)),
            payload: payload,
            createdAt: Instant(millisecondsSince1970: row.int64(4)),
            deletionRequestID: row.optionalText(9),
            deadline: row.optionalInt64(10).map(Instant.init(millisecondsSince1970:)),
            id: id, idempotencyKey: key, environment: environment)
        operation.attempts = Int(row.int64(5))
        operation.nextAttemptAt = row.optionalInt64(6).map(Instant.init(millisecondsSince1970:))
        operation.lastError = row.optionalText(7)
        operation.state = state
        operation.credential = row.optionalText(11).map(CredentialFingerprint.init(rawValue:))
        operation.notBefore = row.optionalInt64(12).map(Instant.init(millisecondsSince1970:))
        operation.attemptsNotSent = Int(row.int64(13))
        return .readable(operation)
    }
}

/// One outbox row, read or set aside.
enum OutboxRow {
    case readable(OutboxOperation)
    case unreadable(UnreadableOperation)
}
