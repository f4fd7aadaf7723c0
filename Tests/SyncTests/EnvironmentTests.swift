@testable import AccountCore
import AccountEmulator
import Allmine
import FoundationEssentials
import Testing
import TestSupport

/// Development servers often hold copies of production users with the same
/// ids: here two emulators on loopback, one configured as development, one
/// as production, each with a user of the same id, and one store file.
@Suite("Sync engine: nothing crosses between development and production")
struct EnvironmentTests {
    /// What a back end's request log says was asked to change data.
    private func mutatingRequests(_ harness: Harness) async throws -> [String] {
        try await harness.requests().compactMap { request in
            guard let method = request["method"]?.stringValue, method != "GET" else { return nil }
            return method + " " + (request["path"]?.stringValue ?? "")
        }
    }

    @Test("queued against development: never sent to production, held and counted as such, dropped by a discarding sign-out")
    func developmentNeverReachesProduction() async throws {
        let development = try Harness()
        let production = try Harness()
        let developmentUser = try await EmulatorUser(development, username: "same_person", id: "u-shared")
        let productionUser = try await EmulatorUser(production, username: "same_person", id: "u-shared")
        let directory = try TemporaryDirectory()
        let path = directory.file("store.sqlite")
        let account = AccountID(backend: "allmine", userID: "u-shared")

        // Against development (loopback, unnamed: development): the profile
        // is cached, then a deletion request and a rename wait offline.
        let developmentStore = try AccountStore(path: path, environment: .development)
        let onDevelopment = try device(development, store: developmentStore, token: developmentUser.token, account: "u-shared")
        #expect(try await onDevelopment.profile().username == "same_person")
        onDevelopment.setOnline(false)
        guard case .queued = try await onDevelopment.requestDeletion(reason: "testing") else {
            Issue.record("the request was not queued")
            return
        }
        guard case .queued = try await onDevelopment.changeUsername(to: "renamed_in_dev") else {
            Issue.record("the rename was not queued")
            return
        }
        #expect(try developmentStore.cached(AccountProfile.self, for: account) != nil)

        // The same file, configured as production (loopback, so named
        // explicitly): nothing of development's is shown, counted as
        // queued, or sent.
        let productionStore = try AccountStore(path: path, environment: .production)
        let onProduction = try device(production, store: productionStore, token: productionUser.token, account: "u-shared",
                                      environment: .production)
        #expect(try productionStore.cached(AccountProfile.self, for: account) == nil)
        #expect(try productionStore.cached(DeletionStatus.self, for: account) == nil)
        let local = try onProduction.localStatus()
        #expect(local.deletion.state == .none)
        #expect(local.queued.isEmpty)
        #expect(local.counts == OutboxCounts(held: 2))
        #expect(try await onProduction.sync() == .init(sent: 0, failed: 0, remaining: 0))
        #expect(try await onProduction.status().counts == OutboxCounts(held: 2))
        #expect(try await mutatingRequests(production).isEmpty)
        #expect(try await production.applied().isEmpty)
        #expect(try await production.user("u-shared")["username"] == "same_person")

        // Listed, with the environment each was made in.
        let listed = try onProduction.outbox()
        #expect(listed.map(\.kind) == [.requestDeletion, .changeUsername])
        #expect(listed.allSatisfy { $0.environment == .development && $0.state == .queued })
        // Its own audit trail shows none of development's.
        #expect(try productionStore.auditTrail(for: account).isEmpty)
        #expect(try developmentStore.auditTrail(for: account).map(\.outcome) == [.queued, .queued])

        // A discarding sign-out drops them: never sent anywhere.
        let signedOut = try onProduction.signOut(discard: true)
        #expect(signedOut.unsent.map(\.kind) == [.requestDeletion, .changeUsername])
        #expect(try productionStore.outboxOfEveryone().isEmpty)
        #expect(try productionStore.read { database in try database.scalarInt("SELECT count(*) FROM outbox_tally") } == 0)
        #expect(try await mutatingRequests(production).isEmpty)
        #expect(try await mutatingRequests(development).isEmpty)
        // Audited as discarded in the environment they were made in.
        #expect(try developmentStore.auditTrail(for: account).map(\.outcome) == [.queued, .queued, .discarded, .discarded])
    }

    @Test("held in production, still delivered once development opens the file again")
    func heldThenDeliveredInItsOwnEnvironment() async throws {
        let development = try Harness()
        let production = try Harness()
        let developmentUser = try await EmulatorUser(development, username: "same_person", id: "u-shared")
        let productionUser = try await EmulatorUser(production, username: "same_person", id: "u-shared")
        let directory = try TemporaryDirectory()
        let path = directory.file("store.sqlite")

        let onDevelopment = try device(development, store: try AccountStore(path: path, environment: .development),
                                       token: developmentUser.token, account: "u-shared", online: false)
        _ = try await onDevelopment.changeUsername(to: "renamed_in_dev")
        let onProduction = try device(production, store: try AccountStore(path: path, environment: .production),
                                      token: productionUser.token, account: "u-shared", environment: .production)
        #expect(try await onProduction.sync() == .init(sent: 0, failed: 0, remaining: 0))
        onDevelopment.setOnline(true)
        #expect(try await onDevelopment.sync() == .init(sent: 1, failed: 0, remaining: 0))
        #expect(try await development.user("u-shared")["username"] == "renamed_in_dev")
        #expect(try await production.user("u-shared")["username"] == "same_person")
        #expect(try await mutatingRequests(production).isEmpty)
    }

    @Test("a base-URL change between two production servers keeps the queue and delivers it")
    func productionHostMigrationDelivers() async throws {
        let old = try Harness()
        let new = try Harness()
        let oldUser = try await EmulatorUser(old, username: "same_person", id: "u-shared")
        let newUser = try await EmulatorUser(new, username: "same_person", id: "u-shared")
        let directory = try TemporaryDirectory()
        let path = directory.file("store.sqlite")

        let before = try device(old, store: try AccountStore(path: path, environment: .production),
                                token: oldUser.token, account: "u-shared", online: false, environment: .production)
        _ = try await before.requestDeletion()
        let after = try device(new, store: try AccountStore(path: path, environment: .production),
                               token: newUser.token, account: "u-shared", environment: .production)
        #expect(try after.localStatus().counts == OutboxCounts(queued: 1))
        #expect(try await after.sync() == .init(sent: 1, failed: 0, remaining: 0))
        #expect(try await new.applied().map(\.action) == ["requestDeletion"])
        #expect(try await mutatingRequests(old).isEmpty)
    }

    @Test("dismissing failures drops this environment's only; the other's stay held")
    func dismissStaysInItsEnvironment() async throws {
        let harness = try Harness()
        let directory = try TemporaryDirectory()
        let store = try AccountStore(path: directory.file("store.sqlite"), environment: .production)
        let account = AccountID(backend: "allmine", userID: "u-shared")
        for environment in ServerEnvironment.allCases {
            var failed = OutboxOperation(account: account, payload: .cancelDeletion, createdAt: start, environment: environment)
            failed.state = .failed
            try store.enqueue(failed)
        }
        let engine = try device(harness, store: store, token: nil, account: "u-shared", online: false,
                                environment: .production)
        #expect(try engine.localStatus().counts == OutboxCounts(failed: 1, held: 1))
        try engine.dismissFailed()
        #expect(try store.outboxOfEveryone().map(\.environment) == [.development])
        #expect(try engine.localStatus().counts == OutboxCounts(held: 1))
    }

    @Test("a configuration naming one environment is refused over a store of the other")
    func mismatchRefused() throws {
        let harness = try Harness()
        let directory = try TemporaryDirectory()
        let store = try AccountStore(path: directory.file("store.sqlite"), environment: .development)
        #expect(throws: AccountError(.invalidInput(.invalidConfiguration(field: "environment")))) {
            _ = try device(harness, store: store, token: nil, environment: .production)
        }
    }
}
