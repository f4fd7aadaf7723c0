import CSQLite
import POSIXThread
import SQLiteDB

/// The offline store: what the user last saw, what they did while offline,
/// and what happened to it, in one SQLite file.
///
/// One writer connection in WAL mode with `synchronous=FULL`, so a commit
/// that returned survives a power loss; the connection sits behind a mutex,
/// so the store may be used from any thread. Several processes may share the
/// file: each write takes SQLite's write lock at its start
/// (`BEGIN IMMEDIATE`) and waits up to `busyTimeout` for it.
///
/// Opening never repairs: a file that is not SQLite, a damaged file, a file
/// from a newer build, a missing or read-only directory are each a storage
/// error, and the file is left as it was.
package final class AccountStore: Sendable {
    /// How long a write waits for another process's lock, in milliseconds.
    package static let busyTimeout: Int32 = 5_000

    /// The database file.
    package let path: String
    /// Serializes every use of `database`.
    private let lock = LockedValue(())
    /// The one connection; touched only while `lock` is held, which is what
    /// makes the unchecked access safe.
    private nonisolated(unsafe) let database: Database
    /// The key of the token fingerprints when the app keeps it (its
    /// Keychain or Keystore); nil when the file keeps its own.
    private let appFingerprintKey: [UInt8]?
    /// The environment this store works in: what it sends, counts and
    /// shows is what was made in it; rows of the other are held.
    package let environment: ServerEnvironment

    /// The length of a fingerprint key, in bytes (HMAC-SHA256's block of
    /// randomness the store makes itself when the app gives none).
    package static let fingerprintKeyLength = 32

    /// Opens the store at `path`, creating an empty one when there is no file.
    ///
    /// - Parameters:
    ///   - path: the database file. Its `-wal` and `-shm` files sit beside it.
    ///   - createDirectory: create missing directories (mode 0700). When
    ///     false, a missing directory is `StorageProblem.directoryMissing`.
    ///   - fingerprintKey: the key of the token fingerprints, 32 bytes the
    ///     app keeps outside the file (its Keychain or Keystore), so that
    ///     the file alone does not let anyone test token guesses. Given,
    ///     the file holds no key (one it held is deleted); a fingerprint
    ///     stored under another key matches no token, so whose that token
    ///     is gets asked again, never guessed. Nil: the file keeps its own
    ///     key, made once. Another length is
    ///     `invalidInput(.invalidConfiguration(field: "fingerprintKey"))`,
    ///     before any file is touched.
    ///   - environment: the environment of the configuration. What it
    ///     queues, caches and audits records it; the other environment's
    ///     rows are kept, never sent nor shown as its own. Rows of a store
    ///     from before schema version 7, which recorded none, take this one.
    package init(path: String, createDirectory: Bool = false, fingerprintKey: [UInt8]? = nil,
                environment: ServerEnvironment = .production) throws(AccountError) {
        if let fingerprintKey, fingerprintKey.count != Self.fingerprintKeyLength {
            throw AccountError(.invalidInput(.invalidConfiguration(field: "fingerprintKey")))
        }
        do {
            try StoreFile.prepare(path: path, createDirectory: createDirectory)
            self.database = try Self.openDatabase(path: path, keepsKey: fingerprintKey == nil, environment: environment)
            self.path = path
            self.environment = environment
            self.appFingerprintKey = fingerprintKey
        } catch {
            throw AccountError(mapping: error)
        }
    }

    /// The key of the token fingerprints: the app's, or the file's own.
    package func fingerprintKey() throws(AccountError) -> [UInt8] {
        if let appFingerprintKey { return appFingerprintKey }
        return try read { database in try database.fingerprintKey() }
    }

    private static func openDatabase(path: String, keepsKey: Bool, environment: ServerEnvironment) throws -> Database {
        // A journal removed while it held commits: refuse, before SQLite
        // would open the older file as if it were whole.
        if StoreFile.journalWasLost(path: path) { throw StoreFault.journalLost }
        // The file exists now (StoreFile made it, owner-only); SQLite must not
        // create another behind a rename.
        let database = try Database(path: path, create: false)
        database.setBusyTimeout(milliseconds: busyTimeout)
        // The first read: a file that is not SQLite, a truncated one or one
        // from a newer build fails here, before anything is written to it.
        try Schema.migrator.checkCompatible(database)
        // Before anything is written or any trigger could fire: what the
        // schema history did not make (a planted trigger, view or table) is
        // refused, naming it. The connection runs no function with side
        // effects from the file's schema, whatever passes (Database.init).
        try Schema.migrator.checkSchema(database)
        let mode = try database.scalarText("PRAGMA journal_mode = WAL")
        guard mode == "wal" else {
            throw SQLiteError(code: SQLITE_IOERR, message: "WAL mode refused (journal mode \(mode ?? "none"))")
        }
        // FULL: in WAL mode, NORMAL may lose the last commits on power loss,
        // and a queued cancel must not be lost once we said it is queued.
        try database.execute("PRAGMA synchronous = FULL")
        try database.execute("PRAGMA foreign_keys = ON")
        // Deleted rows are overwritten with zeros, so a wipe leaves no trace.
        try database.execute("PRAGMA secure_delete = ON")
        try Schema.migrator.migrate(database)
        try placeFingerprintKey(in: database, keepsKey: keepsKey)
        try adoptUnnamedRows(in: database, environment: environment)
        StoreFile.restrictPermissions(of: path)
        // From here on the connection writes only inside `write` (GRDB's
        // way for its readers): a read that tries to write fails with
        // SQLITE_READONLY rather than writing outside a transaction.
        database.setQueryOnly(true)
        return database
    }

    /// With the app's key, the file keeps none: a key it held is deleted
    /// (zeroed by `secure_delete`, and checkpointed out of the WAL).
    /// Without, the file keeps its own, made once: again when an app that
    /// gave a key before gives none now.
    private static func placeFingerprintKey(in database: Database, keepsKey: Bool) throws {
        let held = try database.scalarInt("SELECT count(*) FROM store_key") ?? 0
        if keepsKey {
            guard held == 0 else { return }
            try database.transaction {
                try database.execute("INSERT OR IGNORE INTO store_key (id, key) VALUES (1, randomblob(32))")
            }
        } else if held > 0 {
            try database.transaction { try database.execute("DELETE FROM store_key") }
            try database.checkpointTruncating()
        }
    }


    /// Rows of a store from before schema version 7 recorded no
    /// environment (''): they take the one of the first configuration that
    /// opens the file. A cached value already kept under that name (only
    /// after an interrupted open) is the newer and stays.
    private static func adoptUnnamedRows(in database: Database, environment: ServerEnvironment) throws {
        // Asked of a one-row table, so that an open does not read the outbox.
        guard try database.scalarInt("SELECT count(*) FROM environment_unnamed") ?? 0 > 0 else { return }
        try database.transaction {
            try database.execute("""
                DELETE FROM cache WHERE environment = '' AND EXISTS (
                    SELECT 1 FROM cache AS named
                    WHERE named.account = cache.account AND named.entry = cache.entry AND named.environment = ?)
                """, [environment.rawValue])
            for table in ["cache", "outbox", "audit"] {
                try database.execute("UPDATE \(table) SET environment = ? WHERE environment = ''", [environment.rawValue])
            }
            try database.execute("DELETE FROM environment_unnamed")
        }
    }

    /// The schema version this build writes.
    package static var schemaVersion: Int { Schema.migrator.latestVersion }

    /// Runs `body` with the connection, outside any explicit transaction.
    /// `checkingFile`: first fail if the file was removed (see
    /// `Database.checkInPlace`); a caller that answers from memory when
    /// nothing changed checks only when it reads.
    ///
    /// `body` cannot write: the connection refuses writes outside `write`
    /// (`Database.setQueryOnly`), so an INSERT, UPDATE, DELETE, a pragma
    /// that sets or a `BEGIN` here fails
    /// with SQLITE_READONLY (`StorageProblem.readOnly`) and changes nothing.
    func read<Value: Sendable>(checkingFile: Bool = true, _ body: (Database) throws -> Value) throws(AccountError) -> Value {
        do {
            return try lock.withLock { _ in
                if checkingFile { try database.checkInPlace() }
                return try body(database)
            }
        } catch {
            throw AccountError(mapping: error)
        }
    }

    /// Runs `body` in one write transaction: all of it is committed durably
    /// before this returns, or none of it. The only place the connection
    /// may write: writes are allowed for the transaction alone.
    func write<Value: Sendable>(_ body: (Database) throws -> Value) throws(AccountError) -> Value {
        do {
            return try lock.withLock { _ in
                try database.checkInPlace()
                return try database.allowingWrites { try database.transaction { try body(database) } }
            }
        } catch {
            throw AccountError(mapping: error)
        }
    }

    /// Closes the file now, rather than when the last reference goes: a
    /// host that must know the descriptors are released (`ac_close`) calls
    /// it once nothing else uses the store. Later calls are storage errors.
    package func close() {
        lock.withLock { _ in database.close() }
    }

    /// Deletes every row of `account` (cache, outbox, audit trail, the
    /// fingerprints of its tokens), so that no
    /// byte of its data stays in the database file or its WAL.
    ///
    /// `secure_delete` zeroes the deleted content; the checkpoint then copies
    /// the zeroed pages into the database file and truncates the WAL, which
    /// still held the old page images. If another process holds the WAL open,
    /// the checkpoint cannot finish now; SQLite completes it when the last
    /// connection closes.
    package func wipe(_ account: AccountID) throws(AccountError) {
        try write { database in
            for table in ["cache", "outbox", "audit", "credential"] {
                try database.execute("DELETE FROM \(table) WHERE account = ?", [account.rawValue])
            }
        }
        try read { database in try database.checkpointTruncating() }
    }
}

extension Database {
    /// Fails when the file was deleted or replaced under the open store, so
    /// the user is told rather than writing into a file no one will read.
    func checkInPlace() throws {
        if fileHasMoved() { throw StoreFault.fileRemoved }
    }
}
