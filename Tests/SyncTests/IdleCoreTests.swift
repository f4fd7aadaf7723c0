@testable import AccountCore
import AccountEmulator
import Allmine
import Testing
import TestSupport

/// The long-lived task of `startAutomaticSync`: asleep until something is
/// due or a drain is asked for, on the injected clock, so nothing here waits
/// for wall time. Each test waits for the task's turns (`loopTurns(reaching:)`),
/// never for a while.
@Suite("An idle core")
struct IdleCoreTests {
    static let deletionPath = "/api/v1/users/me/account-deletion"

    @Test("with an empty queue it makes no drain and sets no wake-up in 60 s")
    func idle() async throws {
        let harness = try SyncHarness(transport: .inMemory)
        let drainer = harness.engine.drainer
        harness.engine.startAutomaticSync()
        defer { harness.engine.stopAutomaticSync() }
        await drainer.loopTurns(reaching: 1)
        // It waits for a signal alone: nothing on the clock.
        #expect(drainer.nextLoopWake == nil)
        #expect(harness.emulator.clock.sleeping == 0)
        for _ in 0..<60 { harness.advance(seconds: 1) }
        #expect(drainer.drainCount == 0)
        #expect(drainer.loopTurns == 1)
        #expect(harness.emulator.clock.sleeping == 0)
        #expect(try await harness.requestCount() == 0)
    }

    @Test("an operation due later is drained once when it falls due, not before")
    func dueLater() async throws {
        let harness = try SyncHarness(transport: .inMemory)
        let drainer = harness.engine.drainer
        try await harness.emulator.inject("unavailable", "POST", Self.deletionPath, retryAfter: 30)
        let queued = try #require(try await harness.engine.requestDeletion().queuedOperation)
        let due = try #require(queued.dueAt(explicit: false))
        #expect(due == start.adding(seconds: 30))
        #expect(drainer.drainCount == 1)
        harness.engine.startAutomaticSync()
        defer { harness.engine.stopAutomaticSync() }
        await drainer.loopTurns(reaching: 1)
        // One wake, at the instant the head falls due.
        #expect(drainer.nextLoopWake == due)
        harness.advance(seconds: 29)
        #expect(drainer.loopTurns == 1)
        #expect(drainer.drainCount == 1)
        #expect(try harness.engine.outbox().map(\.state) == [.queued])
        harness.advance(seconds: 1)
        await drainer.loopTurns(reaching: 2)
        #expect(drainer.drainCount == 2)
        #expect(try harness.engine.outbox().isEmpty)
        #expect(try await harness.applied() == ["requestDeletion"])
        // Nothing left: back to waiting for a signal alone.
        #expect(drainer.nextLoopWake == nil)
    }

    @Test("a submission that leaves its operation queued wakes it at once, to sleep until it is due")
    func submissionWakes() async throws {
        let harness = try SyncHarness(transport: .inMemory)
        let drainer = harness.engine.drainer
        harness.engine.startAutomaticSync()
        defer { harness.engine.stopAutomaticSync() }
        await drainer.loopTurns(reaching: 1)
        #expect(drainer.nextLoopWake == nil)
        try await harness.emulator.inject("unavailable", "POST", Self.deletionPath, retryAfter: 30)
        let queued = try #require(try await harness.engine.requestDeletion().queuedOperation)
        await drainer.loopTurns(reaching: 2)
        #expect(drainer.nextLoopWake == queued.dueAt(explicit: false))
        // The submission's own drain only: the task looked and went back to sleep.
        #expect(drainer.drainCount == 1)
    }

    @Test("coming online wakes it for a drain that sends what was queued offline")
    func onlineWakes() async throws {
        let harness = try SyncHarness(online: false, transport: .inMemory)
        let drainer = harness.engine.drainer
        #expect(try await harness.engine.requestDeletion().queuedOperation != nil)
        harness.engine.startAutomaticSync()
        defer { harness.engine.stopAutomaticSync() }
        await drainer.loopTurns(reaching: 1)
        // Offline, nothing would be sent: it waits for a signal alone.
        #expect(drainer.nextLoopWake == nil)
        #expect(drainer.drainCount == 0)
        harness.engine.setOnline(true)
        await drainer.loopTurns(reaching: 2)
        #expect(drainer.drainCount == 1)
        #expect(try harness.engine.outbox().isEmpty)
        #expect(try await harness.applied() == ["requestDeletion"])
    }
}
