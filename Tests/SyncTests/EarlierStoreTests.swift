@testable import AccountCore
import AccountEmulator
import FoundationEssentials
import Ovok
import Testing
import TestSupport

/// The store files of earlier schema versions, committed beside the store tests.
private let fixtures = packageRoot + "/Tests/AccountCoreTests/Fixtures"

/// A copy of the fixture `name` in a fresh directory, opened (and so migrated).
private func openFixture(_ name: String, in directory: TemporaryDirectory) throws -> AccountStore {
    let path = directory.file("store.sqlite")
    try write(try #require(contents(of: fixtures + "/" + name)), to: path)
    return try AccountStore(path: path)
}

@Suite("Sync engine: stores of earlier versions keep every operation, and send none under a guess")
struct EarlierStoreTests {
    @Test("version 1: the owner told by the cached profile; sent only as that user")
    func version1() async throws {
        let harness = try Harness()
        let directory = try TemporaryDirectory()
        let store = try openFixture("store-v1.sqlite", in: directory)
        let owner = AccountID(backend: "allmine", userID: "u1")
        let operations = try store.outboxOfEveryone()
        #expect(operations.map(\.kind) == [.cancelDeletion, .changeUsername])
        #expect(operations.allSatisfy { $0.account == owner })

        // The emulator's demo user is not u1: nothing of u1's goes.
        let stranger = try device(harness, store: store, token: try harness.token(.allmine))
        #expect(try await stranger.sync() == .init(sent: 0, failed: 0, remaining: 0))
        #expect(try await harness.applied().isEmpty)
        #expect(try store.outboxOfEveryone().count == 2)

        // u1 itself signs in: its rename goes; its cancel finds nothing
        // pending on this server, which is what the user wanted.
        let user = try await EmulatorUser(harness, username: "fixture_user", id: "u1")
        let own = try device(harness, store: store, token: user.token)
        #expect(try await own.sync() == .init(sent: 2, failed: 0, remaining: 0))
        #expect(try await harness.applied().map(\.user) == ["u1"])
        #expect(try await harness.applied().map(\.action) == ["changeUsername"])
        #expect(try await harness.user("u1")["username"] == "renamed_user")
    }

    @Test("version 2: the user told by the profile gets its rows; the others are held as owner unknown, never sent")
    func version2() async throws {
        let harness = try Harness()
        let directory = try TemporaryDirectory()
        let store = try openFixture("store-v2.sqlite", in: directory)
        let demo = EmulatedBackend.allmine.demoAccount
        let operations = try store.outboxOfEveryone()
        #expect(operations.count == 4)
        #expect(operations.map(\.account.userID) == [demo.userID, demo.userID, nil, nil])
        #expect(operations.map(\.account.backend) == ["allmine", "allmine", "allmine", "ovok"])
        #expect(try store.auditTrail(for: demo).count == 2)
        #expect(try store.cached(AccountProfile.self, for: demo)?.value.username == "demo_user")

        // Another Allmine user and an Ovok user sign in: nothing of anyone
        // else's goes, and nothing is taken as theirs by a guess.
        let bob = try await EmulatorUser(harness, username: "bob")
        #expect(try await device(harness, store: store, token: bob.token).sync().sent == 0)
        let max = try device(harness, store: store, backend: OvokBackend(), token: try harness.token(.ovok))
        #expect(try await max.sync().sent == 0)
        #expect(try await harness.applied().isEmpty)

        // The demo user signs in: exactly its own two go.
        let own = try device(harness, store: store, token: try harness.token(.allmine))
        #expect(try await own.sync() == .init(sent: 2, failed: 0, remaining: 0))
        #expect(try await harness.applied().map(\.user) == [demo.userID, demo.userID])
        #expect(try await harness.applied().map(\.action) == ["changeUsername", "requestDeletion"])
        #expect(try await harness.applied().map(\.key) == ["2c1d6e0a-1111-4a5b-8c9d-0000000000a1",
                                                      "2c1d6e0a-1111-4a5b-8c9d-0000000000a2"])
        // The two of unknown owners stay, listed, for whoever can claim them.
        #expect(try store.outboxOfEveryone().map(\.account.userID) == [nil, nil])
        #expect(try store.outboxOfEveryone().allSatisfy { $0.state == .queued })
    }
}
