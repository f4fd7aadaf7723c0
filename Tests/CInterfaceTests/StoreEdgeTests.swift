import AccountCore
import AccountEmulator
import FoundationEssentials
import SQLiteDB
import Testing
import TestSupport

/// The file's edge through `account_core.h` (`c/store_edge.c`): the app's
/// fingerprint key, a tampered store, a row this version cannot read.
@Suite("C interface: the store file's edge", .shippedLibrary)
struct StoreEdgeTests {
    /// Runs `scene` of `store_edge` on the store at `path`.
    private func run(_ scene: String, harness: Harness, token: String, path: String, account: String = "",
                     in directory: TemporaryDirectory) async throws -> ProcessResult {
        let program = try await CInterface.compile("store_edge", in: directory)
        return try await CInterface.run(program, [scene, harness.emulator.baseURL, token, path, account], seconds: 60)
    }

    @Test("\"fingerprintKey\": a bad length or bad base64 is AC_ERR_ARGUMENT before any file is made; 32 bytes open, and the file keeps no key")
    func fingerprintKey() async throws {
        let (harness, token) = try CInterface.emulator()
        let directory = try TemporaryDirectory()
        let path = directory.file("store.sqlite")
        let result = try await run("key", harness: harness, token: token, path: path, in: directory)
        #expect(result.status == 0, "\(CInterface.describe(result, seconds: 60))")
        let raw = try Database(path: path, create: false)
        #expect(try raw.scalarInt("SELECT count(*) FROM store_key") == 0)
    }

    @Test("a store with a planted trigger: ac_open is AC_ERR_STORAGE naming it, not the path; the file unchanged")
    func plantedTrigger() async throws {
        let (harness, token) = try CInterface.emulator()
        let directory = try TemporaryDirectory()
        let path = directory.file("store.sqlite")
        _ = try AccountStore(path: path)
        do {
            let raw = try Database(path: path, create: false)
            try raw.executeScript("""
                CREATE TRIGGER copy_outbox AFTER INSERT ON outbox BEGIN
                    INSERT INTO audit (account, at, action, outcome) VALUES ('thief', 0, new.payload, 'queued');
                END;
                """)
        }
        let before = try #require(contents(of: path))
        let result = try await run("planted", harness: harness, token: token, path: path, in: directory)
        #expect(result.status == 0, "\(CInterface.describe(result, seconds: 60))")
        #expect(contents(of: path) == before)
    }

    @Test("a row of a newer version: listed as unreadable with its id and kind, the cancel delivered past it, dropped by a discarding sign-out")
    func unreadableRow() async throws {
        let (harness, token) = try CInterface.emulator()
        let reply = try await harness.curl("POST", "/api/v1/users/me/account-deletion", token: token, body: "{}")
        #expect(reply.status == 200)
        let directory = try TemporaryDirectory()
        let path = directory.file("store.sqlite")
        let owner = EmulatedBackend.allmine.demoAccount
        // The C program opens it on loopback: development.
        _ = try AccountStore(path: path, environment: .development)
        do {
            let raw = try Database(path: path, create: false)
            try raw.execute("""
                INSERT INTO outbox (id, account, idempotency_key, kind, payload, created_at, environment)
                VALUES ('7D0C2B1A-0000-4000-8000-00000000F001', ?, '7D0C2B1A-0000-4000-8000-00000000E001',
                        'transferAccount', '{"transferAccount":{"to":"x"}}', 0, 'development')
                """, [owner.rawValue])
        }
        let result = try await run("unreadable", harness: harness, token: token, path: path,
                                   account: try #require(owner.userID), in: directory)
        #expect(result.status == 0, "\(CInterface.describe(result, seconds: 60))")
        #expect(try await CInterface.applied(harness) == ["requestDeletion", "cancelDeletion"])
    }
}
