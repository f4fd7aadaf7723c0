@testable import AccountCore
import AccountEmulator
import FoundationEssentials
import Testing
import TestSupport

/// What the device had been told before the power went, and what its store
/// said at the last look that succeeded: the promises a reboot must keep.
struct Promises {
    /// Keys in the outbox at the last look: after the reboot each is still
    /// queued or the server applied it (or, for a rename, a later rename
    /// replaced it in one transaction).
    var queued: Set<String> = []
    /// Keys the server applied whose operation had left the outbox at the
    /// last look: acknowledged, they must not be queued again.
    var acknowledged: Set<String> = []
    /// Keys of the renames whose submission returned, in order.
    var renames: [String] = []
    /// Renames replaced by a later one whose submission returned: never sent.
    var replaced: Set<String> = []
    /// Whether the wipe returned: nothing of the account may come back.
    var wiped = false
    /// The steps that returned, for the report of a failure.
    var steps: [String] = []
}

/// One power cut: its seed, where it fell, and what a failure must say to be
/// replayed.
struct Cut: CustomStringConvertible {
    let seed: UInt64
    /// The I/O at which the power goes (1-based), of `total` in a whole run.
    let atIO: Int
    let total: Int
    let mode: FaultDisk.RevertMode

    init(seed: UInt64, total: Int) {
        var generator = SeededGenerator(seed: seed)
        self.seed = seed
        self.total = total
        atIO = Int(generator.next() % UInt64(total)) + 1
        mode = FaultDisk.RevertMode.allCases[Int(generator.next() % 3)]
    }

    var description: String {
        "power cut seed \(seed) at I/O \(atIO) of \(total), revert \(mode) (replay: ACCOUNTCORE_POWER_SEED=\(seed))"
    }
}

extension Durability {
    /// The store's promise, after SQLite's crash tests: what the user did is
    /// on disk before we say it is queued, and what the server acknowledged
    /// stays acknowledged, whenever the power goes.
    ///
    /// A workload enqueues, coalesces, drains to the emulator (which drops
    /// one answer after applying it and fails one request) and wipes. Each
    /// run cuts the power at a random I/O of it, reverts the files to what
    /// the disk holds after the reboot (unsynced writes lost, or one torn,
    /// or any of them landed in part), reopens the store with the system's
    /// VFS and checks the promises; then drains what is left and checks
    /// that the server applied every operation exactly once.
    ///
    /// `ACCOUNTCORE_POWER_CUTS` sets the number of cuts (default 40; the long
    /// run is 1000), `ACCOUNTCORE_POWER_SEED` replays one seed, and
    /// `ACCOUNTCORE_POWER_BASE_SEED` moves the seeds (`base`, `base + 1`, ...).
    @Suite("Power loss")
    struct PowerLossTests {
        static let defaultCuts = 40
        static let defaultBaseSeed: UInt64 = 16_000

        @Test("after a power cut at any I/O: the store opens whole, nothing said queued is lost, nothing acknowledged comes back, each operation is applied once")
        func powerCuts() async throws {
            // A whole run without a cut: how many I/Os it does, and that it
            // does what the cuts will interrupt.
            let total = try await dryRun()
            let seeds: [UInt64]
            if let replay = environment("ACCOUNTCORE_POWER_SEED") {
                seeds = [try #require(UInt64(replay), "ACCOUNTCORE_POWER_SEED must be a number")]
            } else {
                let cuts = try #require(Int(environment("ACCOUNTCORE_POWER_CUTS") ?? "\(Self.defaultCuts)"),
                                        "ACCOUNTCORE_POWER_CUTS must be a number")
                let base = try #require(UInt64(environment("ACCOUNTCORE_POWER_BASE_SEED") ?? "\(Self.defaultBaseSeed)"),
                                        "ACCOUNTCORE_POWER_BASE_SEED must be a number")
                seeds = (0..<UInt64(cuts)).map { base + $0 }
            }
            for seed in seeds {
                let cut = Cut(seed: seed, total: total)
                if try await !survives(cut) { break }
            }
        }

        /// The workload once, with the VFS watching but no cut.
        private func dryRun() async throws -> Int {
            let harness = try Harness(listens: false)
            let directory = try TemporaryDirectory()
            try FaultDisk.install(watching: directory.path)
            defer { FaultDisk.uninstall() }
            var promises = Promises()
            var device: Device?
            try await workload(harness: harness, path: directory.file("store.sqlite"), device: &device, promises: &promises)
            let total = FaultDisk.ioCount
            let store = try #require(device?.store)
            // It queued, coalesced, drained through a lost answer and a 500,
            // and wiped.
            #expect(promises.steps.count == Workload.allCases.count, "\(promises.steps)")
            #expect(promises.replaced.count == 1)
            #expect(try store.outboxOfEveryone().isEmpty)
            #expect(try await harness.appliedKeys().values.allSatisfy { $0 == 1 })
            #expect(try await harness.mutations().compactMap { $0["action"]?.stringValue }
                    == ["changeUsername", "requestDeletion", "cancelDeletion"])
            #expect(try await harness.requests().filter { $0["method"] == "PATCH" }.count == 2, "the rename was sent again")
            await device?.close()
            #expect(total > 100, "only \(total) I/Os")
            return total
        }

        /// The steps of the workload, in order.
        enum Workload: CaseIterable {
            case open, rename, renameAgain, requestDeletion, comeOnline, sync, syncAgain, cancelOnline, wipe
        }

        /// Runs the workload until it ends or fails; after each step that
        /// returns, looks at the store and the server and keeps what they
        /// said in `promises`. Throws the first failure (after a cut, the
        /// power's).
        private func workload(harness: Harness, path: String, device: inout Device?,
                              promises: inout Promises) async throws {
            let token = try harness.token(.allmine)
            // The server's faults are not I/O: they do not move the cut.
            try await harness.control("DELETE", "faults")
            try await harness.inject("applyThenClose", "PATCH", "/api/v1/users/username")
            try await harness.inject("serverError", "POST", "/api/v1/users/me/account-deletion")
            for step in Workload.allCases {
                switch step {
                case .open:
                    device = try Device(path: path, harness: harness, token: token, online: false)
                case .rename, .renameAgain:
                    let submission = try await device!.engine.changeUsername(to: step == .rename ? "power_one" : "power_two")
                    let operation = try #require(submission.queuedOperation, "\(submission)")
                    promises.replaced.formUnion(promises.renames)
                    promises.renames.append(operation.idempotencyKey.uuidString.lowercased())
                case .requestDeletion:
                    let submission = try await device!.engine.requestDeletion(reason: "power")
                    _ = try #require(submission.queuedOperation, "\(submission)")
                case .comeOnline:
                    // Its drain sends the rename, whose answer is lost.
                    device!.engine.setOnline(true)
                    await device!.engine.settled()
                case .sync, .syncAgain:
                    // The rename again, with its key; the request fails once.
                    _ = try await device!.engine.sync()
                case .cancelOnline:
                    // Queued, sent and acknowledged in one call.
                    let submission = try await device!.engine.cancelDeletion()
                    #expect(submission.outcome != nil, "\(submission)")
                case .wipe:
                    try device!.store.wipe(account)
                    promises.wiped = true
                }
                // The look: a failed one ends the run as a failed step does.
                let queued = try device!.store.outboxKeys()
                promises.queued = queued
                promises.acknowledged = Set(try await harness.appliedKeys().keys).subtracting(queued)
                promises.steps.append("\(step)")
            }
        }

        /// One cut: the workload until the power goes, a reboot, and the
        /// checks. False when the run failed (the rest are not run: one seed
        /// to replay is enough).
        private func survives(_ cut: Cut) async throws -> Bool {
            let harness = try Harness(listens: false)
            let directory = try TemporaryDirectory()
            let path = directory.file("store.sqlite")
            // Every broken promise, each said with the seed that replays it.
            var failures: [String] = []
            func check(_ kept: Bool, _ promise: @autoclosure () -> String) {
                if !kept { failures.append("\(promise()); \(cut)") }
            }
            defer { for failure in failures { Issue.record(Comment(rawValue: failure)) } }

            try FaultDisk.install(watching: directory.path)
            FaultDisk.cutPower(atIO: cut.atIO)
            var promises = Promises()
            var device: Device?
            do {
                try await workload(harness: harness, path: path, device: &device, promises: &promises)
            } catch let error as AccountError {
                check(error.code == .storage, "after the cut, a failure is the store's: \(error)")
            } catch {
                check(false, "after the cut, a failure other than AccountError: \(error)")
            }
            check(FaultDisk.powerIsCut, "the workload ended before the cut")
            await device?.close()
            device = nil
            try FaultDisk.revert(seed: cut.seed, mode: cut.mode)
            FaultDisk.uninstall()

            // The reboot, with the system's VFS.
            let rebooted: Device
            do {
                rebooted = try Device(path: path, harness: harness, token: try harness.token(.allmine), online: true)
            } catch {
                check(false, "the store does not open after the reboot: \(error); returned: \(promises.steps)")
                return false
            }
            defer { rebooted.store.close() }
            check(try rebooted.store.integrityCheck() == "ok", "integrity_check")
            let operations = try rebooted.store.outboxOfEveryone()
            let queued = Set(operations.map { $0.idempotencyKey.uuidString.lowercased() })
            let applied = try await harness.appliedKeys()
            let appliedRenames = Set(try await harness.mutations().filter { $0["action"] == "changeUsername" }
                .compactMap { $0["idempotencyKey"]?.stringValue?.lowercased() })
            let context = "returned: \(promises.steps); queued before: \(promises.queued.sorted()); "
                + "queued after: \(queued.sorted()); applied: \(applied)"
            // Renames replaced after the last look, by one that did not return.
            var replacedSince: Set<String> = []
            for key in promises.queued where !queued.contains(key) && applied[key] == nil {
                // A rename is replaced by the next one in one transaction,
                // which may have committed just before the power went.
                let earlier = Set(promises.renames.prefix { $0 != key } + [key])
                let later = Set(operations.filter { $0.kind == .changeUsername }
                    .map { $0.idempotencyKey.uuidString.lowercased() }).union(appliedRenames).subtracting(earlier)
                check(promises.renames.contains(key) && !later.isEmpty, "queued operation \(key) lost; \(context)")
                replacedSince.insert(key)
            }
            for key in promises.acknowledged {
                check(!queued.contains(key), "acknowledged operation \(key) queued again; \(context)")
            }
            if promises.wiped {
                check(operations.isEmpty, "the wipe came undone (outbox); \(context)")
                check(try rebooted.store.cached(DeletionStatus.self, for: account) == nil, "the wipe came undone (cache)")
                check(try rebooted.store.auditTrail(for: account).isEmpty, "the wipe came undone (audit trail)")
            }

            // What is left goes, with no fault, each exactly once.
            try await harness.control("DELETE", "faults")
            let report = try await rebooted.engine.sync()
            check(report.remaining == 0 && report.failed == 0, "final drain: \(report); \(context)")
            await rebooted.engine.shutdown()
            let final = try await harness.appliedKeys()
            check(final["none"] == nil, "a mutation without its key; \(context)")
            for (key, count) in final {
                check(count == 1, "operation \(key) applied \(count) times; \(context)")
            }
            for key in promises.queued.union(promises.acknowledged).subtracting(replacedSince) {
                check(final[key] == 1, "operation \(key) never applied; \(context)")
            }
            for key in promises.replaced.union(replacedSince) {
                check(final[key] == nil, "replaced rename \(key) was sent; \(context)")
            }
            return failures.isEmpty
        }
    }
}
