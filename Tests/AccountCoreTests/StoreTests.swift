@testable import AccountCore
import FoundationEssentials
import SQLiteDB
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The committed fixtures, next to this file.
let fixtures = String(#filePath.prefix(upTo: #filePath.lastIndex(of: "/") ?? #filePath.endIndex)) + "/Fixtures"

let account = AccountID(backend: "allmine", userID: "u1")
let instant = Instant(secondsSince1970: 1_775_217_600)

/// Expects opening `path` to fail with `problem`.
func expectStorageError(_ problem: StorageProblem, opening path: String, createDirectory: Bool = false,
                        sourceLocation: SourceLocation = #_sourceLocation) {
    do {
        _ = try AccountStore(path: path, createDirectory: createDirectory)
        Issue.record("opened \(path), expected \(problem)", sourceLocation: sourceLocation)
    } catch {
        #expect(error.reason == .storage(problem), "\(error)", sourceLocation: sourceLocation)
        #expect(error.code == .storage, sourceLocation: sourceLocation)
    }
}

/// A store at the current schema with some rows, closed again.
func makeStore(at path: String, username: String = "fixture_user", rows: Int = 0) throws {
    let store = try AccountStore(path: path)
    try store.cache(AccountProfile(id: "u1", username: username), for: account, source: .server, asOf: instant)
    for index in 0..<rows {
        try store.enqueue(OutboxOperation(account: account, payload: .requestDeletion(
            reason: String(repeating: "r", count: 200) + "\(index)", days: nil, wipe: nil), createdAt: instant))
    }
}

@Suite("Store: opening and migrating")
struct StoreMigrationTests {
    @Test("a new store is created at the latest version, owner-only, in WAL mode with synchronous=FULL")
    func freshStore() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("store.sqlite")
        let store = try AccountStore(path: path)
        #expect(mode(of: path) == 0o600)
        let settings = try store.read { database in
            [Int64(try database.userVersion()),
             try database.scalarText("PRAGMA journal_mode") == "wal" ? 1 : 0,
             try database.scalarInt("PRAGMA synchronous"),     // 2 is FULL
             try database.scalarInt("PRAGMA foreign_keys"),
             try database.scalarInt("PRAGMA secure_delete")]
        }
        #expect(settings == [Int64(AccountStore.schemaVersion), 1, 2, 1, 1])
        try store.cache(DeletionStatus.none, for: account, source: .server, asOf: instant)
        #expect(mode(of: path + "-wal") == 0o600)
        #expect(mode(of: path + "-shm") == 0o600)
        #expect(AccountStore.schemaVersion == 7)
    }

    @Test("an empty existing file is migrated from version 0")
    func emptyFile() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("store.sqlite")
        try write([], to: path)
        let store = try AccountStore(path: path)
        #expect(try store.read { database in try database.userVersion() } == 7)
        #expect(try store.outbox(for: account).isEmpty)
        #expect(try store.auditTrail(for: account).isEmpty)
    }

    @Test("a version 1 file keeps its cache and outbox and gains the audit trail")
    func fromVersion1() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("store.sqlite")
        let fixture = try #require(contents(of: fixtures + "/store-v1.sqlite"))
        try write(fixture, to: path)
        let store = try AccountStore(path: path)
        #expect(try store.read { database in try database.userVersion() } == 7)

        let profile = try #require(try store.cached(AccountProfile.self, for: account))
        #expect(profile.value.username == "fixture_user")
        #expect(profile.source == .server)
        #expect(profile.asOf == instant)
        let deletion = try #require(try store.cached(DeletionStatus.self, for: account))
        #expect(deletion.value.state == .pending)
        #expect(deletion.value.remainingDays(at: instant) == 28)

        let outbox = try store.outbox(for: account)
        #expect(outbox.map(\.kind) == [.cancelDeletion, .changeUsername])
        #expect(outbox[0].idempotencyKey.uuidString == "0F8E2D4C-6B5A-4938-8271-6A5B4C3D2E1F")
        #expect(outbox[0].deadline == Instant(secondsSince1970: 1_777_636_800))
        #expect(outbox[1].payload == .changeUsername(try Username(validating: "renamed_user")))

        try store.record(AuditEntry(at: instant, action: .cancelDeletion, outcome: .queued), for: account)
        #expect(try store.auditTrail(for: account).count == 1)
    }

    @Test("migration 3: two old names of one user become one account keeping the newest values; a name that does not say its back end is held")
    func ownersFromOldNames() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("store.sqlite")
        do {
            let raw = try Database(path: path, create: true)
            for migration in Schema.migrator.migrations.prefix(2) { try raw.executeScript(migration.sql) }
            try raw.execute("PRAGMA user_version = 2")
            // The newer values sit under the name that sorts first.
            for (name, asOf, username) in [("allmine@https://a.example", 200, "newer"), ("allmine@https://b.example", 100, "older"),
                                           ("alice@example.com", 100, "host")] {
                try raw.execute("INSERT INTO cache VALUES (?, 'profile', ?, ?, 'server')",
                                [name, #"{"id":"u7","isLocked":false,"username":""# + username + #""}"#, asOf])
            }
            try raw.execute("""
                INSERT INTO outbox (id, account, idempotency_key, kind, payload, created_at)
                VALUES ('5B1F1C9E-3D43-4C55-9F0A-1B2C3D4E5F61', 'alice@example.com', '0F8E2D4C-6B5A-4938-8271-6A5B4C3D2E11',
                        'cancelDeletion', '{"cancelDeletion":{}}', 1)
                """)
        }
        let store = try AccountStore(path: path)
        let merged = try #require(try store.cached(AccountProfile.self, for: AccountID(backend: "allmine", userID: "u7")))
        #expect(merged.value.username == "newer")
        #expect(merged.asOf == Instant(millisecondsSince1970: 200))
        let held = try #require(try store.outboxOfEveryone().first)
        #expect(held.account.isHeld)
        #expect(held.account.userID == nil)
        #expect(held.account.backend == "")
    }

    @Test("a file that is not SQLite is a storage error, and is left untouched")
    func notSQLite() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("notes.txt")
        let bytes = Array(String(repeating: "These are my notes, not a database. ", count: 200).utf8)
        try write(bytes, to: path)
        chmod(path, 0o644)
        let before = modificationTime(of: path)
        expectStorageError(.notADatabase, opening: path)
        #expect(contents(of: path) == bytes)
        #expect(modificationTime(of: path) == before)
        #expect(mode(of: path) == 0o644)
        #expect(!fileExists(path + "-wal"))
    }

    @Test("a truncated store is reported damaged, and is left untouched")
    func truncated() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("store.sqlite")
        try makeStore(at: path, rows: 400)
        let whole = try #require(contents(of: path))
        #expect(whole.count > 64 * 1024)
        let half = Array(whole.prefix(whole.count / 2))
        try write(half, to: path)
        expectStorageError(.damaged, opening: path)
        #expect(contents(of: path) == half)
    }

    @Test("a store from a newer build is refused, and is left untouched")
    func newerVersion() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("store.sqlite")
        try makeStore(at: path)
        do {
            let raw = try Database(path: path, create: false)
            try raw.execute("PRAGMA user_version = 99")
        }
        let before = try #require(contents(of: path))
        let mtime = modificationTime(of: path)
        expectStorageError(.newerSchema(found: 99, supported: AccountStore.schemaVersion), opening: path)
        #expect(contents(of: path) == before)
        #expect(modificationTime(of: path) == mtime)
    }

    @Test("a missing directory is an error unless asked to create it, then it is made 0700")
    func missingDirectory() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("a/b/store.sqlite")
        expectStorageError(.directoryMissing, opening: path)
        #expect(!fileExists(directory.file("a")))
        _ = try AccountStore(path: path, createDirectory: true)
        #expect(mode(of: directory.file("a")) == 0o700)
        #expect(mode(of: directory.file("a/b")) == 0o700)
        #expect(mode(of: path) == 0o600)
    }

    @Test("a read-only directory is a storage error, for a new store and for an existing one")
    func readOnlyDirectory() async throws {
        let directory = try TemporaryDirectory()
        let newPath = directory.file("new/store.sqlite")
        let existingPath = directory.file("existing/store.sqlite")
        _ = try await run("/bin/mkdir", [directory.file("new"), directory.file("existing")])
        try makeStore(at: existingPath)
        let before = try #require(contents(of: existingPath))
        try await giveToNobody(directory.path)
        chmod(directory.file("new"), 0o500)
        chmod(directory.file("existing"), 0o500)

        let newResult = withFilesystemAccessOfNobody { Result { () throws(AccountError) in try AccountStore(path: newPath) } }
        #expect(newResult.error?.reason == .storage(.readOnly), "\(newResult)")
        #expect(!fileExists(newPath))

        let existingResult = withFilesystemAccessOfNobody {
            Result { () throws(AccountError) in try AccountStore(path: existingPath) }
        }
        #expect(existingResult.error?.reason == .storage(.readOnly), "\(existingResult)")
        #expect(contents(of: existingPath) == before)
    }
}

extension Result {
    var error: Failure? {
        if case .failure(let error) = self { error } else { nil }
    }
}


@Suite("Store: cache, outbox, audit trail, wipe")
struct StoreContentTests {
    @Test("cached values round-trip with their instant and source, one per account and kind")
    func cacheRoundTrip() throws {
        let directory = try TemporaryDirectory()
        let store = try AccountStore(path: directory.file("s.sqlite"))
        #expect(try store.cached(DeletionStatus.self, for: account) == nil)
        let pending = DeletionStatus(state: .pending, requestID: "r1", requestedAt: instant,
                                     scheduledFor: scheduled, canCancelUntil: scheduled, isLocked: true)
        try store.cache(pending, for: account, source: .server, asOf: instant)
        var cancelled = pending
        cancelled.state = .cancelled
        try store.cache(cancelled, for: account, source: .local, asOf: instant.adding(seconds: 1))
        try store.cache(DeletionStatus.none, for: AccountID(backend: "allmine", userID: "other"), source: .server, asOf: instant)
        let cached = try #require(try store.cached(DeletionStatus.self, for: account))
        #expect(cached == Cached(value: cancelled, asOf: instant.adding(seconds: 1), source: .local))
        try store.cache(UsernameCooldown(lastChangedAt: instant), for: account, source: .server, asOf: instant)
        #expect(try store.cached(UsernameCooldown.self, for: account)?.value.nextChangeAllowedAt
                == instant.adding(seconds: 30 * 86_400))
    }

    @Test("the outbox keeps the user's order and every field, and survives reopening")
    func outboxRoundTrip() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("s.sqlite")
        var cancel = OutboxOperation(account: account, payload: .cancelDeletion, createdAt: instant,
                                     deletionRequestID: "r1", deadline: scheduled)
        let rename = OutboxOperation(account: account, payload: .changeUsername(try Username(validating: "New_Name")),
                                     createdAt: instant.adding(seconds: 1))
        let request = OutboxOperation(account: account, payload: .requestDeletion(reason: "bye", days: 30, wipe: true),
                                      createdAt: instant.adding(seconds: 2))
        do {
            let store = try AccountStore(path: path)
            for operation in [cancel, rename, request] { try store.enqueue(operation) }
            try store.enqueue(OutboxOperation(account: AccountID(backend: "allmine", userID: "other"), payload: .cancelDeletion, createdAt: instant))
            cancel.attempts = 3
            cancel.nextAttemptAt = instant.adding(seconds: 8)
            cancel.lastError = "server(503)"
            cancel.state = .sending
            try store.write { database in try database.updateOutbox(cancel) }
        }
        let reopened = try AccountStore(path: path)
        #expect(try reopened.outbox(for: account) == [cancel, rename, request])
        #expect(try reopened.write { database in try database.deleteOutbox(id: rename.id) })
        #expect(try reopened.outbox(for: account).map(\.id) == [cancel.id, request.id])
    }

    @Test("close releases the file at once; a use after it is a storage error")
    func close() throws {
        let directory = try TemporaryDirectory()
        let store = try AccountStore(path: directory.file("s.sqlite"))
        try store.enqueue(OutboxOperation(account: account, payload: .cancelDeletion, createdAt: instant))
        store.close()
        store.close()
        // The last connection closed: SQLite checkpointed and removed its WAL.
        #expect(!fileExists(directory.file("s.sqlite-wal")))
        #expect(throws: AccountError.self) { try store.outbox(for: account) }
        #expect(try AccountStore(path: directory.file("s.sqlite")).outbox(for: account).count == 1)
    }

    @Test("an idempotency key is never stored twice")
    func uniqueKeys() throws {
        let directory = try TemporaryDirectory()
        let store = try AccountStore(path: directory.file("s.sqlite"))
        let first = OutboxOperation(account: account, payload: .cancelDeletion, createdAt: instant)
        try store.enqueue(first)
        let clash = OutboxOperation(account: account, payload: .cancelDeletion, createdAt: instant,
                                    idempotencyKey: first.idempotencyKey)
        #expect(throws: AccountError.self) { try store.enqueue(clash) }
        #expect(try store.outbox(for: account).count == 1)
    }

    @Test("the audit trail keeps what happened, in order")
    func auditTrail() throws {
        let directory = try TemporaryDirectory()
        let store = try AccountStore(path: directory.file("s.sqlite"))
        let id = UniqueID()
        let entries = [
            AuditEntry(at: instant, action: .cancelDeletion, outcome: .queued, operationID: id),
            AuditEntry(at: instant.adding(seconds: 5), action: .cancelDeletion, outcome: .failed,
                       httpStatus: 503, errorCode: .server, operationID: id),
            AuditEntry(at: instant.adding(seconds: 9), action: .cancelDeletion, outcome: .succeeded,
                       httpStatus: 200, operationID: id),
        ]
        for entry in entries { try store.record(entry, for: account) }
        #expect(try store.auditTrail(for: account) == entries)
    }

    @Test("after wipe, no byte of the username is left in the database file or its WAL")
    func wipe() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("s.sqlite")
        let store = try AccountStore(path: path)
        let name = "wipe_me_qzx"
        try store.cache(AccountProfile(id: "u1", username: name, email: "qzx@example.com"),
                        for: account, source: .server, asOf: instant)
        try store.enqueue(OutboxOperation(account: account, payload: .changeUsername(try Username(validating: name + "2")),
                                          createdAt: instant))
        try store.record(AuditEntry(at: instant, action: .changeUsername, outcome: .queued), for: account)
        try store.cache(AccountProfile(id: "u2", username: "keeps_this_one"), for: AccountID(backend: "allmine", userID: "other"),
                        source: .server, asOf: instant)
        // Push the first copies into the main file too, then write once more
        // so the WAL also holds a page with the name.
        try store.read { database in try database.checkpointTruncating() }
        try store.cache(DeletionStatus.none, for: account, source: .server, asOf: instant)
        let inFiles = { (text: String) in
            [path, path + "-wal"].contains { contents(of: $0).map { contains($0, text) } ?? false }
        }
        #expect(inFiles(name), "the test must see the name before the wipe")
        #expect(contains(try #require(contents(of: path + "-wal")), name))

        try store.wipe(account)

        #expect(!inFiles(name))
        #expect(!inFiles("qzx@example.com"))
        #expect(try store.cached(AccountProfile.self, for: account) == nil)
        #expect(try store.outbox(for: account).isEmpty)
        #expect(try store.auditTrail(for: account).isEmpty)
        #expect(try store.cached(AccountProfile.self, for: AccountID(backend: "allmine", userID: "other"))?.value.username == "keeps_this_one")
    }
}
