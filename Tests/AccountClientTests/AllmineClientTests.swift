import AccountCore
import AccountEmulator
import Allmine
import FoundationEssentials
import Testing
import TestSupport

@Suite("Client: Allmine over each transport")
struct AllmineClientTests {
    @Test("profile, stats, status, request, cancel, rename: each success, decoded; the client writes nothing",
          arguments: ClientTransport.underTest)
    func successes(_ transport: ClientTransport) async throws {
        let harness = try ClientHarness(transport: transport)
        let client = try harness.allmine()
        let profile = try await client.profile()
        #expect(profile.username == "demo_user")
        #expect(try await client.stats() == AccountStats(followers: 128, following: 64, liveStreams: 3))
        #expect(try await client.deletionStatus().state == .none)

        let pending = try await client.requestDeletion(reason: "moving on")
        #expect(pending.state == .pending)
        #expect(pending.remainingDays(at: start) == 28)
        #expect(pending.isLocked)
        let cancelled = try await client.cancelDeletion()
        #expect(cancelled.state == .cancelled)
        #expect(!cancelled.isLocked)

        let change = try await client.changeUsername(to: "New_Name")
        #expect(change == UsernameChange(oldUsername: "demo_user", newUsername: "new_name",
                                         nextChangeAllowedAt: start.adding(seconds: 30 * 86_400)))
        // One writer: the engine keeps answers; the client only talked.
        #expect(try harness.store.cached(DeletionStatus.self, for: client.signedInAccount) == nil)
        #expect(try harness.store.cached(AccountProfile.self, for: client.signedInAccount) == nil)
        #expect(try harness.store.auditTrail(for: client.signedInAccount).isEmpty)

        // What left the client: the configured headers, a fresh key per mutation.
        let requests = try await harness.emulator.requests()
        let first = try #require(requests.first?["headers"]?.arrayValue)
        for header: JSONValue in [["X-Language", "tr"], ["X-Timezone", "UTC+03:00"], ["X-Platform", "mobile_ios"],
                                  ["X-App-Version", "2.4.1"], ["X-Device-ID", "device-7"]] {
            #expect(first.contains(header))
        }
        let keys = requests.filter { $0["method"] != "GET" }.compactMap { request in
            request["headers"]?.arrayValue?.first { $0.arrayValue?.first == "Idempotency-Key" }?.arrayValue?.last
        }
        #expect(keys.count == 3)
        #expect(Set(keys).count == 3)
    }

    @Test("through the engine, each answer is cached and audited as the person's it was for", arguments: ClientTransport.underTest)
    func engineRecords(_ transport: ClientTransport) async throws {
        let harness = try ClientHarness(transport: transport)
        let client = try harness.allmine()
        let engine = harness.engine(client)
        #expect(try await engine.profile().username == "demo_user")
        let none = try await engine.status()
        #expect(none.deletion.state == .none)
        #expect(none.source == .server)
        let pending = try #require(try await engine.requestDeletion(reason: "moving on").outcome?.deletion)
        #expect(try harness.store.cached(DeletionStatus.self, for: client.signedInAccount)?.value == pending)
        #expect(try await engine.cancelDeletion().outcome?.deletion?.state == .cancelled)
        _ = try await engine.changeUsername(to: "New_Name")
        #expect(try harness.store.cached(AccountProfile.self, for: client.signedInAccount)?.value.username == "new_name")
        #expect(try harness.store.auditTrail(for: client.signedInAccount).filter { $0.outcome == .succeeded }.count == 3)
    }

    @Test("finalize now: finalized, then no byte of the username is left in the store", arguments: ClientTransport.underTest)
    func finalizeWipes(_ transport: ClientTransport) async throws {
        let harness = try ClientHarness(transport: transport)
        let client = try harness.allmine()
        let engine = harness.engine(client)
        _ = try await engine.profile()
        _ = try await engine.requestDeletion()
        #expect(contains(harness.storeBytes, "demo_user"))
        let outcome = try await engine.finalizeNow()
        #expect(outcome.userID == EmulatedBackend.allmine.demoAccount.userID)
        let finalized = try #require(outcome.deletion)
        #expect(finalized.state == .finalized)
        #expect(finalized.finalizedAt == start)
        #expect(!contains(harness.storeBytes, "demo_user"))
        #expect(try harness.store.cached(DeletionStatus.self, for: client.signedInAccount) == nil)
        await expectError(.unauthorized) { () async throws(AccountError) in try await client.profile() }
    }

    @Test("each error status of the contract becomes its code, with the server's text as detail", arguments: ClientTransport.underTest)
    func errorStatuses(_ transport: ClientTransport) async throws {
        let harness = try ClientHarness(transport: transport)
        let client = try harness.allmine()
        await expectError(.notFound, detail: "Kaynak bulunamadı") { () async throws(AccountError) in try await client.cancelDeletion() }
        await expectError(.notFound) { () async throws(AccountError) in try await client.finalizeNow() }
        _ = try await client.requestDeletion()
        await expectError(.conflict, detail: "Kaynak zaten var ya da şu anki durumunda değiştirilemez") {
            () async throws(AccountError) in try await client.requestDeletion()
        }
        await expectError(.conflict) { () async throws(AccountError) in try await client.changeUsername(to: "locked_out") }
        try await harness.emulator.control("PUT", "flags", ["finalizeNow": false])
        await expectError(.forbidden, detail: "Yetersiz yetki") { () async throws(AccountError) in try await client.finalizeNow() }
        // The server refuses the current name (the cache does not know it yet).
        let fresh = try await harness.client(AllmineBackend(), token: try harness.emulator.control(
            "POST", "users", ["backend": "allmine", "username": "same_name"])["token"]?.stringValue)
        await expectError(.invalidInput(.rejectedByServer(status: 400)), detail: "Doğrulama başarısız") {
            () async throws(AccountError) in try await fresh.changeUsername(to: "same_name")
        }
        let stranger = try harness.allmine(token: "not-a-token")
        await expectError(.unauthorized, detail: "Kimlik doğrulaması gerekli") {
            () async throws(AccountError) in try await stranger.profile()
        }
        try await harness.emulator.inject("rateLimited", "GET", "/api/v1/users/me/stats", retryAfter: 9)
        await expectError(.rateLimited(retryAfter: 9)) { () async throws(AccountError) in try await client.stats() }
        try await harness.emulator.inject("unavailable", "GET", "/api/v1/users/me/stats", retryAfter: 2)
        await expectError(.server(status: 503)) { () async throws(AccountError) in try await client.stats() }
        try await harness.emulator.inject("serverError", "GET", "/api/v1/users/me/stats")
        await expectError(.server(status: 500), detail: "Sunucu hatası") { () async throws(AccountError) in try await client.stats() }
        // A cancel after canCancelUntil: the server says 409.
        try await harness.emulator.advance(days: 28.001)
        await expectError(.conflict) { () async throws(AccountError) in try await client.cancelDeletion() }
    }

    @Test("tolerant reading: a bare body is read; HTML, not JSON, a wrong type are one unexpected-response error", arguments: ClientTransport.underTest)
    func tolerantReading(_ transport: ClientTransport) async throws {
        let harness = try ClientHarness(transport: transport)
        let client = try harness.allmine()
        try await harness.emulator.inject("allmineWithoutEnvelope", "POST", "/api/v1/users/me/account-deletion")
        #expect(try await client.requestDeletion().state == .pending)

        try await harness.emulator.inject("badGateway", "GET", "/api/v1/users/me/account-deletion")
        do {
            _ = try await client.deletionStatus()
            Issue.record("a 502 page was read as a status")
        } catch {
            guard case .unexpectedResponse(let status, let prefix) = error.reason else {
                Issue.record("\(error)")
                return
            }
            #expect(status == 502)
            #expect(prefix.hasPrefix("<html><head><title>502 Bad Gateway"))
            #expect(prefix.utf8.count <= 200)
        }
        try await harness.emulator.inject("notJSON", "GET", "/api/v1/users/me")
        await expectError(.unexpectedResponse(status: 200, bodyPrefix: "{\"isSuccess\": tru")) {
            () async throws(AccountError) in try await client.profile()
        }
        try await harness.emulator.inject("wrongFieldType", "GET", "/api/v1/users/me/account-deletion")
        do {
            _ = try await client.deletionStatus()
            Issue.record("a status of 42 was read")
        } catch {
            #expect(error.code == .unexpectedResponse)
            #expect(error.httpStatus == 200)
        }
    }

    @Test("local refusals send nothing: the emulator saw no request", arguments: ClientTransport.underTest)
    func localRefusals(_ transport: ClientTransport) async throws {
        let harness = try ClientHarness(transport: transport)
        let client = try harness.allmine()
        let engine = harness.engine(client)
        for name in ["ab", "1abc", "a..b", "abc.", "İstanbul", "ayşe", "ｆｕｌｌ"] {
            do {
                _ = try await engine.changeUsername(to: name)
                Issue.record("\(name) was accepted")
            } catch {
                #expect(error.code == .invalidInput)
            }
        }
        await expectError(.unsupported) { () async throws(AccountError) in
            try await engine.erase(confirmation: "DELETE_MY_ACCOUNT")
        }
        await expectError(.unsupported, detail: "days") { () async throws(AccountError) in try await engine.requestDeletion(days: 10) }
        await expectError(.unsupported, detail: "wipe") { () async throws(AccountError) in try await engine.requestDeletion(wipe: true) }
        await expectError(.invalidInput(.reasonTooLong(length: 501, maximum: 500))) { () async throws(AccountError) in
            try await engine.requestDeletion(reason: String(repeating: "x", count: 501))
        }
        #expect(try await harness.emulator.requests().isEmpty)
        let trail = try harness.store.auditTrail(for: client.signedInAccount)
        #expect(!trail.isEmpty)
        #expect(trail.allSatisfy { $0.outcome == .refused })
    }

    @Test("the cached cooldown and current name refuse a rename without a request", arguments: ClientTransport.underTest)
    func cachedRules(_ transport: ClientTransport) async throws {
        let harness = try ClientHarness(transport: transport)
        let engine = harness.engine(try harness.allmine())
        _ = try await engine.profile()
        _ = try await engine.changeUsername(to: "first_name")
        try await harness.emulator.control("DELETE", "requests")
        await expectError(.invalidInput(.username(.unchanged))) { () async throws(AccountError) in
            try await engine.changeUsername(to: "First_Name")
        }
        await expectError(.invalidInput(.usernameCooldown(until: start.adding(seconds: 30 * 86_400)))) {
            () async throws(AccountError) in try await engine.changeUsername(to: "second_name")
        }
        #expect(try await harness.emulator.requests().isEmpty)
    }

    @Test("a burst of 50 requests uses one connection, but where the server's idle timeout passed", arguments: ClientTransport.overLoopback)
    func keepAlive(_ transport: ClientTransport) async throws {
        // The emulator's default idle timeout, as a real server's.
        let idleTimeout = Harness.defaultIdleTimeout
        let harness = try ClientHarness(transport: transport, idleTimeout: idleTimeout)
        let client = try harness.allmine()
        // When each call began and ended: a loaded machine may hold this
        // task back long enough for the server to close the idle connection,
        // as a real server would, and the client must then open another.
        var calls: [(began: ContinuousClock.Instant, ended: ContinuousClock.Instant)] = []
        for _ in 0..<50 {
            let began = ContinuousClock.now
            _ = try await client.deletionStatus()
            calls.append((began, .now))
        }
        let requests = try await harness.emulator.requests()
        // The first asks whose the token is (GET /users/me), once, in the first call.
        #expect(requests.map { $0["path"] } == ["/api/v1/users/me"] + Array(repeating: "/api/v1/users/me/account-deletion", count: 50))
        let connections = requests.compactMap { $0["connectionId"]?.integerValue }
        try #require(connections.count == 51)
        // Request j (j ≥ 1) is call j − 1's. The server was idle between two
        // requests for at most the span from the first's call beginning to
        // the second's ending: a new connection is right only past the timeout.
        let unexplained = (1..<connections.count).filter { j in
            guard connections[j] != connections[j - 1] else { return false }
            let span = calls[j - 1].ended - calls[max(j - 2, 0)].began
            return span < .milliseconds(Int(idleTimeout * 1_000))
        }
        #expect(unexplained.isEmpty,
                "new connections at requests \(unexplained), never idle for \(idleTimeout) s: connections in order \(connections)")
        #expect(Set(connections).count < 51, "no request reused a connection: \(connections)")
    }

    @Test("a request slower than the total timeout is a network error", arguments: ClientTransport.overLoopback)
    func timeout(_ transport: ClientTransport) async throws {
        let harness = try ClientHarness(transport: transport)
        let client = try harness.client(AllmineBackend(), totalTimeout: 0.5)
        try await harness.emulator.inject("delay", "GET", "/api/v1/users/me", delayMs: 2_000)
        do {
            _ = try await client.profile()
            Issue.record("the delay did not time out")
        } catch {
            #expect(error.code == .network)
            #expect(error.detail?.lowercased().contains("timeout") == true || error.detail?.lowercased().contains("timed out") == true)
        }
    }

    @Test("after a 401, a fresh token from the host is used once", arguments: ClientTransport.underTest)
    func tokenRefresh(_ transport: ClientTransport) async throws {
        let harness = try ClientHarness(transport: transport)
        let fresh = try harness.emulator.token(.allmine)
        let client = try harness.client(AllmineBackend(), token: "expired", tokenRefresher: { fresh })
        #expect(try await client.profile().username == "demo_user")
        let statuses = try await harness.emulator.requests().compactMap { $0["status"] }
        #expect(statuses == [401, 200])
    }

    @Test("offline, the status comes from the cache and says so", arguments: ClientTransport.underTest)
    func offlineStatus(_ transport: ClientTransport) async throws {
        let harness = try ClientHarness(transport: transport)
        let engine = harness.engine(try harness.allmine())
        let pending = try #require(try await engine.requestDeletion().outcome?.deletion)
        harness.emulator.emulator.stop()
        let report = try await engine.status()
        #expect(report.source == .cache)
        #expect(report.deletion == pending)
        await expectError(.network) { () async throws(AccountError) in try await engine.stats() }
    }
}

@Suite("Client: X-Timezone only for the offsets the server lists")
struct AllmineTimezoneHeaderTests {
    @Test("UTC+05:45 and UTC+03:00 are sent; UTC-08:00, UTC-02:30 and UTC+05:20 are left out (the server's default), never a 400",
          arguments: [("UTC+05:45", true), ("UTC+03:00", true), ("UTC", true), ("UTC-08:00", false), ("UTC-02:30", false),
                      ("UTC+05:20", false)])
    func header(offset text: String, sent: Bool) throws {
        let offset = try #require(UTCOffset(text))
        let configuration = ClientConfiguration(baseURL: "https://api.allmine.example", timezone: offset)
        let request = try AllmineBackend().request(for: .profile,
                                                   context: BackendContext(configuration: configuration, now: Instant(secondsSince1970: 0)))
        #expect(request.headers["X-Timezone"] == (sent ? offset.description : nil))
        #expect(request.headers["X-Language"] == "en")
    }
}
