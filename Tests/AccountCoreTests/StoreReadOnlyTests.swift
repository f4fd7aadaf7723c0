@testable import AccountCore
import SQLiteDB
import Testing
import TestSupport

/// The store's reads cannot write (issue 30, as GRDB's readers and
/// `query_only`): outside `write`, the connection refuses every statement
/// that would change the file (`Database.setQueryOnly`), so a read that would write
/// fails at once, through the one error mapping, and changes nothing.
@Suite("Store: reads cannot write")
struct StoreReadOnlyTests {
    private struct Refused: Error {}

    /// Expects `body`, run as a read, to be refused as a write to a
    /// read-only store, with SQLite's own words in the detail.
    private func expectRefused(_ store: AccountStore, sourceLocation: SourceLocation = #_sourceLocation,
                               _ body: (Database) throws -> Void) {
        do {
            try store.read { database in try body(database) }
            Issue.record("a write through read was not refused", sourceLocation: sourceLocation)
        } catch {
            #expect(error.reason == .storage(.readOnly), "\(error)", sourceLocation: sourceLocation)
            #expect(error.code == .storage, sourceLocation: sourceLocation)
            #expect(error.detail?.contains("readonly") == true, "\(error.detail ?? "no detail")",
                    sourceLocation: sourceLocation)
        }
    }

    @Test("an INSERT, UPDATE, DELETE, BEGIN, a pragma that sets or a script through read fails with SQLITE_READONLY and changes nothing")
    func readRefusesWrites() throws {
        let directory = try TemporaryDirectory()
        let store = try AccountStore(path: directory.file("s.sqlite"))
        try store.enqueue(OutboxOperation(account: account, payload: .cancelDeletion, createdAt: instant))
        let before = try store.outbox(for: account)
        #expect(before.count == 1)

        expectRefused(store) { database in try database.execute("DELETE FROM outbox") }
        expectRefused(store) { database in try database.execute("UPDATE outbox SET attempts = 9") }
        expectRefused(store) { database in try database.execute("DELETE FROM store_key") }
        expectRefused(store) { database in try database.transaction { try database.execute("DELETE FROM outbox") } }
        // A BEGIN writes nothing itself, but opens what only `write` may.
        expectRefused(store) { database in try database.execute("BEGIN IMMEDIATE") }
        expectRefused(store) { database in try database.execute("PRAGMA user_version = 99") }
        expectRefused(store) { database in try database.executeScript("DELETE FROM outbox; DELETE FROM audit;") }
        // Reading a pragma is a read.
        #expect(try store.read { database in try database.userVersion() } == AccountStore.schemaVersion)
        #expect(try store.outbox(for: account) == before)
        // Nothing was left open: a write still begins and commits.
        try store.enqueue(OutboxOperation(account: account, payload: .requestDeletion(reason: nil, days: nil, wipe: nil),
                                          createdAt: instant))
        #expect(try store.outbox(for: account).count == 2)
        try store.write { database in try database.execute("DELETE FROM outbox WHERE kind = 'requestDeletion'") }
        #expect(try store.outbox(for: account) == before)
        #expect(try store.read { database in database.isQueryOnly })
    }

    @Test("write may write, and leaves the connection refusing writes again, whether its body returns or throws")
    func writeRestoresQueryOnly() throws {
        let directory = try TemporaryDirectory()
        let store = try AccountStore(path: directory.file("s.sqlite"))
        #expect(try store.write { database in database.isQueryOnly } == false)
        try store.enqueue(OutboxOperation(account: account, payload: .cancelDeletion, createdAt: instant))
        #expect(try store.read { database in database.isQueryOnly })

        #expect(throws: AccountError.self) {
            try store.write { database in
                try database.execute("DELETE FROM outbox")
                throw Refused()
            }
        }
        // Rolled back, and reads refuse writes again.
        #expect(try store.outbox(for: account).count == 1)
        expectRefused(store) { database in try database.execute("DELETE FROM outbox") }
        #expect(try store.outbox(for: account).count == 1)

        // A wipe (a write, then a checkpoint from the read side) still works.
        try store.wipe(account)
        #expect(try store.outbox(for: account).isEmpty)
    }
}
