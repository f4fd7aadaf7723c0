import AccountCore
import FoundationEssentials
import POSIXThread
import SQLiteDB

/// Everything the emulator remembers, in its own SQLite file or in memory.
///
/// Every back-end request runs inside one `transaction`, under one lock: the
/// idempotency look-up, the mutation and the recorded answer are one atomic
/// step, so a resend can never be applied twice.
final class EmulatorState: Sendable {
    private let lock = LockedValue(())
    /// Touched only while `lock` is held.
    private nonisolated(unsafe) let database: Database

    private static let migrator = Migrator([
        Migration(version: 1, name: "emulator state", sql: """
            CREATE TABLE users (
                id TEXT PRIMARY KEY, backend TEXT NOT NULL, value TEXT NOT NULL, username TEXT
            );
            CREATE UNIQUE INDEX users_by_name ON users (backend, lower(username)) WHERE username IS NOT NULL;
            -- Tokens by their SHA-256: the file never holds a usable token.
            CREATE TABLE tokens (
                hash TEXT PRIMARY KEY, user_id TEXT NOT NULL, kind TEXT NOT NULL, issued_at INTEGER NOT NULL
            );
            CREATE INDEX tokens_by_user ON tokens (user_id);
            CREATE TABLE idempotency (
                scope TEXT NOT NULL, method TEXT NOT NULL, path TEXT NOT NULL, key TEXT NOT NULL,
                at INTEGER NOT NULL, status INTEGER NOT NULL, content_type TEXT, body BLOB NOT NULL,
                PRIMARY KEY (scope, method, path, key)
            );
            CREATE TABLE mutations (
                seq INTEGER PRIMARY KEY, at INTEGER NOT NULL, backend TEXT NOT NULL, user_id TEXT NOT NULL,
                action TEXT NOT NULL, method TEXT NOT NULL, path TEXT NOT NULL, idempotency_key TEXT
            );
            CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
            """),
    ])

    /// Opens the state at `path` (nil: in memory) and seeds the demo users.
    init(path: String?) throws {
        database = try Database(path: path ?? ":memory:", create: true)
        database.setBusyTimeout(milliseconds: 5_000)
        if path != nil {
            _ = try database.scalarText("PRAGMA journal_mode = WAL")
        }
        try Self.migrator.checkCompatible(database)
        try Self.migrator.migrate(database)
        try transaction { state in
            for user in DemoUsers.all where try state.user(id: user.id) == nil {
                try state.insert(user)
            }
        }
    }

    /// Runs `body` in one transaction, alone.
    func transaction<Value: Sendable>(_ body: (StateTransaction) throws -> Value) throws -> Value {
        try lock.withLock { _ in
            try database.transaction { try body(StateTransaction(database: database)) }
        }
    }
}

/// The emulator's state inside one transaction.
struct StateTransaction {
    let database: Database

    // MARK: Users

    func user(id: String) throws -> EmulatedUser? {
        try database.query("SELECT value FROM users WHERE id = ?", [id]) { row in
            try Self.decodeUser(row.text(0))
        }.first
    }

    func insert(_ user: EmulatedUser) throws {
        try database.execute("INSERT INTO users (id, backend, value, username) VALUES (?, ?, ?, ?)",
                             [user.id, user.backend.rawValue, try Self.encode(user), user.username])
    }

    func save(_ user: EmulatedUser) throws {
        try database.execute("UPDATE users SET value = ?, username = ? WHERE id = ?",
                             [try Self.encode(user), user.isDeleted ? nil : user.username, user.id])
    }

    /// Whether another live user of `backend` has `username` (case-insensitive).
    func usernameTaken(_ username: String, backend: EmulatedBackend, exceptUser id: String) throws -> Bool {
        try database.scalarInt("SELECT count(*) FROM users WHERE backend = ? AND lower(username) = lower(?) AND id != ?",
                               [backend.rawValue, username, id]) ?? 0 > 0
    }

    /// Every user, for the deletion job.
    func allUsers() throws -> [EmulatedUser] {
        try database.query("SELECT value FROM users ORDER BY id") { row in try Self.decodeUser(row.text(0)) }
    }

    func user(email: String, backend: EmulatedBackend) throws -> EmulatedUser? {
        try database.query("SELECT value FROM users WHERE backend = ?", [backend.rawValue]) { row in
            try Self.decodeUser(row.text(0))
        }.first { $0.email?.lowercased() == email.lowercased() }
    }

    // MARK: Tokens

    /// Issues a new opaque token: 256 random bits, hex. Only its hash is kept.
    func issueToken(for userID: String, kind: TokenKind, at now: Instant) throws -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<4).flatMap { _ in withUnsafeBytes(of: generator.next() as UInt64) { Array($0) } }
        let token = kind.prefix + SHA256.hexDigits(bytes)
        try database.execute("INSERT INTO tokens (hash, user_id, kind, issued_at) VALUES (?, ?, ?, ?)",
                             [SHA256.hex(token), userID, kind.rawValue, now.millisecondsSince1970])
        return token
    }

    /// The user and kind a token was issued for, if it is still valid.
    func tokenOwner(_ token: String) throws -> (userID: String, kind: TokenKind)? {
        try database.query("SELECT user_id, kind FROM tokens WHERE hash = ?", [SHA256.hex(token)]) { row in
            (row.text(0), TokenKind(rawValue: row.text(1)) ?? .session)
        }.first
    }

    /// Revokes every token of a user (erase, finalize).
    func revokeTokens(of userID: String) throws {
        try database.execute("DELETE FROM tokens WHERE user_id = ?", [userID])
    }

    // MARK: Idempotency

    /// The answer first given to this key, if it is less than 24 hours old.
    func storedAnswer(scope: String, method: String, path: String, key: String, now: Instant) throws -> StoredAnswer? {
        let oldest = now.millisecondsSince1970 - millisecondsPerDay
        return try database.query("""
            SELECT status, content_type, body FROM idempotency
            WHERE scope = ? AND method = ? AND path = ? AND key = ? AND at > ?
            """, [scope, method, path, key, oldest]) { row in
            StoredAnswer(status: Int(row.int64(0)), contentType: row.optionalText(1), body: Array(row.text(2).utf8))
        }.first
    }

    func storeAnswer(_ answer: StoredAnswer, scope: String, method: String, path: String, key: String, now: Instant) throws {
        try database.execute("""
            INSERT OR REPLACE INTO idempotency (scope, method, path, key, at, status, content_type, body)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, [scope, method, path, key, now.millisecondsSince1970, answer.status, answer.contentType,
                  String(decoding: answer.body, as: UTF8.self)])
    }

    // MARK: Mutation log

    func logMutation(_ action: String, user: EmulatedUser, request: HTTPRequest, now: Instant) throws {
        try database.execute("""
            INSERT INTO mutations (at, backend, user_id, action, method, path, idempotency_key)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """, [now.millisecondsSince1970, user.backend.rawValue, user.id, action, request.method,
                  request.path, request.headers["Idempotency-Key"]])
    }

    /// The mutations after sequence number `after`, oldest first.
    func mutations(after: Int = 0) throws -> [JSONValue] {
        try database.query("""
            SELECT seq, at, backend, user_id, action, method, path, idempotency_key FROM mutations
            WHERE seq > ? ORDER BY seq
            """, [after]) { row in
            [
                "seq": .integer(row.int64(0)), "at": .integer(row.int64(1)), "backend": .string(row.text(2)),
                "userId": .string(row.text(3)), "action": .string(row.text(4)), "method": .string(row.text(5)),
                "path": .string(row.text(6)), "idempotencyKey": .string(row.optionalText(7)),
            ]
        }
    }

    // MARK: Settings

    func setting(_ name: String) throws -> String? {
        try database.scalarText("SELECT value FROM settings WHERE name = ?", [name])
    }

    func setSetting(_ name: String, _ value: String) throws {
        try database.execute("INSERT OR REPLACE INTO settings (name, value) VALUES (?, ?)", [name, value])
    }

    // MARK: Coding

    private static func encode(_ user: EmulatedUser) throws -> String {
        let encoder = JSONEncoder()
        return String(decoding: try encoder.encode(user), as: UTF8.self)
    }

    private static func decodeUser(_ text: String) throws -> EmulatedUser {
        let decoder = JSONDecoder()
        return try decoder.decode(EmulatedUser.self, from: Data(text.utf8))
    }
}

/// The kinds of credential the emulator issues.
enum TokenKind: String, Sendable {
    /// A signed-in session (a JWT at the real back ends).
    case session
    /// A Mudbase API key, which erase must refuse.
    case apiKey

    /// Mudbase marks API keys with `mb_`.
    var prefix: String { self == .apiKey ? "mb_" : "" }
}

/// An answer kept for idempotent replay.
struct StoredAnswer: Sendable {
    var status: Int
    var contentType: String?
    var body: [UInt8]
}
