@testable import AccountCore
import AccountEmulator
import POSIXThread
import Testing
import TestSupport

/// The drain writes one answer while the next request travels (issue 18):
/// the order the user acted in, and what a failure holds back, are as they
/// were when each answer was written before the next request left.
@Suite("Sync engine: the overlapped drain")
struct OverlappedDrainTests {
    static let deletionPath = "/api/v1/users/me/account-deletion"

    @Test("60 operations: the server applies them in queue order, and the answers are written in that order")
    func keepsOrder() async throws {
        let harness = try SyncHarness()
        let keys = try ProcessDrainTests.queue(60, in: harness)
        let ids = try harness.store.outbox(for: harness.account).map(\.id)
        let events = harness.engine.events
        let report = try await harness.engine.sync()
        #expect(report.sent == 60 && report.failed == 0 && report.remaining == 0, "\(report)")
        // The emulator's mutation log, in the order it applied them.
        try await ProcessDrainTests.expectAppliedOnce(keys, harness)
        // The audit trail and the events, in the order the answers were written.
        let audited = try harness.store.auditTrail(for: harness.account).filter { $0.outcome == .succeeded }
        #expect(audited.compactMap(\.operationID) == ids)
        // Emitted before sync() returned: the timeout only guards a hang.
        var synced: [OutboxOperation.ID] = []
        for _ in ids {
            let event = await firstEvent(of: events) { if case .operationSynced = $0 { true } else { false } }
            guard case .operationSynced(let operation)? = event else { break }
            synced.append(operation.id)
        }
        #expect(synced == ids)
    }

    @Test("a transient failure of operation 2 leaves operation 3 unsent; the next sync sends 2, 3 and 4 once each, in order")
    func transientFailureHoldsBackTheRest() async throws {
        let harness = try SyncHarness()
        // request, cancel, request, cancel: the cancel (DELETE) fails once.
        let keys = try ProcessDrainTests.queue(4, in: harness)
        try await harness.emulator.inject("serverError", "DELETE", Self.deletionPath)
        let report = try await harness.engine.sync()
        #expect(report.sent == 1 && report.remaining == 3, "\(report)")
        guard case .retry(_, let error)? = report.holdup else {
            Issue.record("expected a retry, got \(String(describing: report.holdup))")
            return
        }
        #expect(error?.httpStatus == 500)
        // The server saw operation 1 and operation 2, and nothing after.
        let requests = try await harness.accountRequests()
        #expect(requests.compactMap { $0["method"]?.stringValue } == ["POST", "DELETE"])
        #expect(try await harness.emulator.mutations().compactMap { $0["idempotencyKey"]?.stringValue } == [keys[0]])
        let left = try harness.store.outbox(for: harness.account)
        #expect(left.map(\.idempotencyKey.description) == Array(keys[1...]))
        #expect(left.map(\.attempts) == [1, 0, 0])
        #expect(left.allSatisfy { $0.state == .queued })

        let again = try await harness.engine.sync()
        #expect(again.sent == 3 && again.remaining == 0, "\(again)")
        try await ProcessDrainTests.expectAppliedOnce(keys, harness)
    }

    @Test("a refusal of operation 1 is set aside and operation 2 still goes, once")
    func refusalSetsAside() async throws {
        let harness = try SyncHarness()
        let keys = try ProcessDrainTests.queue(2, in: harness)
        try await harness.emulator.inject("status", "POST", Self.deletionPath, status: 409)
        let report = try await harness.engine.sync()
        #expect(report.failed == 1 && report.remaining == 0, "\(report)")
        let left = try harness.store.outbox(for: harness.account)
        #expect(left.map(\.idempotencyKey.description) == [keys[0]])
        #expect(left.first?.state == .failed)
        // The cancel found nothing pending once the request was refused:
        // what the user wanted is true, and it left the outbox.
        #expect(report.sent == 1)
    }

    @Test("the drain runs on the transport's own thread: every request leaves from it, every answer is written off it")
    func runsOnTheTransportsThread() async throws {
        let worker = WorkerThread()
        let sentFromWorker = LockedValue<[Bool]>([])
        // A transport whose own thread is the worker's, noting for each
        // request whether it was sent from there.
        let harness = try SyncHarness { inner in
            SendWatchingTransport(inner: inner, preferredExecutor: worker.executor) { request in
                guard request.url.hasSuffix(Self.deletionPath) else { return }
                sentFromWorker.withLock { $0.append(worker.isCurrent) }
            }
        }
        let keys = try ProcessDrainTests.queue(40, in: harness)
        let report = try await harness.engine.sync()
        #expect(report.sent == 40 && report.remaining == 0, "\(report)")
        try await ProcessDrainTests.expectAppliedOnce(keys, harness)
        let sent = sentFromWorker.withLock { $0 }
        #expect(sent.count == 40)
        #expect(sent.allSatisfy { $0 })

        // The writer's commits, from a task on that thread, run on the pool.
        _ = try ProcessDrainTests.queue(20, in: harness)
        let operations = try harness.store.outbox(for: harness.account)
        let writtenOnWorker = LockedValue<[Bool]>([])
        let written = try await withTaskExecutorPreference(worker.executor) { () async throws(AccountError) -> Int in
            let writer = AnswerWriter(limit: 4) { batch in
                writtenOnWorker.withLock { $0.append(worker.isCurrent) }
                return .success(())
            }
            for operation in operations {
                try await writer.add(DrainAnswer(operation: operation, outcome: BackendOutcome(), httpStatus: 200))
            }
            try await writer.finish()
            return writer.written.count
        }
        #expect(written == 20)
        #expect(!writtenOnWorker.withLock { $0 }.isEmpty)
        #expect(!writtenOnWorker.withLock { $0 }.contains(true))
    }
}
