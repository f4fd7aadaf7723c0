@testable import AccountCore
import FoundationEssentials
import SQLiteDB
import Testing
import TestSupport

/// A store file with `plant` run on it by a plain connection, as someone
/// with the file in hand could: made at the current schema, with a queued
/// operation, closed again.
private func plantedStore(in directory: TemporaryDirectory, _ plant: String) throws -> String {
    let path = directory.file("store.sqlite")
    try makeStore(at: path, rows: 1)
    let raw = try Database(path: path, create: false)
    try raw.executeScript(plant)
    raw.close()
    return path
}

/// The SHA-256 of the file at `path`, in hex.
private func hash(of path: String) throws -> String {
    SHA256.hexDigits(SHA256.digest(try #require(contents(of: path))))
}

/// Opens `path`, expecting it refused as holding `type` `name`, and the
/// file's bytes unchanged.
private func expectRefused(_ path: String, naming type: String, _ name: String,
                           sourceLocation: SourceLocation = #_sourceLocation) throws {
    let before = try hash(of: path)
    do {
        _ = try AccountStore(path: path)
        Issue.record("opened a store holding \(type) \(name)", sourceLocation: sourceLocation)
    } catch {
        #expect(error.reason == .storage(.foreignSchema(type: type, name: name)), "\(error)",
                sourceLocation: sourceLocation)
        let message = Localizer(language: .english).message(for: error)
        #expect(message.contains(name) && message.contains(type), "\(message)", sourceLocation: sourceLocation)
        // Named by what it is, never by where the file lives.
        #expect(!"\(error)".contains(path) && !message.contains(path), sourceLocation: sourceLocation)
    }
    #expect(try hash(of: path) == before, "the file changed", sourceLocation: sourceLocation)
}

@Suite("Store: a tampered file is refused at open, nothing in it run, nothing changed")
struct TamperedStoreTests {
    @Test("the connection is defensive and trusts no function in the file's schema")
    func defensiveConnection() throws {
        let directory = try TemporaryDirectory()
        let store = try AccountStore(path: directory.file("store.sqlite"))
        let trusted = try store.read { database in try database.scalarInt("PRAGMA trusted_schema") }
        #expect(trusted == 0)
        // Defensive: the schema table cannot be written, whatever asks.
        #expect(throws: AccountError.self) {
            try store.read { database in
                try database.executeScript("PRAGMA writable_schema = ON; UPDATE sqlite_master SET sql = sql;")
            }
        }
    }

    @Test("a trigger that copies each queued operation elsewhere: refused naming it; it never ran")
    func plantedTrigger() throws {
        let directory = try TemporaryDirectory()
        let path = try plantedStore(in: directory, """
            CREATE TRIGGER copy_outbox AFTER INSERT ON outbox BEGIN
                INSERT INTO audit (account, at, action, outcome) VALUES ('thief', 0, new.payload, 'queued');
            END;
            """)
        try expectRefused(path, naming: "trigger", "copy_outbox")
        // Nothing was copied: the file still holds no row of the thief's.
        let raw = try Database(path: path, create: false)
        #expect(try raw.scalarInt("SELECT count(*) FROM audit WHERE account = 'thief'") == 0)
    }

    @Test("a trigger of the history's name with another body is refused too")
    func replacedTrigger() throws {
        let directory = try TemporaryDirectory()
        let path = try plantedStore(in: directory, """
            DROP TRIGGER outbox_tally_insert;
            CREATE TRIGGER outbox_tally_insert AFTER INSERT ON outbox BEGIN
                INSERT INTO audit (account, at, action, outcome) VALUES ('thief', 0, new.payload, 'queued');
            END;
            """)
        try expectRefused(path, naming: "trigger", "outbox_tally_insert")
    }

    @Test("a planted view, and a planted table, are each refused naming them")
    func plantedViewAndTable() throws {
        let directory = try TemporaryDirectory()
        let view = try plantedStore(in: directory, "CREATE VIEW every_payload AS SELECT payload FROM outbox;")
        try expectRefused(view, naming: "view", "every_payload")

        let other = try TemporaryDirectory()
        let table = try plantedStore(in: other, "CREATE TABLE loot (payload TEXT);")
        try expectRefused(table, naming: "table", "loot")

        let third = try TemporaryDirectory()
        let index = try plantedStore(in: third, "CREATE INDEX by_payload ON outbox (payload);")
        try expectRefused(index, naming: "index", "by_payload")
    }

    @Test("an earlier version's file with something planted is refused before it is migrated")
    func plantedInVersion1() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("store.sqlite")
        try write(try #require(contents(of: fixtures + "/store-v1.sqlite")), to: path)
        do {
            let raw = try Database(path: path, create: false)
            try raw.executeScript("""
                CREATE TRIGGER copy_outbox AFTER UPDATE ON outbox BEGIN SELECT 1; END;
                """)
        }
        try expectRefused(path, naming: "trigger", "copy_outbox")
        let raw = try Database(path: path, create: false)
        #expect(try raw.userVersion() == 1)
    }

    @Test("a file missing a trigger the history made is damaged, and left as it is")
    func missingTrigger() throws {
        let directory = try TemporaryDirectory()
        let path = try plantedStore(in: directory, "DROP TRIGGER outbox_tally_delete;")
        let before = try hash(of: path)
        expectStorageError(.damaged, opening: path)
        #expect(try hash(of: path) == before)
    }

    @Test("stores of versions 1 and 2 still open and migrate, and open again")
    func earlierVersionsOpen() throws {
        for name in ["store-v1.sqlite", "store-v2.sqlite"] {
            let directory = try TemporaryDirectory()
            let path = directory.file("store.sqlite")
            try write(try #require(contents(of: fixtures + "/" + name)), to: path)
            let count = try AccountStore(path: path).outboxOfEveryone().count
            #expect(count > 0)
            let again = try AccountStore(path: path)
            #expect(try again.read { database in try database.userVersion() } == AccountStore.schemaVersion)
            #expect(try again.outboxOfEveryone().count == count)
        }
    }
}

@Suite("Store: migration 5 sets no row aside by itself, and keeps every byte")
struct UnreadableMigrationTests {
    @Test("a version 4 store with a newer version's row and a damaged one: migrated with every value as it was")
    func fromVersion4() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("store.sqlite")
        let rows: [(id: String, kind: String, payload: String)] = [
            ("5B1F1C9E-3D43-4C55-9F0A-1B2C3D4E5F61", "cancelDeletion", #"{"cancelDeletion":{}}"#),
            ("5B1F1C9E-3D43-4C55-9F0A-1B2C3D4E5F62", "transferAccount", #"{"transferAccount":{"to":"bob"}}"#),
            ("5B1F1C9E-3D43-4C55-9F0A-1B2C3D4E5F63", "requestDeletion", #"{"requestDeletion":{"reason":5"#),
        ]
        do {
            let raw = try Database(path: path, create: true)
            for migration in Schema.migrator.migrations.prefix(4) { try raw.executeScript(migration.sql) }
            try raw.execute("PRAGMA user_version = 4")
            for (index, row) in rows.enumerated() {
                try raw.execute("""
                    INSERT INTO outbox (id, account, idempotency_key, kind, payload, created_at)
                    VALUES (?, 'allmine:u1', ?, ?, ?, 1)
                    """, [row.id, "0F8E2D4C-6B5A-4938-8271-6A5B4C3D2E1\(index)", row.kind, row.payload])
            }
        }
        let store = try AccountStore(path: path)
        let stored = try store.read { database in
            try database.query("SELECT id, kind, payload, state FROM outbox ORDER BY seq") { row in
                [row.text(0), row.text(1), row.text(2), row.text(3)]
            }
        }
        #expect(stored == rows.map { [$0.id, $0.kind, $0.payload, "queued"] })
        #expect(try store.outbox(for: account).map(\.kind) == [.cancelDeletion])
        #expect(try store.unreadableOutbox(for: account).map(\.kind) == ["transferAccount", "requestDeletion"])
        #expect(try store.read { database in try database.outboxCounts(for: account, in: .production) } == OutboxCounts(queued: 3))
        // The new state is allowed, and the tally follows it.
        try store.write { database in try database.setAsideUnreadable([2, 3]) }
        #expect(try store.read { database in try database.outboxCounts(for: account, in: .production) }
                == OutboxCounts(queued: 1, unreadable: 2))
    }
}
