import AccountCore
import FoundationEssentials
import SQLiteDB
import Testing
import TestSupport

@Suite("acct: an operation made in the other environment is held, and says why")
struct HeldOperationTests {
    static let id = "7D0C2B1A-0000-4000-8000-00000000F101"

    @Test("listed as held in English, Turkish and JSON; never sent; counted as held; dropped by a discarding sign-out")
    func heldListedNeverSentDropped() async throws {
        // acct's embedded emulator is development: a row made against a
        // production server, with the same user id, is held here.
        let acct = try Acct()
        #expect(try await acct("--offline", "rename", "renamed_here").status == 3)
        let owner = try #require(try AccountStore(path: acct.storePath, environment: .development)
            .outboxOfEveryone().first?.account)
        do {
            let raw = try Database(path: acct.storePath, create: false)
            try raw.execute("""
                INSERT INTO outbox (id, account, idempotency_key, kind, payload, created_at, environment)
                VALUES (?, ?, '7D0C2B1A-0000-4000-8000-00000000E101', 'requestDeletion', '{"requestDeletion":{}}', 0,
                        'production')
                """, [Self.id, owner.rawValue])
        }

        var result = try await acct("--offline", "outbox")
        #expect(result.status == 0, "\(result.errorOutput)")
        #expect(result.output.contains("  Made against a production server: held, never sent to development.\n"),
                "\(result.output)")
        result = try await acct("--offline", "--lang", "tr", "outbox")
        #expect(result.output.contains("  Üretim sunucusunda yapıldı: bekletiliyor, geliştirme sunucusuna asla gönderilmez.\n"),
                "\(result.output)")
        let (_, json) = try await acct.json("--offline", "outbox", "--all")
        let held = try #require(json?["queued"]?.arrayValue?.first { $0["id"]?.stringValue?.uppercased() == Self.id })
        #expect(held["environment"] == "production")
        #expect(held["held"] == true)
        #expect(held["heldReason"] == "Made against a production server: held, never sent to development.")
        let (_, status) = try await acct.json("--offline", "status")
        #expect(status?["environment"] == "development")
        #expect(status?["counts"] == ["queued": 1, "failed": 0, "missed": 0, "unreadable": 0, "held": 1])

        // Only the rename goes; the held request stays, unsent.
        result = try await acct("sync")
        #expect(result.output == "1 change sent.\n", "\(result.output)\(result.errorOutput)")
        #expect(try await acct("status").output.hasPrefix("No deletion has been requested.\n"))
        #expect(try AccountStore(path: acct.storePath, environment: .development).outboxOfEveryone().map(\.id.uuidString)
                == [Self.id])

        result = try await acct("signout", "--discard")
        #expect(result.status == 0, "\(result.errorOutput)")
        #expect(try AccountStore(path: acct.storePath, environment: .development).outboxOfEveryone().isEmpty)
    }
}
