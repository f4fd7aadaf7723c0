@testable import AccountCore
import AccountEmulator
import FoundationEssentials
import SQLiteDB
import Testing
import TestSupport

/// Rows of the signed-in user that this build cannot read, written as a
/// newer version or a damaged file would have them: a kind it does not
/// know, a payload member of the wrong type, a payload that is not JSON.
private let badRows: [(id: String, kind: String, payload: String)] = [
    ("7D0C2B1A-0000-4000-8000-00000000F001", "transferAccount", #"{"transferAccount":{"to":"bob","at":1}}"#),
    ("7D0C2B1A-0000-4000-8000-00000000F002", "requestDeletion", #"{"requestDeletion":{"reason":5}}"#),
    ("7D0C2B1A-0000-4000-8000-00000000F003", "changeUsername", "not json {"),
]

/// Writes `badRows` into the outbox of `account`, behind what is there.
private func plantBadRows(in store: AccountStore, for account: AccountID) throws {
    try store.write { database in
        for (index, row) in badRows.enumerated() {
            try database.execute("""
                INSERT INTO outbox (id, account, idempotency_key, kind, payload, created_at, environment)
                VALUES (?, ?, ?, ?, ?, ?, 'production')
                """, [row.id, account.rawValue, "7D0C2B1A-0000-4000-8000-00000000E00\(index)", row.kind, row.payload,
                      start.millisecondsSince1970])
        }
    }
}

/// The stored bytes of the rows with `badRows`' ids.
private func storedBadRows(_ store: AccountStore) throws -> [[String]] {
    try store.read { database in
        try database.query("SELECT id, kind, payload FROM outbox WHERE id LIKE '7D0C2B1A-%' ORDER BY seq") { row in
            [row.text(0), row.text(1), row.text(2)]
        }
    }
}

@Suite("Sync engine: one unreadable row never blocks the rest")
struct UnreadableRowTests {
    @Test("a newer version's row and damaged ones are set aside; the next cancel is queued and delivered; outbox lists them; a discarding sign-out drops them")
    func cancelGoesPastUnreadableRows() async throws {
        let harness = try SyncHarness()
        #expect(try await harness.engine.requestDeletion().outcome?.deletion?.state == .pending)
        try plantBadRows(in: harness.store, for: harness.account)

        // Listed, each with its id and the kind as stored, and nothing else
        // fails for it.
        #expect(try harness.engine.outbox().isEmpty)
        let listed = try harness.engine.unreadableOperations()
        #expect(listed.map(\.id) == badRows.map(\.id))
        #expect(listed.map(\.kind) == badRows.map(\.kind))
        _ = try harness.engine.statusWithoutNetwork()
        _ = try await harness.engine.status()

        // The cancel that matters: queued behind them, and delivered at once.
        let cancel = try await harness.engine.cancelDeletion()
        #expect(cancel.outcome?.deletion?.state == .cancelled, "\(cancel)")
        #expect(try await harness.applied() == ["requestDeletion", "cancelDeletion"])
        #expect(try await harness.engine.status().deletion.state == .cancelled)
        #expect(try await harness.engine.sync() == .init(sent: 0, failed: 0, remaining: 0))
        // None of them was sent, and the drain set them aside: counted as
        // unreadable, not as waiting.
        #expect(try await harness.accountRequests().filter { $0["method"] != "GET" }.count == 2)
        #expect(try await harness.engine.status().counts == OutboxCounts(unreadable: 3))
        #expect(try harness.engine.unreadableOperations().map(\.id) == badRows.map(\.id))
        // Their bytes are as they were written.
        #expect(try storedBadRows(harness.store) == badRows.map { [$0.id, $0.kind, $0.payload] })

        // A sign-out lists them among the unsent; with discard they go,
        // audited as discarded (the unknown kind's entry too, in the file).
        let signedOut = try harness.engine.signOut(discard: true)
        #expect(signedOut.unsent.isEmpty)
        #expect(signedOut.unreadable.map(\.id) == badRows.map(\.id))
        #expect(try storedBadRows(harness.store).isEmpty)
        #expect(try harness.store.unreadableOutbox(for: nil).isEmpty)
        let discarded = try harness.store.read { database in
            try database.query("SELECT action FROM audit WHERE outcome = 'discarded' ORDER BY seq") { $0.text(0) }
        }
        #expect(discarded == badRows.map(\.kind))
        // The trail this build reads leaves out the kind it does not know.
        #expect(try harness.store.auditTrail(for: harness.account).filter { $0.outcome == .discarded }.map(\.action)
                == [.requestDeletion, .changeUsername])
    }

    @Test("offline, a cancel never cancels out against an unreadable request; it is queued, the row kept")
    func noCoalescingWithUnreadable() async throws {
        let harness = try SyncHarness(online: false)
        try plantBadRows(in: harness.store, for: harness.account)
        let submission = try await harness.engine.cancelDeletion()
        #expect(!submission.isCoalesced)
        #expect(submission.queuedOperation?.kind == .cancelDeletion)
        #expect(try harness.engine.outbox().map(\.kind) == [.cancelDeletion])
        #expect(try storedBadRows(harness.store).count == 3)
        // Until a drain meets them they count as queued; the status still
        // shows only the readable cancel.
        let status = try await harness.engine.status()
        #expect(status.queued.map(\.kind) == [.cancelDeletion])
        #expect(status.counts.queued == 4)
    }

    @Test("a row whose id is a blob and whose times are text is set aside, listed and dropped all the same")
    func wrongTypes() async throws {
        let harness = try SyncHarness()
        try harness.store.write { [account = harness.account] database in
            try database.execute("""
                INSERT INTO outbox (id, account, idempotency_key, kind, payload, created_at, attempts, environment)
                VALUES (X'00FF10', ?, X'01', 'cancelDeletion', X'7B7D', 'yesterday', 'many', 'production')
                """, [account.rawValue])
        }
        #expect(try harness.engine.unreadableOperations().map(\.kind) == ["cancelDeletion"])
        #expect(try await harness.engine.requestDeletion().outcome?.deletion?.state == .pending)
        #expect(try await harness.engine.status().counts == OutboxCounts(unreadable: 1))
        let signedOut = try harness.engine.signOut(discard: true)
        #expect(signedOut.unreadable.count == 1)
        #expect(try harness.store.read { database in try database.scalarInt("SELECT count(*) FROM outbox") } == 0)
    }

    @Test("everyone's outbox lists them too, with their owner and when they were made")
    func everyonesOutbox() async throws {
        let harness = try SyncHarness(online: false)
        try plantBadRows(in: harness.store, for: harness.account)
        let everyone = try harness.engine.unreadableOperations(everyone: true)
        #expect(everyone.map(\.kind) == badRows.map(\.kind))
        #expect(everyone.allSatisfy { $0.account == harness.account && $0.createdAt == start })
    }
}
