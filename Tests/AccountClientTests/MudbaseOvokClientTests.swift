@testable import AccountCore
import AccountEmulator
import FoundationEssentials
import Mudbase
import Ovok
import Testing
import TestSupport

// X-Language is Allmine's header: Mudbase and Ovok are not sent it, so their
// own texts, kept as detail, are English whatever the client's language.

@Suite("Client: Mudbase over each loopback transport")
struct MudbaseClientTests {
    @Test("erase: pending for 7 days, not cancellable, and the local data is wiped", arguments: ClientTransport.overLoopback)
    func erase(_ transport: ClientTransport) async throws {
        let harness = try ClientHarness(transport: transport)
        let client = try harness.mudbase()
        try harness.store.cache(AccountProfile(id: "usr_morgan_de", username: "morgan_c"), for: client.signedInAccount,
                                source: .server, asOf: start)
        #expect(contains(harness.storeBytes, "morgan_c"))
        let outcome = try await harness.engine(client).erase(confirmation: "DELETE_MY_ACCOUNT", reason: "No longer need the service")
        #expect(outcome.erasure == ErasureDetails(dataAnonymized: true, apiKeysDeactivated: true, sessionsDeleted: true,
                                                  accountDisabled: true))
        let erasure = try #require(outcome.deletion)
        #expect(erasure.state == .pending)
        #expect(erasure.scheduledFor == start.adding(seconds: 7 * 86_400))
        #expect(erasure.cancellation == .notCancellable)
        #expect(!contains(harness.storeBytes, "morgan_c"))
        // Every session was deleted.
        await expectError(.unauthorized, detail: "Authentication required") { () async throws(AccountError) in
            try await client.erase(confirmation: "DELETE_MY_ACCOUNT")
        }
    }

    @Test("a wrong confirmation and what Mudbase lacks are refused locally; its statuses map", arguments: ClientTransport.overLoopback)
    func refusals(_ transport: ClientTransport) async throws {
        let harness = try ClientHarness(transport: transport)
        let client = try harness.mudbase()
        for typed in ["delete_my_account", "DELETE MY ACCOUNT", " DELETE_MY_ACCOUNT", ""] {
            await expectError(.invalidInput(.confirmationMismatch)) { () async throws(AccountError) in
                try await client.erase(confirmation: typed)
            }
        }
        await expectError(.unsupported) { () async throws(AccountError) in try await client.cancelDeletion() }
        await expectError(.unsupported) { () async throws(AccountError) in try await client.changeUsername(to: "new_name") }
        await expectError(.unsupported) { () async throws(AccountError) in try await client.profile() }
        #expect(try await harness.emulator.requests().isEmpty)
        // The status has no endpoint: the cache answers.
        #expect(try await harness.engine(client).status().source == .cache)

        try await harness.emulator.inject("status", "POST", "/api/users/me/erase", status: 400)
        await expectError(.invalidInput(.rejectedByServer(status: 400)), detail: "Validation failed") {
            () async throws(AccountError) in try await client.erase(confirmation: "DELETE_MY_ACCOUNT")
        }
        let apiKey = try await harness.emulator.control("POST", "tokens", ["userId": "usr_morgan_de", "kind": "apiKey"])["token"]?.stringValue
        // An API key never leaves the device for erase.
        let withKey = try harness.mudbase(token: apiKey)
        let sent = try await harness.emulator.requests().count
        await expectError(.unauthorized) { () async throws(AccountError) in
            try await withKey.erase(confirmation: "DELETE_MY_ACCOUNT")
        }
        #expect(try await harness.emulator.requests().count == sent)
    }
}

@Suite("Client: Ovok over each loopback transport")
struct OvokClientTests {
    @Test("schedule with days and wipe, then cancel by logging in", arguments: ClientTransport.overLoopback)
    func scheduleAndCancel(_ transport: ClientTransport) async throws {
        let harness = try ClientHarness(transport: transport)
        let client = try harness.ovok()
        let scheduled = try #require(try await harness.engine(client).requestDeletion(days: 10, wipe: true).outcome?.deletion)
        #expect(scheduled.state == .pending)
        #expect(scheduled.scheduledFor == start.adding(seconds: 10 * 86_400))
        #expect(scheduled.wipesData)
        #expect(scheduled.cancellation == .login)
        #expect(try harness.store.cached(AccountProfile.self, for: client.signedInAccount)?.value.displayName == "Max Mustermann")

        await expectError(.invalidInput(.credentialsRequired)) { () async throws(AccountError) in try await client.cancelDeletion() }
        let credentials = LoginCredentials(email: Emulator.ovokDemoCredentials.email, password: Emulator.ovokDemoCredentials.password)
        let cancelled = try await client.cancelDeletion(credentials: credentials)
        #expect(cancelled.state == .cancelled)
        // Nothing pending any more: a second login aborts nothing.
        await expectError(.notFound) { () async throws(AccountError) in try await client.cancelDeletion(credentials: credentials) }
        await expectError(.unauthorized, detail: "Invalid email or password") { () async throws(AccountError) in
            try await client.cancelDeletion(credentials: LoginCredentials(email: credentials.email, password: "wrong"))
        }
        // The password never reached the store.
        #expect(!contains(harness.storeBytes, credentials.password))
    }

    @Test("days out of range and what Ovok lacks are refused locally", arguments: ClientTransport.overLoopback)
    func refusals(_ transport: ClientTransport) async throws {
        let harness = try ClientHarness(transport: transport)
        let client = try harness.ovok()
        await expectError(.invalidInput(.daysOutOfRange(0, allowed: 1...365))) { () async throws(AccountError) in
            try await client.requestDeletion(days: 0)
        }
        await expectError(.invalidInput(.daysOutOfRange(366, allowed: 1...365))) { () async throws(AccountError) in
            try await client.requestDeletion(days: 366)
        }
        await expectError(.unsupported) { () async throws(AccountError) in try await client.finalizeNow() }
        await expectError(.unsupported) { () async throws(AccountError) in try await client.stats() }
        #expect(try await harness.emulator.requests().isEmpty)
    }

    @Test("its statuses map: 400, 401, 404, 422", arguments: ClientTransport.overLoopback)
    func statuses(_ transport: ClientTransport) async throws {
        let harness = try ClientHarness(transport: transport)
        let client = try harness.ovok()
        try await harness.emulator.inject("status", "DELETE", "/auth/delete", status: 422)
        await expectError(.invalidInput(.rejectedByServer(status: 422)), detail: "The request could not be validated") {
            () async throws(AccountError) in try await client.requestDeletion(days: 5)
        }
        try await harness.emulator.inject("status", "DELETE", "/auth/delete", status: 400)
        await expectError(.invalidInput(.rejectedByServer(status: 400))) { () async throws(AccountError) in
            try await client.requestDeletion(days: 5)
        }
        let stranger = try harness.ovok(token: "nope")
        await expectError(.unauthorized) { () async throws(AccountError) in try await stranger.requestDeletion() }
        _ = try await client.requestDeletion(days: 1)
        try await harness.emulator.advance(days: 2)
        try await harness.emulator.control("POST", "deletion-job")
        await expectError(.notFound, detail: "User not found") { () async throws(AccountError) in
            try await client.requestDeletion(days: 1)
        }
    }

    @Test("tolerant reading: scheduled as {} takes our clock plus the days; a wrong type is unexpected", arguments: ClientTransport.overLoopback)
    func tolerantReading(_ transport: ClientTransport) async throws {
        let harness = try ClientHarness(transport: transport)
        let client = try harness.ovok()
        try await harness.emulator.inject("ovokScheduledEmptyObject", "DELETE", "/auth/delete")
        let scheduled = try await client.requestDeletion(days: 12)
        #expect(scheduled.scheduledFor == start.adding(seconds: 12 * 86_400))
        try await harness.emulator.inject("wrongFieldType", "DELETE", "/auth/delete")
        do {
            _ = try await client.requestDeletion(days: 12)
            Issue.record("scheduled: 42 was read")
        } catch {
            #expect(error.code == .unexpectedResponse)
        }
    }
}
