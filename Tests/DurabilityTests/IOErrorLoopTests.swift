@testable import AccountCore
import AccountEmulator
import CSQLite
import FoundationEssentials
import POSIXThread
import SQLiteDB
import Testing
import TestSupport

/// How the I/O of one run fails, after SQLite's ioerr tests: the n-th I/O
/// once, every I/O from the n-th on, or a disk that fills at the n-th write.
struct FaultPlan: Sendable, CustomTestStringConvertible {
    let kinds: FaultDisk.Kinds
    /// 0: each I/O's own `SQLITE_IOERR_*`.
    let code: Int32
    let persistent: Bool
    let testDescription: String

    static let all = [
        FaultPlan(kinds: .all, code: 0, persistent: false, testDescription: "the n-th I/O fails once"),
        FaultPlan(kinds: .all, code: 0, persistent: true, testDescription: "every I/O from the n-th fails"),
        FaultPlan(kinds: .write, code: SQLITE_FULL, persistent: true, testDescription: "the disk is full from the n-th write"),
    ]

    /// Arms the fault for the `nth` I/O from now, with the counters at zero.
    func arm(nth: Int) {
        FaultDisk.resetCounters()
        FaultDisk.fail(kinds, nth: nth, code: code, persistent: persistent)
    }
}

/// Arms a plan's fault once, when a test's transport sees a mutation's
/// answer: the I/O counted is what the client does with the answer.
final class AnswerTrigger: Sendable {
    private let loaded = LockedValue<(plan: FaultPlan, nth: Int)?>(nil)

    /// The next answer arms `plan` for its `nth` I/O.
    func load(_ plan: FaultPlan, nth: Int) { loaded.withLock { $0 = (plan, nth) } }

    func fire() {
        guard let (plan, nth) = loaded.withLock({ loaded in defer { loaded = nil }; return loaded }) else { return }
        plan.arm(nth: nth)
    }
}

/// What one store operation needs: made before the fault is armed, checked
/// after it is gone.
final class Scene {
    let directory: TemporaryDirectory
    let harness: Harness
    let trigger = AnswerTrigger()
    var device: Device?
    /// A store opened on its own (the migration's).
    var store: AccountStore?
    /// The operation the run made, when it says.
    var operation: OutboxOperation?

    var path: String { directory.file("store.sqlite") }

    init(directory: TemporaryDirectory) throws {
        self.directory = directory
        harness = try Harness(listens: false)
    }

    /// A device on this scene's store, offline; its client's transport
    /// fires the trigger at each mutation's answer.
    func openDevice() throws -> Device {
        let device = try Device(path: path, harness: harness, token: try harness.token(.allmine), online: false,
                                transport: AnswerHook(inner: harness.transport(), answered: { [trigger] in trigger.fire() }))
        self.device = device
        return device
    }

    func close() async {
        await device?.close()
        store?.close()
    }
}

extension Scene {
    /// The store usable again once the fault is gone: a drain sends what is
    /// still queued, with its key; nothing fails or is left, and the server
    /// has applied exactly `applied` (nothing twice).
    func drainsAgain(leaving applied: [String: Int], sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let device = try #require(device, sourceLocation: sourceLocation)
        let report = try await SyncEngine(store: device.store, sender: device.client, online: true).sync()
        #expect(report.remaining == 0 && report.failed == 0, "\(report)", sourceLocation: sourceLocation)
        #expect(try await harness.appliedKeys() == applied, sourceLocation: sourceLocation)
    }
}

/// One store operation under every fault of a plan.
struct FaultLoop {
    /// Makes the state the operation starts from.
    var setUp: (Scene) async throws -> Void
    /// Arms the fault at a mutation's answer (`scene.trigger`) rather than
    /// when the operation starts.
    var armsAtAnswer = false
    /// The operation.
    var operation: (Scene) async throws -> Void
    /// With the fault gone and the same objects: what was reported done is
    /// there, nothing is half done, and the store is usable again.
    var check: (Scene, _ reportedDone: Bool) async throws -> Void
    /// Once reopened with the system's VFS: what was reported done is there.
    var checkReopened: (AccountStore, _ reportedDone: Bool) throws -> Void

    /// What the runs did, for the test's own check that the faults landed.
    struct Tally { var runs = 0, errors = 0, harmless = 0 }

    /// Fails the 1st, 2nd, … I/O of the operation until it succeeds with no
    /// fault hit; each failure must be a storage error.
    func run(_ plan: FaultPlan, limit: Int = 3_000, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        var tally = Tally()
        for nth in 1...limit {
            let directory = try TemporaryDirectory()
            let scene = try Scene(directory: directory)
            try FaultDisk.install(watching: directory.path)
            try await setUp(scene)
            if armsAtAnswer {
                scene.trigger.load(plan, nth: nth)
            } else {
                plan.arm(nth: nth)
            }
            var failure: (any Error)?
            do {
                try await operation(scene)
            } catch {
                failure = error
            }
            let hit = FaultDisk.faultsHit > 0
            FaultDisk.clearFaults()
            let run = "\(plan.testDescription), n = \(nth)"
            if let failure {
                #expect(hit, "failed with no fault hit (\(run)): \(failure)", sourceLocation: sourceLocation)
                let code = (failure as? AccountError)?.code
                #expect(code == .storage, "not a storage error (\(run)): \(failure)", sourceLocation: sourceLocation)
                tally.errors += 1
            } else if hit {
                // SQLite let the fault pass (a failed checkpoint after a
                // commit, a lock retried): the checks show it did no harm.
                tally.harmless += 1
            }
            try await check(scene, failure == nil)
            await scene.close()
            FaultDisk.uninstall()

            let reopened = try AccountStore(path: scene.path)
            #expect(try reopened.integrityCheck() == "ok", "\(run)", sourceLocation: sourceLocation)
            try checkReopened(reopened, failure == nil)
            reopened.close()
            tally.runs += 1
            if !hit {
                #expect(failure == nil, sourceLocation: sourceLocation)
                break
            }
        }
        #expect(tally.runs > 1 && tally.runs < limit, "\(tally)", sourceLocation: sourceLocation)
        #expect(tally.errors > 0, "no fault was ever reported: \(tally)", sourceLocation: sourceLocation)
    }
}

/// The committed fixtures of earlier schema versions.
private let fixtures = packageRoot + "/Tests/AccountCoreTests/Fixtures"

extension Durability {
    /// Each store operation with its 1st, 2nd, … I/O failing (once, from then
    /// on, or a full disk), until it runs with no fault hit: every faulted
    /// run is a storage error or harmless, the store is usable once the
    /// fault is gone, nothing is half done, and nothing reported done is
    /// missing, then or after reopening.
    @Suite("I/O errors")
    struct IOErrorLoopTests {
        @Test("an enqueue", arguments: FaultPlan.all)
        func enqueue(plan: FaultPlan) async throws {
            try await FaultLoop(
                setUp: { scene in _ = try scene.openDevice() },
                operation: { scene in
                    scene.operation = try await scene.device!.engine.requestDeletion(reason: "io").queuedOperation
                    #expect(scene.operation != nil)
                },
                check: { scene, done in
                    let device = try #require(scene.device)
                    let queued = try device.store.outboxOfEveryone()
                    // Queued when it said so, and not when it said it failed.
                    #expect(queued.map(\.id) == (done ? [scene.operation?.id] : []), "\(queued)")
                    // Usable again.
                    _ = try #require(try await device.engine.changeUsername(to: "usable_again").queuedOperation)
                    #expect(try device.store.outboxOfEveryone().count == queued.count + 1)
                },
                checkReopened: { (store, done) throws in
                    let kinds = try store.outboxOfEveryone().map(\.kind)
                    #expect(kinds.last == .changeUsername)
                    if done { #expect(kinds == [.requestDeletion, .changeUsername]) }
                }
            ).run(plan)
        }

        @Test("a rename replacing a queued one (coalescing)", arguments: FaultPlan.all)
        func coalescing(plan: FaultPlan) async throws {
            try await FaultLoop(
                setUp: { scene in
                    scene.operation = try await scene.openDevice().engine.changeUsername(to: "first_try").queuedOperation
                },
                operation: { scene in
                    _ = try #require(try await scene.device!.engine.changeUsername(to: "second_try").queuedOperation)
                },
                check: { scene, done in
                    let device = try #require(scene.device)
                    let renames = try device.store.outboxOfEveryone().filter { $0.kind == .changeUsername }
                    // One rename, never both, never none: the new one when
                    // it said so, the old one when it said it failed.
                    #expect(renames.count == 1, "\(renames)")
                    #expect((renames.first?.id == scene.operation?.id) != done, "\(renames)")
                    _ = try #require(try await device.engine.requestDeletion(reason: "usable").queuedOperation)
                },
                checkReopened: { (store, done) throws in
                    let operations = try store.outboxOfEveryone()
                    #expect(operations.map(\.kind) == [.changeUsername, .requestDeletion])
                    if done, case .changeUsername(let name)? = operations.first?.payload {
                        #expect(name.value == "second_try")
                    }
                }
            ).run(plan)
        }

        @Test("a drain's acknowledgement (the answer recorded, the operation removed)", arguments: FaultPlan.all)
        func acknowledgement(plan: FaultPlan) async throws {
            try await FaultLoop(
                setUp: { scene in
                    scene.operation = try await scene.openDevice().engine.requestDeletion(reason: "ack").queuedOperation
                },
                armsAtAnswer: true,
                operation: { scene in
                    // Another engine on the same client, online: the device
                    // came back with its queue on disk.
                    let report = try await SyncEngine(store: scene.device!.store, sender: scene.device!.client, online: true).sync()
                    #expect(report.sent == 1 && report.remaining == 0, "\(report)")
                },
                check: { scene, done in
                    let device = try #require(scene.device)
                    let key = try #require(scene.operation?.idempotencyKey.uuidString.lowercased())
                    #expect(try await scene.harness.appliedKeys() == [key: 1])
                    if done {
                        #expect(try device.store.outboxOfEveryone().isEmpty)
                        #expect(try device.store.cached(DeletionStatus.self, for: account)?.value.state == .pending)
                    }
                    // Usable again: what is still queued goes, with its key,
                    // and the server does not apply it twice.
                    try await scene.drainsAgain(leaving: [key: 1])
                    #expect(try device.store.outboxOfEveryone().isEmpty)
                },
                checkReopened: { (store, _) throws in
                    #expect(try store.outboxOfEveryone().isEmpty)
                    #expect(try store.cached(DeletionStatus.self, for: account)?.value.state == .pending)
                }
            ).run(plan)
        }

        @Test("a submission sent at once: its acknowledgement, and what the engine reads after it", arguments: FaultPlan.all)
        func immediateAcknowledgement(plan: FaultPlan) async throws {
            try await FaultLoop(
                setUp: { scene in _ = try scene.openDevice() },
                armsAtAnswer: true,
                operation: { scene in
                    let submission = try await SyncEngine(store: scene.device!.store, sender: scene.device!.client, online: true).requestDeletion()
                    #expect(submission.outcome != nil, "\(submission)")
                },
                check: { scene, done in
                    let device = try #require(scene.device)
                    let applied = try await scene.harness.appliedKeys()
                    #expect(applied.count == 1 && applied.values.allSatisfy { $0 == 1 }, "\(applied)")
                    let queued = try device.store.outboxKeys()
                    // Acknowledged when it said so; when it said it failed,
                    // it is still queued, to be sent again with its key.
                    #expect(queued == (done ? [] : Set(applied.keys)), "\(queued)")
                    try await scene.drainsAgain(leaving: applied)
                },
                checkReopened: { (store, _) throws in
                    #expect(try store.outboxOfEveryone().isEmpty)
                    #expect(try store.cached(DeletionStatus.self, for: account)?.value.state == .pending)
                }
            ).run(plan)
        }

        @Test("a rename's answer written to the cache (the profile and the cooldown)", arguments: FaultPlan.all)
        func renameCacheWrite(plan: FaultPlan) async throws {
            try await FaultLoop(
                setUp: { scene in
                    // The profile cached first, so the rename has one to
                    // update; the rename queued offline.
                    let device = try scene.openDevice()
                    #expect(try await SyncEngine(store: device.store, sender: device.client, online: true).profile().username == "demo_user")
                    scene.operation = try await device.engine.changeUsername(to: "cached_name").queuedOperation
                },
                armsAtAnswer: true,
                operation: { scene in
                    let report = try await SyncEngine(store: scene.device!.store, sender: scene.device!.client, online: true).sync()
                    #expect(report.sent == 1 && report.remaining == 0, "\(report)")
                },
                check: { scene, done in
                    let device = try #require(scene.device)
                    // Old or new, never unreadable.
                    let cached = try device.store.cached(AccountProfile.self, for: account)?.value.username
                    #expect(cached == "demo_user" || cached == "cached_name")
                    if done { #expect(cached == "cached_name") }
                    // Usable again: a rename still queued goes with its key,
                    // applied once, and its answer is cached.
                    let key = try #require(scene.operation?.idempotencyKey.uuidString.lowercased())
                    try await scene.drainsAgain(leaving: [key: 1])
                    #expect(try device.store.cached(AccountProfile.self, for: account)?.value.username == "cached_name")
                },
                checkReopened: { (store, _) throws in
                    #expect(try store.outboxOfEveryone().isEmpty)
                    #expect(try store.cached(AccountProfile.self, for: account)?.value.username == "cached_name")
                    #expect(try store.cached(UsernameCooldown.self, for: account) != nil)
                }
            ).run(plan)
        }

        @Test("a wipe", arguments: FaultPlan.all)
        func wipe(plan: FaultPlan) async throws {
            try await FaultLoop(
                setUp: { scene in
                    let device = try scene.openDevice()
                    _ = try await SyncEngine(store: device.store, sender: device.client, online: true).profile()
                    _ = try await device.engine.changeUsername(to: "wipe_marker")
                    _ = try await device.engine.requestDeletion(reason: "wipe_marker")
                },
                operation: { scene in try scene.device!.store.wipe(account) },
                check: { scene, done in
                    let store = try #require(scene.device?.store)
                    let left = (try store.outboxOfEveryone().count, try store.auditTrail(for: account).count,
                                try store.cached(AccountProfile.self, for: account) == nil)
                    // All of it, or none of it.
                    #expect(left == (0, 0, true) || (left.0 == 2 && left.1 == 2 && !left.2), "\(left)")
                    if done {
                        #expect(left == (0, 0, true))
                        // And no trace in the file or its WAL.
                        for suffix in ["", "-wal"] {
                            #expect(!contains(contents(of: scene.path + suffix) ?? [], "wipe_marker"), "\(suffix)")
                        }
                    }
                    try store.wipe(account)
                    #expect(try store.outboxOfEveryone().isEmpty)
                },
                checkReopened: { (store, _) throws in
                    #expect(try store.outboxOfEveryone().isEmpty)
                    #expect(try store.cached(AccountProfile.self, for: account) == nil)
                }
            ).run(plan)
        }

        @Test("opening a version 1 store (migrations 2 and 3)", arguments: FaultPlan.all)
        func migrationFromVersion1(plan: FaultPlan) async throws {
            try await migration(from: "store-v1.sqlite", queued: 2, plan: plan)
        }

        @Test("opening a version 2 store (migration 3)", arguments: FaultPlan.all)
        func migrationFromVersion2(plan: FaultPlan) async throws {
            try await migration(from: "store-v2.sqlite", queued: 4, plan: plan)
        }

        /// Opens a copy of `fixture`, which holds `queued` operations.
        private func migration(from fixture: String, queued: Int, plan: FaultPlan) async throws {
            let extra = OutboxOperation(account: account, payload: .cancelDeletion, createdAt: start)
            try await FaultLoop(
                setUp: { scene in
                    try write(try #require(contents(of: fixtures + "/" + fixture)), to: scene.path)
                },
                operation: { scene in scene.store = try AccountStore(path: scene.path) },
                check: { scene, done in
                    #expect(done == (scene.store != nil))
                    // Opened now if the faulted open failed: every step was
                    // whole, so what is left of the migration runs.
                    let store = try scene.store ?? AccountStore(path: scene.path)
                    scene.store = store
                    #expect(try store.read { database in try database.userVersion() } == AccountStore.schemaVersion)
                    #expect(try store.outboxOfEveryone().count == queued)
                    try store.enqueue(extra)
                },
                checkReopened: { (store, _) throws in
                    #expect(try store.outboxOfEveryone().count == queued + 1)
                    #expect(try store.outboxOfEveryone().last?.id == extra.id)
                }
            ).run(plan)
        }
    }
}
