@testable import AccountCore
import CurlTransport
import AccountEmulator
import Allmine
import FoundationEssentials
import Ovok
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A user the emulator made through its control API, with a token.
struct EmulatorUser {
    let id: String
    let token: String

    init(_ harness: Harness, backend: EmulatedBackend = .allmine, username: String? = nil, email: String? = nil,
         password: String? = nil, id chosen: String? = nil) async throws {
        var body: [String: JSONValue] = ["backend": .string(backend.rawValue)]
        if let chosen { body["id"] = .string(chosen) }
        if let username { body["username"] = .string(username) }
        if let email { body["email"] = .string(email) }
        if let password { body["password"] = .string(password) }
        let made = try await harness.control("POST", "users", .object(body))
        id = try #require(made["user"]?["id"]?.stringValue)
        token = try #require(made["token"]?.stringValue)
    }
}

/// An emulator with users Alice and Bob, and one store file: where most
/// of these tests take place.
struct AliceAndBob {
    let harness: Harness
    let alice: EmulatorUser
    let bob: EmulatorUser
    let directory: TemporaryDirectory
    let store: AccountStore

    init(_ transport: Transport = .loopback) async throws {
        harness = try Harness(listens: transport.listens)
        alice = try await EmulatorUser(harness, username: "alice")
        bob = try await EmulatorUser(harness, username: "bob")
        directory = try TemporaryDirectory()
        store = try AccountStore(path: directory.file("store.sqlite"))
    }
}

/// One device: a store file, and an engine on it at `baseURL`, signed in as
/// `account` (nil: learned) with `token`.
func device(_ harness: Harness, store: AccountStore, baseURL: String? = nil, backend: any AccountBackend = AllmineBackend(),
            token: String?, account: String? = nil, online: Bool = true,
            environment: ServerEnvironment? = nil) throws -> SyncEngine {
    let client = try AccountClient(backend: backend,
                                   configuration: ClientConfiguration(baseURL: baseURL ?? harness.emulator.baseURL,
                                                                      environment: environment),
                                   transport: harness.transport(), clock: harness.clock)
    return try SyncEngine(store: store, client: client, token: token, account: account, online: online)
}

extension Harness {
    /// The mutations applied, as (user id, action, idempotency key).
    func applied() async throws -> [(user: String, action: String, key: String)] {
        try await mutations().map { ($0["userId"]?.stringValue ?? "", $0["action"]?.stringValue ?? "",
                               $0["idempotencyKey"]?.stringValue ?? "") }
    }

    /// The user `id` as the emulator holds it.
    func user(_ id: String) async throws -> JSONValue { try await control("GET", "users/" + id)["user"] ?? .null }
}

extension OutboxOperation {
    var key: String { idempotencyKey.description }
}

@Suite("Sync engine: an account is a person")
struct IdentityTests {
    /// What changes while Alice's operations wait.
    enum Change: String, CaseIterable, CustomTestStringConvertible {
        case userSwitch, signOut, baseURLChange
        var testDescription: String { rawValue }
    }

    @Test("user switch, sign-out and base-URL change, idle and mid-drain: nothing sent under another's token, nothing lost",
          arguments: Change.allCases, [false, true])
    func matrix(change: Change, inFlight: Bool) async throws {
        let scene = try await AliceAndBob()
        let (harness, alice, bob, store) = (scene.harness, scene.alice, scene.bob, scene.store)
        let offline = try device(harness, store: store, token: alice.token, online: false)
        let rename = try #require(try await offline.changeUsername(to: "alice_new").queuedOperation)
        let request = try #require(try await offline.requestDeletion(reason: "bye").queuedOperation)
        // The same device back online (a new engine, so no drain starts by itself).
        var engine = try device(harness, store: store, token: alice.token)
        var drain: Task<SyncReport, any Error>?
        if inFlight {
            // Alice's rename is on its way, under her token, when the change
            // comes: her token is confirmed beforehand, so the engine's
            // "sending" is the request leaving, and the answer takes 800 ms.
            _ = try await engine.sender.profile()
            try await harness.inject("delay", "PATCH", "/api/v1/users/username", delayMs: 800)
            let running = engine
            drain = Task { try await running.sync() }
            let deadline = ContinuousClock.now + .seconds(30)
            while try engine.outbox().first?.state != .sending, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(2))
            }
            try #require(try engine.outbox().first?.state == .sending, "the rename never left")
        }

        switch change {
        case .userSwitch:
            try engine.signIn(account: nil, token: bob.token)
        case .signOut:
            let signedOut = try engine.signOut()
            #expect(signedOut.account?.userID == nil || signedOut.account?.userID == alice.id)
        case .baseURLChange:
            // The API moved host: the same server under another name, a new
            // client on the same store with the same token.
            let port = harness.emulator.port
            engine = try device(harness, store: store, baseURL: "http://localhost:\(port)", token: alice.token)
        }
        _ = try await drain?.value
        await engine.settled()
        _ = try await engine.sync()

        // Bob (or nobody) synced: none of Alice's operations went as him.
        let sentSoFar = try await harness.applied()
        #expect(sentSoFar.allSatisfy { $0.user == alice.id }, "\(sentSoFar)")
        #expect(try await harness.user(bob.id)["username"] == "bob")
        #expect(try await harness.user(bob.id)["deletion"]?["status"] == "none")

        if change != .baseURLChange {
            // What did not go waits, intact, for Alice.
            let waiting = try store.outboxOfEveryone()
            #expect(waiting.allSatisfy { $0.account != AccountID(backend: "allmine", userID: bob.id) })
            try engine.signIn(account: nil, token: alice.token)
            await engine.settled()
            _ = try await engine.sync()
        }
        let applied = try await harness.applied()
        #expect(applied.map(\.user) == [alice.id, alice.id])
        #expect(applied.map(\.action) == ["changeUsername", "requestDeletion"])
        #expect(applied.map(\.key) == [rename.key, request.key], "each sent once, with its own key")
        #expect(try store.outboxOfEveryone().isEmpty, "nothing left, nothing lost")
        #expect(try await harness.user(alice.id)["username"] == "alice_new")
        #expect(try await harness.user(alice.id)["deletion"]?["status"] == "pending")
        #expect(try await harness.user(bob.id)["username"] == "bob")
    }

    @Test("a cancel queued against an unreachable URL is sent once from the live one; offline status reads the cache", arguments: Transport.allCases)
    func unreachableBaseURL(_ transport: Transport) async throws {
        let scene = try await AliceAndBob(transport)
        let (harness, alice, _, store) = (scene.harness, scene.alice, scene.bob, scene.store)
        let live = try device(harness, store: store, token: alice.token)
        #expect(try await live.requestDeletion().outcome?.deletion?.state == .pending)

        let unreachable = try device(harness, store: store, baseURL: "http://127.0.0.1:1", token: alice.token)
        let cancel = try #require(try await unreachable.cancelDeletion().queuedOperation)
        #expect(cancel.deadline != nil)
        let status = try await unreachable.status()
        #expect(status.source == .cache)
        #expect(status.deletion.state == .pending)
        #expect(status.queued.map(\.id) == [cancel.id])

        let again = try device(harness, store: store, token: alice.token)
        #expect(try await again.sync() == .init(sent: 1, failed: 0, remaining: 0))
        #expect(try await harness.applied().map(\.action) == ["requestDeletion", "cancelDeletion"])
        #expect(try await harness.applied().filter { $0.key == cancel.key }.count == 1)
        #expect(try await harness.user(alice.id)["deletion"]?["status"] == "cancelled")
    }

    @Test("a request refused before sending (connection refused) and its cancel cancel out: the server sees neither", arguments: Transport.allCases)
    func refusedConnectionCancelsOut(_ transport: Transport) async throws {
        let scene = try await AliceAndBob(transport)
        let (harness, alice, store) = (scene.harness, scene.alice, scene.store)
        // Over curl 127.0.0.1:1 refuses the connection; in memory any URL
        // but the emulator's is no connection.
        let refused = try device(harness, store: store, baseURL: "http://127.0.0.1:1", token: alice.token)
        let request = try #require(try await refused.requestDeletion().queuedOperation)
        _ = try await refused.sync()
        let tried = try #require(try store.outboxOfEveryone().first)
        #expect(tried.id == request.id)
        #expect(tried.attempts >= 1 && tried.attemptsNotSent == tried.attempts, "\(tried)")
        #expect(!tried.mayHaveBeenSent)
        #expect(try await refused.cancelDeletion().isCoalesced)
        #expect(try store.outboxOfEveryone().isEmpty)

        let live = try device(harness, store: store, token: alice.token)
        #expect(try await live.sync() == .init(sent: 0, failed: 0, remaining: 0))
        #expect(try await harness.applied().isEmpty)
        #expect(try await harness.requests().filter { $0["method"] != "GET" }.isEmpty)
        #expect(try await harness.user(alice.id)["deletion"]?["status"] == "none")
    }

    @Test("a request whose connection broke after it was made may have been sent: its cancel follows it", arguments: Transport.allCases)
    func interruptedRequestStaysSent(_ transport: Transport) async throws {
        let scene = try await AliceAndBob(transport)
        let (harness, alice, store) = (scene.harness, scene.alice, scene.store)
        // Every try closes (curl may retry once on a kept-alive connection).
        try await harness.inject("closeBeforeAnswer", "POST", "/api/v1/users/me/account-deletion", count: 10)
        let engine = try device(harness, store: store, token: alice.token)
        let request = try #require(try await engine.requestDeletion().queuedOperation)
        let tried = try #require(try store.outboxOfEveryone().first)
        #expect(tried.id == request.id && tried.attempts == 1 && tried.attemptsNotSent == 0, "\(tried)")
        #expect(tried.mayHaveBeenSent)
        engine.setOnline(false)
        #expect(try await engine.cancelDeletion().queuedOperation != nil)
        #expect(try store.outboxOfEveryone().map(\.kind) == [.requestDeletion, .cancelDeletion])
        try await harness.control("DELETE", "faults")
        engine.setOnline(true)
        await engine.settled()
        _ = try await engine.sync()
        #expect(try await harness.applied().map(\.action) == ["requestDeletion", "cancelDeletion"])
    }

    @Test("Allmine: queued under a token nobody confirmed, synced by another user: nothing sent; by the first: once", arguments: Transport.allCases)
    func unconfirmedAllmine(_ transport: Transport) async throws {
        let scene = try await AliceAndBob(transport)
        let (harness, alice, bob, store) = (scene.harness, scene.alice, scene.bob, scene.store)
        let offline = try device(harness, store: store, token: alice.token, online: false)
        let request = try #require(try await offline.requestDeletion().queuedOperation)
        #expect(request.account.userID == nil, "nobody said whose the token is yet")

        let asBob = try device(harness, store: store, token: bob.token)
        #expect(try await asBob.sync() == .init(sent: 0, failed: 0, remaining: 0))
        #expect(asBob.sender.account == AccountID(backend: "allmine", userID: bob.id))
        #expect(try await harness.applied().isEmpty)
        #expect(try store.outboxOfEveryone().map(\.id) == [request.id])

        let asAlice = try device(harness, store: store, token: alice.token)
        #expect(try await asAlice.sync() == .init(sent: 1, failed: 0, remaining: 0))
        #expect(try await harness.applied().map(\.user) == [alice.id])
        #expect(try await harness.applied().map(\.key) == [request.key])
        // The person known by the token is Alice now, with her history.
        let aliceAccount = AccountID(backend: "allmine", userID: alice.id)
        #expect(asAlice.sender.account == aliceAccount)
        #expect(try store.auditTrail(for: aliceAccount).map(\.outcome) == [.queued, .succeeded])
    }

    @Test("Ovok: queued under a token nobody confirmed, synced by another user: nothing sent; by the first: once", arguments: Transport.allCases)
    func unconfirmedOvok(_ transport: Transport) async throws {
        let harness = try Harness(listens: transport.listens)
        let first = try await EmulatorUser(harness, backend: .ovok, email: "first@example.com", password: "one")
        let second = try await EmulatorUser(harness, backend: .ovok, email: "second@example.com", password: "two")
        let directory = try TemporaryDirectory()
        let store = try AccountStore(path: directory.file("store.sqlite"))
        let offline = try device(harness, store: store, backend: OvokBackend(), token: first.token, online: false)
        let request = try #require(try await offline.requestDeletion(days: 30).queuedOperation)

        let asSecond = try device(harness, store: store, backend: OvokBackend(), token: second.token)
        #expect(try await asSecond.sync() == .init(sent: 0, failed: 0, remaining: 0))
        #expect(try await harness.applied().isEmpty)

        let asFirst = try device(harness, store: store, backend: OvokBackend(), token: first.token)
        #expect(try await asFirst.sync() == .init(sent: 1, failed: 0, remaining: 0))
        #expect(try await harness.applied().map(\.user) == [first.id])
        #expect(try await harness.applied().map(\.key) == [request.key])
        // Ovok's answer named the user: the person is that account now.
        #expect(asFirst.sender.account == AccountID(backend: "ovok", userID: first.id))
    }

    @Test("a token the server says is another user's stops the drain (accountMismatch); what was made under it is set aside", arguments: Transport.allCases)
    func mismatch(_ transport: Transport) async throws {
        let scene = try await AliceAndBob(transport)
        let (harness, alice, bob, store) = (scene.harness, scene.alice, scene.bob, scene.store)
        let aliceAccount = AccountID(backend: "allmine", userID: alice.id)
        let named = try device(harness, store: store, token: alice.token, account: alice.id, online: false)
        let request = try #require(try await named.requestDeletion().queuedOperation)
        #expect(request.account == aliceAccount)
        // The host names Alice but hands over Bob's token, offline: nobody
        // can tell yet, and a rename is queued under it.
        let offline = try device(harness, store: store, token: bob.token, account: alice.id, online: false)
        let rename = try #require(try await offline.changeUsername(to: "made_with_bobs").queuedOperation)

        let wrong = try device(harness, store: store, token: bob.token, account: alice.id)
        let events = wrong.events
        let report = try await wrong.sync()
        #expect(report == .init(sent: 0, failed: 0, remaining: 1, holdup: .paused(.accountMismatch)))
        #expect(await firstEvent(of: events) { $0 == .syncPaused(.accountMismatch) } != nil)
        #expect(try await harness.applied().isEmpty)
        #expect(try await harness.requests().map { $0["path"] } == ["/api/v1/users/me"], "only the question whose it is")
        // Made under Bob's credentials for Alice: set aside, never sent.
        let setAside = try #require(try store.outbox(for: aliceAccount).first { $0.id == rename.id })
        #expect(setAside.state == .failed)
        #expect(setAside.lastError?.hasPrefix("accountMismatch") == true)
        // Nothing more is taken under the wrong token, and the store now knows.
        await #expect(throws: AccountError.self) { _ = try await wrong.requestDeletion() }
        #expect(throws: AccountError(.accountMismatch, detail: "the server said before that this token is another user's")) {
            try wrong.signIn(account: alice.id, token: bob.token)
        }
        #expect(try store.outbox(for: aliceAccount).count == 2)

        let right = try device(harness, store: store, token: alice.token, account: alice.id)
        #expect(try await right.sync() == .init(sent: 1, failed: 0, remaining: 0))
        #expect(try await harness.applied().map(\.user) == [alice.id])
        #expect(try await harness.applied().map(\.key) == [request.key])
        #expect(try await harness.user(alice.id)["username"] == "alice")
    }

    @Test("a refresh that hands over another user's token moves nothing: their queue stays theirs, and goes with them", arguments: Transport.allCases)
    func refreshWithAnotherUsersToken(_ transport: Transport) async throws {
        let scene = try await AliceAndBob(transport)
        let (harness, alice, bob, store) = (scene.harness, scene.alice, scene.bob, scene.store)
        let offline = try device(harness, store: store, token: alice.token, online: false)
        let rename = try #require(try await offline.changeUsername(to: "alice_new").queuedOperation)

        let engine = try device(harness, store: store, token: bob.token)
        #expect(try await engine.sync().sent == 0)
        // The host "refreshes" Bob's token with Alice's: what Bob does now
        // is checked first, and refused.
        try engine.setToken(alice.token)
        await #expect(throws: AccountError.self) { _ = try await engine.requestDeletion() }
        #expect(engine.sender.hasAccountMismatch)
        #expect(try await harness.applied().isEmpty)
        let bobs = try store.outbox(for: AccountID(backend: "allmine", userID: bob.id))
        #expect(bobs.map(\.state) == [.failed], "made for Bob under Alice's token: set aside")
        // Alice's rename was not moved: still queued, still hers.
        let waiting = try #require(try store.outboxOfEveryone().first { $0.id == rename.id })
        #expect(waiting.state == .queued)
        #expect(waiting.account == AccountID(backend: "allmine", userID: alice.id))

        // Signing Alice in starts her drain.
        try engine.signIn(account: nil, token: alice.token)
        await engine.settled()
        #expect(try await engine.sync().remaining == 0)
        #expect(try await harness.applied().map(\.user) == [alice.id])
        #expect(try await harness.applied().map(\.key) == [rename.key])
    }

    @Test("after a 401, a fresh token of another user is checked first and carries nothing")
    func refreshedTokenIsChecked() async throws {
        let scene = try await AliceAndBob()
        let (harness, alice, bob, store) = (scene.harness, scene.alice, scene.bob, scene.store)
        let client = try AuthorizedSender(store: store,
                                          client: AccountClient(backend: AllmineBackend(),
                                                                configuration: ClientConfiguration(baseURL: harness.emulator.baseURL),
                                                                transport: harness.transport(), clock: harness.clock),
                                          token: alice.token, account: alice.id, tokenRefresher: { bob.token })
        _ = try await client.profile()
        try await harness.inject("status", "POST", "/api/v1/users/me/account-deletion", status: 401)
        await #expect(throws: AccountError.self) { _ = try await client.requestDeletion() }
        #expect(client.hasAccountMismatch)
        #expect(try await harness.applied().isEmpty)
        #expect(try await harness.user(bob.id)["deletion"]?["status"] == "none")
        #expect(try await harness.requests().filter { $0["method"] == "POST" }.count == 1, "only the refused one")
    }

    @Test("a cancel made while its request is on its way is sent after it, never cancelled out", arguments: Transport.allCases)
    func cancelDuringRequest(_ transport: Transport) async throws {
        let scene = try await AliceAndBob(transport)
        let (harness, alice, _, store) = (scene.harness, scene.alice, scene.bob, scene.store)
        let engine = try device(harness, store: store, token: alice.token, account: alice.id)
        _ = try await engine.sender.profile()
        try await harness.inject("delay", "POST", "/api/v1/users/me/account-deletion", delayMs: 800)
        let request = Task { try await engine.requestDeletion() }
        let deadline = ContinuousClock.now + .seconds(30)
        while try engine.outbox().first?.state != .sending, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(2))
        }
        try #require(try engine.outbox().first?.state == .sending)
        let cancel = try await engine.cancelDeletion()
        #expect(!cancel.isCoalesced)
        _ = try await request.value
        await engine.settled()
        _ = try await engine.sync()
        #expect(try await harness.applied().map(\.action) == ["requestDeletion", "cancelDeletion"])
        #expect(try await harness.user(alice.id)["deletion"]?["status"] == "cancelled")
    }

    @Test("sign-out says what was not sent, with each cancel's deadline; discard removes it, audited", arguments: Transport.allCases)
    func signOut(_ transport: Transport) async throws {
        let scene = try await AliceAndBob(transport)
        let (harness, alice, _, store) = (scene.harness, scene.alice, scene.bob, scene.store)
        let engine = try device(harness, store: store, token: alice.token)
        _ = try await engine.requestDeletion()
        engine.setOnline(false)
        let cancel = try #require(try await engine.cancelDeletion().queuedOperation)
        let account = try engine.sender.signedInAccount

        let kept = try engine.signOut()
        #expect(kept.account == account)
        #expect(kept.unsent.map(\.id) == [cancel.id])
        #expect(kept.unsent.first?.deadline == cancel.deadline)
        #expect(try store.outbox(for: account).map(\.id) == [cancel.id], "signing out drops nothing")
        #expect(try engine.outbox().isEmpty, "nobody is signed in")
        #expect(try engine.localStatus().deletion.state == .none, "nobody's status is shown")

        try engine.signIn(account: nil, token: alice.token)
        #expect(try engine.localStatus().deletion.state == .pending)
        let discarded = try engine.signOut(discard: true)
        #expect(discarded.unsent.map(\.id) == [cancel.id])
        #expect(try store.outbox(for: account).isEmpty)
        #expect(try store.auditTrail(for: account).last?.outcome == .discarded)
        #expect(try engine.signOut().account == nil)
    }

    @Test("a sync asked for does not wait out a backoff; the timer does; never before Retry-After", arguments: Transport.allCases)
    func syncNowMeansNow(_ transport: Transport) async throws {
        let scene = try await AliceAndBob(transport)
        let (harness, alice, _, store) = (scene.harness, scene.alice, scene.bob, scene.store)
        let engine = try device(harness, store: store, token: alice.token, account: alice.id)
        let path = "/api/v1/users/me/account-deletion"
        try await harness.inject("serverError", "POST", path, count: 2)
        let queued = try #require(try await engine.requestDeletion().queuedOperation)
        let due = try #require(queued.nextAttemptAt)
        #expect(due > harness.clock.now())
        // The timer keeps the backoff...
        #expect(try await engine.drain(explicit: false, immediate: nil).report.holdup == .retry(at: due, after: nil))
        #expect(try await harness.requests().filter { $0["path"] == .string(path) }.count == 1)
        // ...a sync asked for goes now.
        var report = try await engine.sync()
        #expect(report.sent == 0 && report.remaining == 1)
        #expect(try await harness.requests().filter { $0["path"] == .string(path) }.count == 2)
        // Coming back online forgets the backoff too: its drain sends at
        // once, on the same clock.
        let backoff = try #require(try store.outboxOfEveryone().first?.nextAttemptAt)
        #expect(backoff > harness.clock.now())
        engine.setOnline(false)
        let events = engine.events
        engine.setOnline(true)
        #expect(await firstEvent(of: events) { $0.isSynced } != nil)
        #expect(try await harness.applied().map(\.key) == [queued.key])

        // A Retry-After holds even a sync asked for.
        try await harness.inject("rateLimited", "DELETE", path, retryAfter: 2)
        let cancel = try #require(try await engine.cancelDeletion().queuedOperation)
        #expect(cancel.notBefore == harness.clock.now().adding(seconds: 2))
        report = try await engine.sync()
        #expect(report.holdup == .retry(at: try #require(cancel.notBefore), after: nil))
        #expect(try await harness.requests().filter { $0["method"] == "DELETE" }.count == 1)
        harness.clock.advance(by: 2)
        report = try await engine.sync()
        #expect(report.sent == 1, "\(report)")
    }
}

/// A transport whose every exchange fails the same way.
private struct FailingTransport: HTTPTransport {
    let kind: TransportFailure.Kind
    func send(_ request: TransportRequest) async throws(TransportFailure) -> TransportResponse {
        throw TransportFailure(kind, detail: "always \(kind.rawValue)")
    }
}

@Suite("Sync engine: what never left the device still cancels out")
struct NeverSentTests {
    @Test("after attempts that failed so, a request and its cancel cancel out only when nothing could have left",
          arguments: [(TransportFailure.Kind.noConnection, true), (.timeout, false), (.tls, false), (.interrupted, false),
                      (.cancelled, false), (.other, false)])
    func failureKinds(kind: TransportFailure.Kind, cancelsOut: Bool) async throws {
        let directory = try TemporaryDirectory()
        let store = try AccountStore(path: directory.file("store.sqlite"))
        let client = try AuthorizedSender(store: store,
                                          client: AccountClient(backend: AllmineBackend(),
                                                                configuration: ClientConfiguration(baseURL: "https://api.allmine.example"),
                                                                transport: FailingTransport(kind: kind)),
                                          token: "t0ken", account: "user-1")
        let engine = SyncEngine(store: store, sender: client, online: true)
        let request = try #require(try await engine.requestDeletion().queuedOperation)
        let tried = try #require(try store.outboxOfEveryone().first)
        #expect(tried.id == request.id)
        #expect(tried.attempts >= 1, "\(tried)")
        #expect(tried.mayHaveBeenSent == !cancelsOut, "\(tried)")
        let cancel = try await engine.cancelDeletion()
        #expect(cancel.isCoalesced == cancelsOut)
        #expect(try store.outboxOfEveryone().map(\.kind) == (cancelsOut ? [] : [.requestDeletion, .cancelDeletion]))
    }
}
