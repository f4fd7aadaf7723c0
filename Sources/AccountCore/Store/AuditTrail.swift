import SQLiteDB

/// One line of the audit trail: what the user did and how it ended. No
/// tokens, no request or response bodies.
package struct AuditEntry: Hashable, Sendable {
    /// How an action ended.
    package enum Outcome: String, Hashable, Sendable, CaseIterable {
        /// The server applied it.
        case succeeded
        /// It was written to the outbox to send later.
        case queued
        /// It cancelled out another queued operation; nothing was sent.
        case coalesced
        /// The server or the core's validation refused it.
        case refused
        /// It could not be carried out (network, server failure, storage).
        case failed
        /// A cancel that did not reach the server before its deadline.
        case missed
        /// Removed unsent when its owner signed out and asked for it.
        case discarded
    }

    /// When it happened.
    package let at: Instant
    /// What the user did.
    package let action: OperationKind
    /// How it ended.
    package let outcome: Outcome
    /// The HTTP status of the answer, when there was one.
    package let httpStatus: Int?
    /// The `AccountError` code, when it failed.
    package let errorCode: AccountError.Code?
    /// The outbox operation it concerns, when it was queued.
    package let operationID: UniqueID?

    /// Creates an entry.
    package init(at: Instant, action: OperationKind, outcome: Outcome, httpStatus: Int? = nil,
                errorCode: AccountError.Code? = nil, operationID: UniqueID? = nil) {
        self.at = at
        self.action = action
        self.outcome = outcome
        self.httpStatus = httpStatus
        self.errorCode = errorCode
        self.operationID = operationID
    }
}

extension AccountStore {
    /// The audit trail of `account` in the store's environment, oldest
    /// first: what was done against the other environment's servers is
    /// kept, and not shown here.
    package func auditTrail(for account: AccountID) throws(AccountError) -> [AuditEntry] {
        try read { database in try database.auditEntries(for: account, in: environment) }
    }

    /// Appends `entry` to the audit trail of `account`, in the store's
    /// environment.
    func record(_ entry: AuditEntry, for account: AccountID) throws(AccountError) {
        try write { database in try database.insertAudit(entry, for: account, in: environment) }
    }
}

extension Database {
    func insertAudit(_ entry: AuditEntry, for account: AccountID, in environment: ServerEnvironment) throws {
        try execute("""
            INSERT INTO audit (account, at, action, outcome, http_status, error_code, operation_id, environment)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, [account.rawValue, entry.at.millisecondsSince1970, entry.action.rawValue, entry.outcome.rawValue,
                  entry.httpStatus, entry.errorCode?.rawValue, entry.operationID?.uuidString, environment.rawValue])
    }

    /// The entries of `account`, oldest first. One of an action this build
    /// does not know (a newer version's operation, discarded unread) is
    /// left out rather than fail the whole trail.
    func auditEntries(for account: AccountID, in environment: ServerEnvironment) throws -> [AuditEntry] {
        try query("""
            SELECT at, action, outcome, http_status, error_code, operation_id
            FROM audit WHERE account = ? AND environment = ? ORDER BY seq
            """, [account.rawValue, environment.rawValue], limit: nil) { row -> AuditEntry? in
            guard let action = OperationKind(rawValue: row.text(1)) else { return nil }
            guard let outcome = AuditEntry.Outcome(rawValue: row.text(2)) else {
                throw StoreRecordError(table: "audit")
            }
            let errorCode = try row.optionalText(4).map { text in
                guard let code = AccountError.Code(rawValue: text) else { throw StoreRecordError(table: "audit") }
                return code
            }
            let operationID = try row.optionalText(5).map { text in
                guard let id = UniqueID(uuidString: text) else { throw StoreRecordError(table: "audit") }
                return id
            }
            return AuditEntry(at: Instant(millisecondsSince1970: row.int64(0)), action: action, outcome: outcome,
                              httpStatus: row.optionalInt64(3).map { Int($0) }, errorCode: errorCode,
                              operationID: operationID)
        }
    }
}
