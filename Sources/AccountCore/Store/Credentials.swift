import SQLiteDB

/// A token as the store may keep it: HMAC-SHA256 of the back end's name and
/// the token, under the store's own random key, in hex. A token in hand can
/// be checked against it; no token can be read back from it.
struct CredentialFingerprint: RawRepresentable, Hashable, Sendable {
    let rawValue: String

    init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// The fingerprint of `token` for `backend` under `key`.
    init(token: String, backend: String, key: [UInt8]) {
        rawValue = SHA256.hexDigits(SHA256.hmac(key: key, message: Array(backend.utf8) + [0] + Array(token.utf8)))
    }
}

/// Whose a credential is, as the store remembers it.
struct CredentialOwner: Hashable, Sendable {
    /// The person it belongs to.
    var account: AccountID
    /// The server said so (otherwise the host did, or nobody yet).
    var confirmed: Bool
}

extension Database {
    /// The file's own key for fingerprints, made by migration 3 (or at an
    /// open without the app's key, after one with it deleted it).
    func fingerprintKey() throws -> [UInt8] {
        guard let hex = try scalarText("SELECT hex(key) FROM store_key WHERE id = 1"), hex.utf8.count == 64 else {
            throw StoreRecordError(table: "store_key")
        }
        let digits = Array(hex.utf8)
        return stride(from: 0, to: digits.count, by: 2).map { index in
            UInt8(Self.hexValue(digits[index]) << 4 | Self.hexValue(digits[index + 1]))
        }
    }

    private static func hexValue(_ digit: UInt8) -> UInt8 {
        digit >= UInt8(ascii: "A") ? digit - UInt8(ascii: "A") + 10 : digit - UInt8(ascii: "0")
    }

    /// Whose `fingerprint` is, if the store knows it.
    func credentialOwner(_ fingerprint: CredentialFingerprint) throws -> CredentialOwner? {
        try query("SELECT account, confirmed FROM credential WHERE fingerprint = ?", [fingerprint.rawValue]) { row in
            CredentialOwner(account: AccountID(rawValue: row.text(0)), confirmed: row.int64(1) != 0)
        }.first
    }

    /// Records whose `fingerprint` is.
    func saveCredential(_ fingerprint: CredentialFingerprint, _ owner: CredentialOwner, at: Instant) throws {
        try execute("""
            INSERT INTO credential (fingerprint, account, confirmed, seen_at) VALUES (?, ?, ?, ?)
            ON CONFLICT (fingerprint) DO UPDATE SET
                account = excluded.account, confirmed = excluded.confirmed, seen_at = excluded.seen_at
            """, [fingerprint.rawValue, owner.account.rawValue, owner.confirmed, at.millisecondsSince1970])
    }

    /// Everything of `person` (cache, outbox, audit trail, credentials)
    /// becomes `account`'s: the server said who a person known only by a
    /// token is. Of two cached values of one kind, `person`'s, the newer,
    /// stays.
    func merge(_ person: AccountID, into account: AccountID) throws {
        guard person != account else { return }
        try execute("UPDATE OR REPLACE cache SET account = ? WHERE account = ?", [account.rawValue, person.rawValue])
        for table in ["outbox", "audit", "credential"] {
            try execute("UPDATE \(table) SET account = ? WHERE account = ?", [account.rawValue, person.rawValue])
        }
    }

    /// Everyone known only by `fingerprint` (their operations were made
    /// under it) becomes `account`: the server said whose the token is.
    func adoptUnnamed(madeUnder fingerprint: CredentialFingerprint, into account: AccountID) throws {
        let people = try query("SELECT DISTINCT account FROM outbox WHERE credential = ?", [fingerprint.rawValue]) { row in
            AccountID(rawValue: row.text(0))
        }
        for person in people where !person.isKnown && !person.isHeld { try merge(person, into: account) }
    }

    /// Whether anyone of `account`'s back end but `account` has operations
    /// queued: someone who could turn out to be `account`.
    func othersHaveQueued(besides account: AccountID) throws -> Bool {
        let known = account.backend + ":", unnamed = account.backend + "?"
        return try scalarInt("""
            SELECT EXISTS (SELECT 1 FROM outbox WHERE state = 'queued' AND account != ?
                           AND (substr(account, 1, length(?)) = ? OR substr(account, 1, length(?)) = ?))
            """, [account.rawValue, known, known, unnamed, unnamed]) == 1
    }

    /// The owner of an operation made under `fingerprint`, if one waits in
    /// the outbox: what the store knows of a token even where its
    /// credential row was not written.
    func outboxOwner(madeUnder fingerprint: CredentialFingerprint) throws -> AccountID? {
        try scalarText("SELECT account FROM outbox WHERE credential = ? ORDER BY seq LIMIT 1", [fingerprint.rawValue])
            .map(AccountID.init(rawValue:))
    }

    /// Sets aside, as failed with `reason`, the queued operations made under
    /// `fingerprint` for anyone but `account`, whose the server said the
    /// token is: they were made under someone else's credentials than their
    /// owner's, and are never sent.
    func setAside(madeUnder fingerprint: CredentialFingerprint, notOwnedBy account: AccountID,
                  reason: String, at: Instant) throws {
        let operations = try query("""
            SELECT id, account, kind, environment FROM outbox WHERE credential = ? AND account != ? AND state = 'queued'
            """, [fingerprint.rawValue, account.rawValue]) { row in
            (id: row.text(0), owner: AccountID(rawValue: row.text(1)), kind: OperationKind(rawValue: row.text(2)),
             environment: ServerEnvironment(rawValue: row.text(3)))
        }
        for operation in operations {
            try execute("UPDATE outbox SET state = 'failed', last_error = ? WHERE id = ?", [reason, operation.id])
            if let kind = operation.kind, let environment = operation.environment {
                try insertAudit(AuditEntry(at: at, action: kind, outcome: .refused, errorCode: .accountMismatch,
                                           operationID: UniqueID(uuidString: operation.id)), for: operation.owner,
                                in: environment)
            }
        }
    }
}
