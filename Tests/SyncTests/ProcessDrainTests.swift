@testable import AccountCore
import AccountEmulator
import FoundationEssentials
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Child processes draining one store: what the user queued is applied
/// exactly once, however the drains overlap or die.
@Suite("Sync engine: processes", .serialized)
struct ProcessDrainTests {
    static var drainer: String { buildDirectory + "/sync-drainer" }

    /// `count` operations queued straight into the store (no coalescing):
    /// request, cancel, request, cancel, ..., each applied by the server.
    static func queue(_ count: Int, in harness: SyncHarness) throws -> [String] {
        var keys: [String] = []
        for index in 0..<count {
            let operation = OutboxOperation(account: harness.account,
                                            payload: index % 2 == 0 ? .requestDeletion(reason: nil, days: nil, wipe: nil)
                                                                    : .cancelDeletion,
                                            createdAt: start)
            try harness.store.enqueue(operation)
            keys.append(operation.idempotencyKey.uuidString.lowercased())
        }
        return keys
    }

    static func arguments(_ harness: SyncHarness) throws -> [String] {
        [harness.store.path, harness.emulator.emulator.baseURL, try harness.emulator.token(.allmine)]
    }

    /// Each queued key appears once in the emulator's mutation log, in order.
    static func expectAppliedOnce(_ keys: [String], _ harness: SyncHarness,
                                  sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let mutations = try await harness.emulator.mutations()
        let applied = mutations.compactMap { $0["idempotencyKey"]?.stringValue }
        #expect(applied == keys, "applied \(applied.count) of \(keys.count)", sourceLocation: sourceLocation)
        let actions = mutations.compactMap { $0["action"]?.stringValue }
        #expect(actions == keys.indices.map { $0 % 2 == 0 ? "requestDeletion" : "cancelDeletion" },
                sourceLocation: sourceLocation)
        #expect(try harness.store.outbox(for: harness.account).isEmpty, sourceLocation: sourceLocation)
    }

    @Test("two processes draining one database send each operation once")
    func twoProcesses() async throws {
        #expect(fileExists(Self.drainer), "build the package first: swift build")
        let harness = try SyncHarness()
        let keys = try Self.queue(40, in: harness)
        let arguments = try Self.arguments(harness)
        let first = try spawn(Self.drainer, arguments)
        let second = try spawn(Self.drainer, arguments)
        #expect(try await waitFor(first) == 0)
        #expect(try await waitFor(second) == 0)
        try await Self.expectAppliedOnce(keys, harness)
    }

    @Test("a drain of 100 operations (20 more whenever it runs dry) killed with SIGKILL mid-drain 50 times, then finished: each applied exactly once")
    func crashes() async throws {
        #expect(fileExists(Self.drainer), "build the package first: swift build")
        let harness = try SyncHarness()
        var keys = try Self.queue(100, in: harness)
        let arguments = try Self.arguments(harness)
        // Each answer takes 30 ms more, so the 50 kills fall across the whole
        // drain: some while a request is in flight, some between the answer
        // and its commit.
        for method in ["POST", "DELETE"] {
            try await harness.emulator.inject("delay", method, "/api/v1/users/me/account-deletion", count: 10_000, delayMs: 30)
        }
        // Each child is killed once the emulator has seen it send (its
        // start-up, many times longer in a sanitizer build, is waited out),
        // then 0 to 75 ms later: in the first request (answered after 30 ms),
        // between its answer and its commit, while that commit overlaps the
        // second request, or in the second or third, on any machine and any
        // build.
        //
        // Fifty kills must hit a drain with work left, or this proves
        // nothing. When this task is starved (a sanitizer run of the whole
        // suite can hold it back for seconds), each child gets further before
        // its kill and the queue may run dry: then 20 more operations are
        // queued, so the count never depends on how promptly this task runs.
        var generator = SystemRandomNumberGenerator()
        var killedMidDrain = 0
        var children = 0
        while killedMidDrain < 50, children < 150 {
            if try harness.store.outbox(for: harness.account).isEmpty {
                keys += try Self.queue(20, in: harness)
            }
            // An empty log keeps each look at it cheap.
            try await harness.emulator.control("DELETE", "requests")
            let child = try spawn(Self.drainer, arguments)
            children += 1
            let deadline = ContinuousClock.now + .seconds(30)
            while try await harness.accountRequests().isEmpty, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(1))
            }
            try await Task.sleep(for: .microseconds(Int.random(in: 0...75_000, using: &generator)))
            kill(child, SIGKILL)
            // Killed, and with work left when it died (only children drain).
            if try await waitFor(child) == 128 + SIGKILL, try !harness.store.outbox(for: harness.account).isEmpty {
                killedMidDrain += 1
            }
        }
        #expect(killedMidDrain == 50, "only \(killedMidDrain) of \(children) children were killed mid-drain")
        let remaining = try harness.store.outbox(for: harness.account).count
        #expect(remaining < keys.count, "no child got anything done")
        let last = try spawn(Self.drainer, arguments)
        #expect(try await waitFor(last) == 0)
        try await Self.expectAppliedOnce(keys, harness)
    }
}
