@testable import AccountCore
import SQLiteDB
import Testing
import TestSupport

/// Schema version 4: the tally the outbox's triggers keep is what counting
/// the outbox would say, after any change, so that the status can read
/// counts without reading the queue.
@Suite("Store: the outbox tally")
struct OutboxTallyTests {
    /// The counts by a full scan, the way the tally must agree with.
    private func scanned(_ store: AccountStore, _ owner: AccountID) throws -> OutboxCounts {
        try store.read { database in
            var counts = OutboxCounts()
            _ = try database.query("SELECT state, count(*) FROM outbox WHERE account = ? GROUP BY state",
                                   [owner.rawValue]) { row in
                switch row.text(0) {
                case "queued", "sending": counts.queued += Int(row.int64(1))
                case "failed": counts.failed += Int(row.int64(1))
                default: counts.missed += Int(row.int64(1))
                }
            }
            return counts
        }
    }

    @Test("random inserts, deletes, state and owner changes: the tally always equals a count of the rows")
    func tallyFollowsEveryChange() throws {
        let directory = try TemporaryDirectory()
        let store = try AccountStore(path: directory.file("store.sqlite"))
        let owners = [account, AccountID(backend: "allmine", userID: "u2"), AccountID(backend: "ovok", userID: "u1")]
        var generator = SeededGenerator(seed: 18)
        var live: [OutboxOperation] = []
        for step in 0..<600 {
            switch Int.random(in: 0..<10, using: &generator) {
            case 0..<5:
                let operation = OutboxOperation(account: owners.randomElement(using: &generator) ?? account,
                                                payload: .cancelDeletion, createdAt: instant)
                try store.enqueue(operation)
                live.append(operation)
            case 5..<7 where !live.isEmpty:
                let index = Int.random(in: live.indices, using: &generator)
                _ = try store.write { database in try database.deleteOutbox(id: live[index].id) }
                live.remove(at: index)
            case 7..<9 where !live.isEmpty:
                let index = Int.random(in: live.indices, using: &generator)
                live[index].state = OutboxOperation.State.allCases.randomElement(using: &generator) ?? .failed
                let changed = live[index]
                try store.write { database in try database.updateOutbox(changed) }
            case 9 where !live.isEmpty:
                // What the store does when the server says whose a token is.
                let index = Int.random(in: live.indices, using: &generator)
                let moved = owners.randomElement(using: &generator) ?? account
                try store.write { database in
                    try database.execute("UPDATE outbox SET account = ? WHERE id = ?",
                                         [moved.rawValue, live[index].id.uuidString])
                }
                live[index].account = moved
            default:
                continue
            }
            for owner in owners {
                let tally = try store.read { database in try database.outboxCounts(for: owner, in: .production) }
                #expect(tally == (try scanned(store, owner)), "step \(step), \(owner)")
            }
        }
        #expect(live.count > 50, "the walk kept enough rows to mean something")
    }

    @Test("a wiped account leaves no row in the tally, and a migrated store starts with the right counts")
    func wipeAndMigration() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("store.sqlite")
        try write(try #require(contents(of: fixtures + "/store-v1.sqlite")), to: path)
        let store = try AccountStore(path: path)
        // The version 1 fixture holds a queued cancel and a queued rename.
        #expect(try store.read { database in try database.outboxCounts(for: account, in: .production) } == OutboxCounts(queued: 2))
        try store.wipe(account)
        #expect(try store.read { database in try database.scalarInt("SELECT count(*) FROM outbox_tally") } == 0)
    }
}

@Suite("Store: payload text")
struct PayloadTextTests {
    @Test("the constant texts of the payloads without arguments are what the general writer writes")
    func constantsMatch() throws {
        let payloads: [OperationPayload] = [
            .cancelDeletion, .requestDeletion(reason: nil, days: nil, wipe: nil),
            .requestDeletion(reason: "ş \"quoted\"", days: 7, wipe: true), .requestDeletion(reason: nil, days: 3, wipe: nil),
            .changeUsername(try Username(validating: "renamed_user")),
        ]
        for payload in payloads {
            #expect(payload.storedText == StoreJSON.text(payload.storedJSON))
            #expect(StoreJSON.value(payload.storedText).flatMap(OperationPayload.init(storedJSON:)) == payload)
        }
        #expect(OperationPayload.cancelDeletion.storedText == #"{"cancelDeletion":{}}"#)
    }
}
