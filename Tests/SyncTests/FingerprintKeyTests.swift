@testable import AccountCore
import AccountEmulator
import FoundationEssentials
import Testing
import TestSupport

/// Two keys an app could keep in its Keychain or Keystore.
private let keyOne = [UInt8](repeating: 0x11, count: 32)
private let keyTwo = [UInt8](repeating: 0x22, count: 32)

extension Harness {
    /// How many times a back end was asked whose a token is.
    func whoAmICount() async throws -> Int {
        try await requestsInMemory().filter { $0["method"] == "GET" && $0["path"] == "/api/v1/users/me" }.count
    }
}

/// Rows of the store's own key table.
private func keyRows(_ store: AccountStore) throws -> Int64? {
    try store.read { database in try database.scalarInt("SELECT count(*) FROM store_key") }
}

@Suite("Store: the fingerprint key may come from the app")
struct FingerprintKeyTests {
    @Test("with the app's key the file holds none; a token's owner is remembered under it; under another key the token is unknown, asked again, and nothing goes to the wrong person")
    func anotherKeyAsksAgain() async throws {
        let harness = try Harness()
        let alice = try await EmulatorUser(harness, username: "alice")
        let bob = try await EmulatorUser(harness, username: "bob")
        let aliceAccount = AccountID(backend: "allmine", userID: alice.id)
        let directory = try TemporaryDirectory()
        let path = directory.file("store.sqlite")

        // Opened first without a key: the file makes its own. With the
        // app's key, the file's is deleted.
        #expect(try keyRows(try AccountStore(path: path)) == 1)
        do {
            let store = try AccountStore(path: path, fingerprintKey: keyOne)
            #expect(try keyRows(store) == 0)
            // Alice's token, whoever she is: the server is asked once.
            let engine = try device(harness, store: store, token: alice.token)
            #expect(try await engine.requestDeletion().outcome?.deletion?.state == .pending)
            #expect(try await harness.whoAmICount() == 1)
            #expect(engine.sender.account == aliceAccount)
            // Offline, she cancels: hers, made under her token.
            engine.setOnline(false)
            #expect(try await engine.cancelDeletion().queuedOperation?.account == aliceAccount)
        }
        do {
            // The same key again: her token is known offline, not asked.
            let store = try AccountStore(path: path, fingerprintKey: keyOne)
            let engine = try device(harness, store: store, token: alice.token, online: false)
            #expect(engine.sender.account == aliceAccount)
            #expect(try await harness.whoAmICount() == 1)
        }
        do {
            // Another key: every stored fingerprint is unknown. Bob's token
            // is asked about and takes nothing of Alice's.
            let store = try AccountStore(path: path, fingerprintKey: keyTwo)
            #expect(try keyRows(store) == 0)
            let bobs = try device(harness, store: store, token: bob.token)
            #expect(try await bobs.sync().sent == 0)
            #expect(try await harness.whoAmICount() == 2)
            #expect(bobs.sender.account == AccountID(backend: "allmine", userID: bob.id))
            #expect(try store.outboxOfEveryone().map(\.account) == [aliceAccount])

            // Alice's own token, unknown under this key: asked again, then
            // her cancel goes, as hers.
            let hers = try device(harness, store: store, token: alice.token)
            #expect(hers.sender.account != aliceAccount)
            #expect(hers.sender.account?.isKnown == false)
            #expect(try await hers.sync().sent == 1)
            #expect(try await harness.whoAmICount() == 3)
            #expect(hers.sender.account == aliceAccount)
        }
        let applied = try await harness.applied()
        #expect(applied.map(\.action) == ["requestDeletion", "cancelDeletion"])
        #expect(applied.allSatisfy { $0.user == alice.id })
        // Back to no key: the file makes its own again, today's behaviour.
        #expect(try keyRows(try AccountStore(path: path)) == 1)
    }

    @Test("a key of another length than 32 bytes is refused before any file is touched")
    func badLengths() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("store.sqlite")
        for length in [0, 16, 31, 33, 64] {
            do {
                _ = try AccountStore(path: path, fingerprintKey: [UInt8](repeating: 1, count: length))
                Issue.record("a key of \(length) bytes was taken")
            } catch {
                #expect(error.reason == .invalidInput(.invalidConfiguration(field: "fingerprintKey")))
            }
        }
        #expect(contents(of: path) == nil)
    }
}
