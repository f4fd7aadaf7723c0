@testable import AccountCore
import CurlTransport
import AccountEmulator
import Allmine
import Mudbase
import POSIXThread
import FoundationEssentials
import Testing
import TestSupport

@Suite("Sync engine")
struct SyncEngineTests {
    static let deletionPath = "/api/v1/users/me/account-deletion"

    @Test("an offline cancel is queued with its deadline, shown as pending, and delivered once when the network returns", arguments: Transport.allCases)
    func offlineCancel(_ transport: Transport) async throws {
        let harness = try SyncHarness(transport: transport)
        #expect(try await harness.engine.requestDeletion().outcome?.deletion?.state == .pending)
        harness.engine.setOnline(false)
        let before = try await harness.requestCount()
        let queued = try #require(try await harness.engine.cancelDeletion().queuedOperation)
        #expect(queued.deadline == start.adding(seconds: 28 * 86_400))
        let status = try await harness.engine.status()
        #expect(status.deletion.state == .pending)
        #expect(status.source == .cache)
        #expect(status.queued.map(\.kind) == [.cancelDeletion])
        #expect(status.queued.first?.deadline == queued.deadline)
        #expect(try await harness.requestCount() == before)

        let events = harness.engine.events
        harness.engine.setOnline(true)
        let synced = await firstEvent(of: events) { $0.isSynced }
        #expect(synced == .operationSynced(queued))
        #expect(try await harness.applied() == ["requestDeletion", "cancelDeletion"])
        #expect(try harness.engine.outbox().isEmpty)
        #expect(try await harness.engine.status().deletion.state == .cancelled)
    }

    @Test("an answer lost after the mutation was applied: resent with the same key, applied once", arguments: Transport.allCases)
    func applyThenDrop(_ transport: Transport) async throws {
        let harness = try SyncHarness(transport: transport)
        try await harness.emulator.inject("applyThenClose", "POST", Self.deletionPath)
        let queued = try #require(try await harness.engine.requestDeletion().queuedOperation)
        #expect(queued.attempts == 1)
        #expect(try await harness.applied() == ["requestDeletion"])
        harness.advance(seconds: 2)
        let report = try await harness.engine.sync()
        #expect(report == .init(sent: 1, failed: 0, remaining: 0))
        #expect(try await harness.applied() == ["requestDeletion"])
        let keys = try await harness.accountRequests().map { request in
            request["headers"]?.arrayValue?.first { $0.arrayValue?.first == "Idempotency-Key" }?.arrayValue?.last
        }
        #expect(keys.count == 2)
        #expect(keys[0] == keys[1])
        #expect(keys[0] == .string(queued.idempotencyKey.description))
        #expect(try harness.store.cached(DeletionStatus.self, for: harness.account)?.value.state == .pending)
    }

    @Test("three 500s, then success: retried with backoff, applied once", arguments: Transport.allCases)
    func retriesAfterServerErrors(_ transport: Transport) async throws {
        let harness = try SyncHarness(transport: transport)
        try await harness.emulator.inject("serverError", "POST", Self.deletionPath, count: 3)
        let queued = try #require(try await harness.engine.requestDeletion().queuedOperation)
        var attempts = [queued.attempts]
        for _ in 0..<3 {
            // Full jitter: the n-th wait is at most min(300, 2^(n-1)) s.
            harness.advance(seconds: 5)
            _ = try await harness.engine.sync()
            attempts.append(try harness.engine.outbox().first?.attempts ?? -1)
        }
        #expect(attempts == [1, 2, 3, -1])
        #expect(try await harness.applied() == ["requestDeletion"])
        #expect(try harness.store.auditTrail(for: harness.account).map(\.outcome)
                == [.queued, .failed, .failed, .failed, .succeeded])
    }

    @Test("a sync that leaves operations queued says why: offline, a failure and its retry, backoff, another drain", arguments: Transport.allCases)
    func holdups(_ transport: Transport) async throws {
        let offline = try SyncHarness(online: false, transport: transport)
        _ = try await offline.engine.requestDeletion()
        var report = try await offline.engine.sync()
        #expect(report.remaining == 1)
        #expect(report.holdup == .paused(.offline))

        let harness = try SyncHarness(transport: transport)
        // 503 with Retry-After: 1, so each wait is at least a second (plain
        // jitter could round to no wait at all).
        try await harness.emulator.inject("unavailable", "POST", Self.deletionPath, count: 2, retryAfter: 1)
        _ = try #require(try await harness.engine.requestDeletion().queuedOperation)
        // Still in its backoff: nothing is sent, and the wait is named.
        let sent = try await harness.requestCount()
        report = try await harness.engine.sync()
        let firstRetry = try #require(try harness.engine.outbox().first?.nextAttemptAt)
        #expect(report.holdup == .retry(at: firstRetry, after: nil))
        #expect(try await harness.requestCount() == sent)
        // Due, tried, failed again: the failure and the next try.
        harness.advance(seconds: 5)
        report = try await harness.engine.sync()
        guard case .retry(let at, let error)? = report.holdup else {
            Issue.record("no retry holdup: \(String(describing: report.holdup))")
            return
        }
        #expect(error?.code == .server)
        let scheduled = try harness.engine.outbox().first?.nextAttemptAt
        #expect(at > harness.client.now && at == scheduled)
        // Another drain holds the lock (as another process would).
        harness.advance(seconds: 5)
        let held = try #require(try DrainLock(storePath: harness.store.path).tryAcquire())
        report = try await harness.engine.sync()
        #expect(report.holdup == .anotherDrain)
        held.release()
        report = try await harness.engine.sync()
        #expect(report == SyncReport(sent: 1, failed: 0, remaining: 0, holdup: nil))
    }

    @Test("Retry-After: 2 is honoured: the retry is not sent earlier, by the emulator's own log", arguments: Transport.allCases)
    func retryAfter(_ transport: Transport) async throws {
        let harness = try SyncHarness(transport: transport)
        try await harness.emulator.inject("unavailable", "POST", Self.deletionPath, retryAfter: 2)
        let queued = try #require(try await harness.engine.requestDeletion().queuedOperation)
        #expect(try #require(queued.nextAttemptAt).seconds(since: start) >= 2)
        harness.advance(seconds: 1.999)
        #expect(try await harness.engine.sync().sent == 0)
        #expect(try await harness.requestCount() == 1)
        harness.advance(seconds: 0.001)
        #expect(try await harness.engine.sync().sent == 1)
        let times = try await harness.accountRequests().compactMap { $0["atMs"]?.integerValue }
        #expect(times.count == 2)
        #expect(times[1] - times[0] >= 2_000)
    }

    @Test("a 401 pauses the queue; a new token resumes it", arguments: Transport.allCases)
    func authentication(_ transport: Transport) async throws {
        let harness = try SyncHarness(token: "expired", transport: transport)
        let events = harness.engine.events
        await #expect(throws: AccountError(.unauthorized, detail: "Authentication required")) {
            try await harness.engine.requestDeletion()
        }
        #expect(try harness.engine.outbox().map(\.state) == [.queued])
        #expect(await firstEvent(of: events) { $0 == .syncPaused(.authenticationRequired) } != nil)
        let sent = try await harness.requestCount()
        let report = try await harness.engine.sync()
        #expect(report.sent == 0 && report.holdup == .paused(.authenticationRequired))
        #expect(try await harness.requestCount() == sent)

        let synced = harness.engine.events
        try harness.engine.setToken(try harness.emulator.token(.allmine))
        #expect(await firstEvent(of: synced) { $0.isSynced } != nil)
        #expect(try await harness.applied() == ["requestDeletion"])
    }

    @Test("a 409 on the first operation does not block the second", arguments: Transport.allCases)
    func rejectionDoesNotBlock(_ transport: Transport) async throws {
        let harness = try SyncHarness(online: false, transport: transport)
        try await harness.emulator.control("POST", "users", ["backend": "allmine", "username": "taken_name"])
        _ = try await harness.engine.changeUsername(to: "taken_name")
        _ = try await harness.engine.requestDeletion()
        let events = harness.engine.events
        harness.engine.setOnline(true)
        let failed = await firstEvent(of: events) { if case .operationFailed = $0 { true } else { false } }
        guard case .operationFailed(let operation, let error)? = failed else {
            Issue.record("no failure reported")
            return
        }
        #expect(operation.kind == .changeUsername)
        #expect(operation.state == .failed)
        #expect(error.code == .conflict)
        #expect(operation.lastError?.hasPrefix("conflict: 409") == true)
        await harness.engine.settled()
        _ = try await harness.engine.sync()
        #expect(try harness.engine.outbox().map(\.state) == [.failed])
        #expect(try await harness.applied() == ["requestDeletion"])
        try harness.engine.dismissFailed()
        #expect(try harness.engine.outbox().isEmpty)
    }

    @Test("a request and its cancel, both offline, cancel out: nothing is sent; two renames keep the last", arguments: Transport.allCases)
    func coalescing(_ transport: Transport) async throws {
        let harness = try SyncHarness(online: false, transport: transport)
        #expect(try await harness.engine.requestDeletion().queuedOperation != nil)
        #expect(try await harness.engine.status().deletion.state == .pending)
        #expect(try await harness.engine.cancelDeletion().isCoalesced)
        #expect(try harness.engine.outbox().isEmpty)
        #expect(try await harness.engine.status().deletion.state == .none)
        _ = try await harness.engine.changeUsername(to: "first_try")
        _ = try await harness.engine.changeUsername(to: "second_try")
        #expect(try harness.engine.outbox().map(\.payload) == [.changeUsername(try Username(validating: "second_try"))])
        harness.engine.setOnline(true)
        await harness.engine.settled()
        #expect(try await harness.engine.sync().remaining == 0)
        #expect(try await harness.applied() == ["changeUsername"])
        #expect(try await harness.accountRequests().map { $0["method"] } == ["PATCH"])
    }

    @Test("a cancel whose deadline passed before delivery is reported missed, never dropped", arguments: Transport.allCases)
    func missedDeadline(_ transport: Transport) async throws {
        let harness = try SyncHarness(transport: transport)
        _ = try await harness.engine.requestDeletion()
        harness.engine.setOnline(false)
        let events = harness.engine.events
        _ = try await harness.engine.cancelDeletion()
        harness.advance(seconds: 27.5 * 86_400)
        _ = try await harness.engine.status()
        harness.engine.setOnline(false)
        _ = try await harness.engine.sync()
        #expect(await firstEvent(of: events) { if case .deadlineApproaching = $0 { true } else { false } } != nil)
        harness.advance(seconds: 0.6 * 86_400)
        let missed = harness.engine.events
        harness.engine.setOnline(true)
        let event = await firstEvent(of: missed) { if case .operationFailed = $0 { true } else { false } }
        guard case .operationFailed(let operation, _)? = event else {
            Issue.record("the missed cancel was not reported")
            return
        }
        #expect(operation.state == .missed)
        #expect(try harness.engine.outbox().map(\.state) == [.missed])
        #expect(try await harness.applied() == ["requestDeletion"])
        #expect(try await harness.emulator.requests().filter { $0["method"] == "DELETE" }.isEmpty)
    }

    @Test("the timer drains what became due, without being asked; the status change is announced", arguments: Transport.allCases)
    func timer(_ transport: Transport) async throws {
        let harness = try SyncHarness(transport: transport)
        try await harness.emulator.inject("serverError", "POST", Self.deletionPath)
        #expect(try await harness.engine.requestDeletion().queuedOperation != nil)
        harness.advance(seconds: 5)
        let events = harness.engine.events
        harness.engine.startAutomaticSync(every: 0.05)
        defer { harness.engine.stopAutomaticSync() }
        #expect(await firstEvent(of: events) { $0.isSynced } != nil)
        let changed = await firstEvent(of: events) { if case .statusChanged = $0 { true } else { false } }
        guard case .statusChanged(let report)? = changed else {
            Issue.record("no status change announced")
            return
        }
        #expect(report.deletion.state == .pending)
        #expect(report.queued.isEmpty)
        #expect(try await harness.applied() == ["requestDeletion"])
    }

    @Test("finalize and erase are never queued: offline they fail at once", arguments: Transport.allCases)
    func neverQueued(_ transport: Transport) async throws {
        let harness = try SyncHarness(online: false, transport: transport)
        await #expect(throws: AccountError.offlineNotQueued) { try await harness.engine.finalizeNow() }
        let mudbase = try SyncEngine(
            store: harness.store,
            client: AccountClient(backend: MudbaseBackend(), configuration: ClientConfiguration(baseURL: harness.emulator.emulator.baseURL),
                                  transport: harness.emulator.transport(), clock: harness.emulator.clock),
            token: try harness.emulator.token(.mudbase), online: false)
        await #expect(throws: AccountError.offlineNotQueued) { try await mudbase.erase(confirmation: "DELETE_MY_ACCOUNT") }
        // A wrong confirmation is still refused for what it is.
        await #expect(throws: AccountError(.invalidInput(.confirmationMismatch))) {
            try await mudbase.erase(confirmation: "delete")
        }
        #expect(try harness.engine.outbox().isEmpty)
        #expect(try mudbase.outbox().isEmpty)
        #expect(try await harness.requestCount() == 0)
    }

    @Test("online, a cancel answered 404 tells the user there was nothing to cancel", arguments: Transport.allCases)
    func immediateCancelNotFound(_ transport: Transport) async throws {
        let harness = try SyncHarness(transport: transport)
        await #expect(throws: AccountError(.notFound, detail: "Resource not found")) {
            try await harness.engine.cancelDeletion()
        }
        #expect(try harness.engine.outbox().isEmpty)
    }

    @Test("a queued cancel answered 404 (cancelled elsewhere) counts as done", arguments: Transport.allCases)
    func queuedCancelNotFound(_ transport: Transport) async throws {
        let harness = try SyncHarness(transport: transport)
        _ = try await harness.engine.requestDeletion()
        harness.engine.setOnline(false)
        _ = try await harness.engine.cancelDeletion()
        _ = try await harness.client.cancelDeletion() // from "another device"
        // Coming online sends it; the 404 it gets is what the user wanted.
        harness.engine.setOnline(true)
        await harness.engine.settled()
        #expect(try await harness.engine.sync() == .init(sent: 0, failed: 0, remaining: 0))
        #expect(try harness.engine.outbox().isEmpty)
        let last = try #require(try harness.store.auditTrail(for: harness.account).last)
        #expect(last.action == .cancelDeletion && last.outcome == .succeeded && last.httpStatus == 404)
    }

    @Test("offline and online in quick succession: nothing lost, nothing doubled", arguments: Transport.allCases)
    func flapping(_ transport: Transport) async throws {
        let harness = try SyncHarness(online: false, transport: transport)
        for index in 0..<10 {
            _ = try await harness.engine.changeUsername(to: "name_\(index)")
            harness.engine.setOnline(index % 2 == 0)
            harness.engine.setOnline(index % 2 == 1)
            harness.advance(seconds: 31 * 86_400)
        }
        harness.engine.setOnline(true)
        await harness.engine.settled()
        for _ in 0..<50 where try harness.engine.outbox().contains(where: { $0.state == .queued }) {
            harness.advance(seconds: 400)
            _ = try await harness.engine.sync()
        }
        let applied = try await harness.emulator.mutations()
        let keys = applied.compactMap { $0["idempotencyKey"]?.stringValue }
        #expect(Set(keys).count == keys.count)
        #expect(try harness.engine.outbox().filter { $0.state == .queued }.isEmpty)
        let last = try await harness.client.profile().username
        #expect(last == "name_9")
    }

    @Test("the host saying offline stops a drain before its next request; the one on the wire is answered and written", arguments: Transport.allCases)
    func offlineDuringDrain(_ transport: Transport) async throws {
        // As the first request leaves, the host says the network went.
        let engineToTakeOffline = LockedValue<SyncEngine?>(nil)
        let harness = try SyncHarness(transport: transport) { inner in
            SendWatchingTransport(inner: inner) { request in
                guard request.url.hasSuffix(Self.deletionPath) else { return }
                engineToTakeOffline.withLock { engine in
                    engine?.setOnline(false)
                    engine = nil
                }
            }
        }
        engineToTakeOffline.withLock { $0 = harness.engine }
        let keys = try ProcessDrainTests.queue(5, in: harness)

        let report = try await harness.engine.sync()
        #expect(report == SyncReport(sent: 1, failed: 0, remaining: 4, holdup: .paused(.offline)))
        #expect(try await harness.requestCount() == 1, "a request left after the host said offline")
        let applied = try await harness.emulator.mutations().compactMap { $0["idempotencyKey"]?.stringValue }
        #expect(applied == [keys[0]])
        #expect(try harness.engine.outbox().count == 4)

        // Back online: the rest go, in order, each once.
        harness.engine.setOnline(true)
        await harness.engine.settled()
        _ = try await harness.engine.sync()
        try await ProcessDrainTests.expectAppliedOnce(keys, harness)
    }
}

@Suite("Sync engine: in memory, no socket")
struct InMemoryTransportTests {
    @Test("the engine and the client run on the emulator in memory: it does not listen, and no request came over a connection")
    func noSocket() async throws {
        let harness = try SyncHarness(online: false, transport: .inMemory)
        #expect(harness.emulator.emulator.port == 0)
        #expect(harness.emulator.emulator.baseURL == EmulatorTransport.baseURL)
        _ = try await harness.engine.changeUsername(to: "in_memory")
        _ = try await harness.engine.requestDeletion()
        harness.engine.setOnline(true)
        await harness.engine.settled()
        #expect(try await harness.engine.sync().remaining == 0)
        // The rename goes first; the request then locks the account.
        #expect(try await harness.applied() == ["changeUsername", "requestDeletion"])
        let requests = try await harness.emulator.requests()
        #expect(!requests.isEmpty)
        // A request read from a socket has the id of its connection, 1 and up.
        #expect(requests.allSatisfy { $0["connectionId"] == 0 }, "\(requests.map { $0["connectionId"] })")
    }
}

@Suite("Sync engine: another process's drain")
struct OtherProcessDrainTests {
    @Test("a submission waits for another process's drain (blocked in flock, no polling), then sends")
    func submissionWaitsForTheLock() async throws {
        let harness = try SyncHarness()
        // Another process's drain, as the lock sees it: another open file.
        let other = try #require(try DrainLock(storePath: harness.store.path).tryAcquire())
        let engine = harness.engine
        let submitted = Task { try await engine.requestDeletion() }
        // The submission is on disk and waiting for the lock.
        let deadline = ContinuousClock.now + .seconds(30)
        while try harness.engine.outbox().isEmpty, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(2))
        }
        #expect(try await harness.applied().isEmpty, "nothing is sent while the other drain holds the lock")
        other.release()
        let submission = try await submitted.value
        #expect(submission.outcome?.deletion?.state == .pending, "sent once the lock was free, not reported queued")
        #expect(try await harness.applied() == ["requestDeletion"])
    }

    @Test("an explicit sync does not wait for another process's drain: it says so")
    func syncReturnsAtOnce() async throws {
        let harness = try SyncHarness(online: false)
        _ = try await harness.engine.requestDeletion()
        let other = try #require(try DrainLock(storePath: harness.store.path).tryAcquire())
        defer { other.release() }
        harness.engine.setOnline(true)
        await harness.engine.settled()
        #expect(try await harness.engine.sync().holdup == .anotherDrain)
        #expect(try await harness.applied().isEmpty)
    }
}
