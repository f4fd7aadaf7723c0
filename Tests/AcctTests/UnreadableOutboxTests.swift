import AccountCore
import FoundationEssentials
import SQLiteDB
import Testing
import TestSupport

@Suite("acct: an outbox row this version cannot read")
struct UnreadableOutboxTests {
    static let id = "7D0C2B1A-0000-4000-8000-00000000F001"

    @Test("listed with its id and raw kind in English, Turkish and JSON; the cancel behind it goes; a discarding sign-out drops it")
    func listedSetAsideDropped() async throws {
        let acct = try Acct()
        #expect(try await acct("delete", "request").status == 0)
        #expect(try await acct("--offline", "delete", "cancel").status == 3)
        let owner = try #require(try AccountStore(path: acct.storePath).outboxOfEveryone().first?.account)
        do {
            // As a newer version would have written it, behind the cancel.
            let raw = try Database(path: acct.storePath, create: false)
            try raw.execute("""
                INSERT INTO outbox (id, account, idempotency_key, kind, payload, created_at, environment)
                VALUES (?, ?, '7D0C2B1A-0000-4000-8000-00000000E001', 'transferAccount', '{"transferAccount":{"to":"x"}}', 0,
                        'development')
                """, [Self.id, owner.rawValue])
        }

        var result = try await acct("--offline", "outbox")
        #expect(result.status == 0, "\(result.errorOutput)")
        #expect(result.output.contains("transferAccount · unreadable by this version (kept, never sent) · made"),
                "\(result.output)")
        #expect(result.output.contains("  id: \(Self.id)"))
        #expect(result.output.hasPrefix("cancellation · queued · made"))
        result = try await acct("--offline", "--lang", "tr", "outbox")
        #expect(result.output.contains("transferAccount · bu sürüm okuyamıyor (saklanıyor, hiç gönderilmez)"),
                "\(result.output)")
        #expect(result.output.contains("  kimlik: \(Self.id)"))
        let (_, json) = try await acct.json("--offline", "outbox", "--all")
        let unreadable = try #require(json?["queued"]?.arrayValue?.first { $0["state"] == "unreadable" })
        #expect(unreadable["id"] == .string(Self.id))
        #expect(unreadable["kind"] == "transferAccount")
        #expect(unreadable["attempts"] == .null)

        // The cancel goes; the row is set aside, not waiting.
        result = try await acct("sync")
        #expect(result.status == 0, "\(result.output)\(result.errorOutput)")
        #expect(result.output == "1 change sent.\n")
        #expect(try await acct("status").output
                == "The deletion was cancelled.\n1 more operation is in the outbox; acct outbox lists it.\n")
        let (_, status) = try await acct.json("--offline", "status")
        #expect(status?["counts"] == ["queued": 0, "failed": 0, "missed": 0, "unreadable": 1, "held": 0])

        // Signing out with discard drops it; without, it would stay.
        result = try await acct("signout", "--discard")
        #expect(result.status == 0, "\(result.errorOutput)")
        #expect(result.output.contains("transferAccount · unreadable by this version"), "\(result.output)")
        #expect(try AccountStore(path: acct.storePath).unreadableOutbox(for: nil).isEmpty)
    }
}
