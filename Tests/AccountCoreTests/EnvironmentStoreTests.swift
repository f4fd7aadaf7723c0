@testable import AccountCore
import SQLiteDB
import Testing
import TestSupport

@Suite("Environments: the default rules, the store's rows, the migration")
struct EnvironmentStoreTests {
    @Test("unnamed: development on loopback, production anywhere else; a named environment wins")
    func defaultRules() {
        for url in ["http://127.0.0.1:8080", "http://127.5.6.7/api", "http://[::1]:9", "http://localhost:1",
                    "https://localhost", "HTTP://LOCALHOST:3000"] {
            #expect(ClientConfiguration(baseURL: url).effectiveEnvironment == .development, "\(url)")
        }
        for url in ["https://api.allmine.example", "https://127.0.0.1.example.com", "https://localhost.example",
                    "http://127.0.0.01", "https://10.0.0.1", "http://user@127.0.0.1@evil.example"] {
            #expect(ClientConfiguration(baseURL: url).effectiveEnvironment == .production, "\(url)")
        }
        #expect(ClientConfiguration(baseURL: "http://127.0.0.1:1", environment: .production).effectiveEnvironment == .production)
        #expect(ClientConfiguration(baseURL: "https://dev.allmine.example", environment: .development)
                .effectiveEnvironment == .development)
    }

    @Test("a cached value of one environment is never read in the other")
    func cacheDoesNotCross() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("store.sqlite")
        let development = try AccountStore(path: path, environment: .development)
        let production = try AccountStore(path: path, environment: .production)
        let pending = DeletionStatus(state: .pending, requestedAt: start, scheduledFor: start.adding(seconds: 28 * 86_400),
                                     canCancelUntil: start.adding(seconds: 28 * 86_400), isLocked: true)
        try development.cache(pending, for: account, source: .server, asOf: start)
        #expect(try development.cached(DeletionStatus.self, for: account)?.value == pending)
        #expect(try production.cached(DeletionStatus.self, for: account) == nil)
        try production.cache(DeletionStatus.none, for: account, source: .server, asOf: start)
        #expect(try production.cached(DeletionStatus.self, for: account)?.value == DeletionStatus.none)
        #expect(try development.cached(DeletionStatus.self, for: account)?.value == pending)
    }

    @Test("version 1: the rows take the environment of the first configuration that opens the file")
    func version1TakesTheFirstEnvironment() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("store.sqlite")
        try write(try #require(contents(of: fixtures + "/store-v1.sqlite")), to: path)
        let development = try AccountStore(path: path, environment: .development)
        #expect(try development.outboxOfEveryone().map(\.environment) == [.development, .development])
        #expect(try development.read { database in try database.outboxCounts(for: account, in: .development) }
                == OutboxCounts(queued: 2))
        #expect(try development.cached(AccountProfile.self, for: account) != nil)
        // Opened later as production: held, not queued; the cache not shown.
        let production = try AccountStore(path: path, environment: .production)
        #expect(try production.read { database in try database.outboxCounts(for: account, in: .production) }
                == OutboxCounts(held: 2))
        #expect(try production.read { database in try database.nextQueued(for: account, in: .production) } == nil)
        #expect(try production.cached(AccountProfile.self, for: account) == nil)
    }

    @Test("version 2: opened first as production, its rows are production's, none development's")
    func version2TakesTheFirstEnvironment() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("store.sqlite")
        try write(try #require(contents(of: fixtures + "/store-v2.sqlite")), to: path)
        let production = try AccountStore(path: path, environment: .production)
        let rows = try production.outboxOfEveryone()
        #expect(rows.count == 4)
        #expect(rows.allSatisfy { $0.environment == .production })
        let demo = AccountID(backend: "allmine", userID: try #require(rows.first?.account.userID))
        #expect(try production.auditTrail(for: demo).count == 2)
        #expect(try production.cached(AccountProfile.self, for: demo) != nil)
        let development = try AccountStore(path: path, environment: .development)
        #expect(try development.auditTrail(for: demo).isEmpty)
        #expect(try development.cached(AccountProfile.self, for: demo) == nil)
        #expect(try development.read { database in try database.outboxCounts(for: demo, in: .development) }
                == OutboxCounts(held: 2))
    }

    @Test("version 5: the tally, the cache and the trail move to the first environment, once")
    func version5TakesTheFirstEnvironment() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("store.sqlite")
        do {
            let raw = try Database(path: path, create: true)
            for migration in Schema.migrator.migrations.prefix(5) { try raw.executeScript(migration.sql) }
            try raw.execute("PRAGMA user_version = 5")
            try raw.execute("""
                INSERT INTO outbox (id, account, idempotency_key, kind, payload, created_at)
                VALUES ('5B1F1C9E-3D43-4C55-9F0A-1B2C3D4E5F61', 'allmine:u1', '0F8E2D4C-6B5A-4938-8271-6A5B4C3D2E11',
                        'cancelDeletion', '{"cancelDeletion":{}}', 1)
                """)
            try raw.execute("""
                INSERT INTO cache VALUES ('allmine:u1', 'profile', '{"id":"u1","isLocked":false,"username":"five"}', 1, 'server')
                """)
            try raw.execute("""
                INSERT INTO audit (account, at, action, outcome) VALUES ('allmine:u1', 1, 'cancelDeletion', 'queued')
                """)
        }
        let development = try AccountStore(path: path, environment: .development)
        #expect(try development.read { database in try database.userVersion() } == 7)
        #expect(try development.read { database in try database.outboxCounts(for: account, in: .development) }
                == OutboxCounts(queued: 1))
        #expect(try development.read { database in
            try database.query("SELECT environment, state, count FROM outbox_tally") { row in
                [row.text(0), row.text(1), String(row.int64(2))]
            }
        } == [["development", "queued", "1"]])
        #expect(try development.cached(AccountProfile.self, for: account)?.value.username == "five")
        #expect(try development.auditTrail(for: account).map(\.action) == [.cancelDeletion])
        #expect(try development.read { database in try database.scalarInt("SELECT count(*) FROM environment_unnamed") } == 0)
        // Production opens it next: nothing is adopted again.
        let production = try AccountStore(path: path, environment: .production)
        #expect(try production.read { database in try database.outboxCounts(for: account, in: .production) }
                == OutboxCounts(held: 1))
        #expect(try production.cached(AccountProfile.self, for: account) == nil)
        #expect(try production.auditTrail(for: account).isEmpty)
        #expect(try production.outboxOfEveryone().map(\.environment) == [.development])
    }
}
