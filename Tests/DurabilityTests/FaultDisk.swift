@testable import AccountCore
import AccountEmulator
import Allmine
import CSQLite
import FaultVFS
import FoundationEssentials
import SQLiteDB
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Every test that uses the fault VFS: one at a time, since the VFS is the
/// process's default while installed and keeps one set of counters. Tests of
/// other targets running beside them are not disturbed: their files are not
/// under the watched directory and go straight to the system VFS.
@Suite("Durability: a test VFS fails I/O and cuts the power under the store", .serialized)
struct Durability {}

/// The test VFS of `Tests/FaultVFS` (`fault_vfs.h`, where its model of a
/// disk is described), seen from Swift.
enum FaultDisk {
    /// Kinds of I/O to fail.
    struct Kinds: OptionSet, Sendable, CustomStringConvertible {
        let rawValue: UInt32

        static let all = Kinds(rawValue: UInt32(FAULT_VFS_ALL))
        static let write = Kinds(rawValue: UInt32(FAULT_VFS_WRITE))

        var description: String { self == .all ? "any I/O" : self == .write ? "write" : "I/O kinds \(rawValue)" }
    }

    /// How a revert treats the writes made since a file's last sync.
    enum RevertMode: Int32, CaseIterable, Sendable {
        /// All lost.
        case clean = 0
        /// All lost but the last one, which lands in part.
        case tearLast = 1
        /// Each lands whole, not at all or in part.
        case scramble = 2
    }

    /// Makes the fault VFS the default, watching the files under `directory`,
    /// with no fault armed and every counter at zero.
    static func install(watching directory: String) throws {
        let code = fault_vfs_install(directory)
        try #require(code == SQLITE_OK, "fault_vfs_install: \(code)")
    }

    /// Makes the system VFS the default again: what opens from now on opens
    /// as it would in an app.
    static func uninstall() {
        _ = fault_vfs_uninstall()
    }

    /// Counted I/Os on watched files since the install or the last reset.
    static var ioCount: Int { Int(fault_vfs_io_count()) }

    /// I/Os failed since the install or the last reset.
    static var faultsHit: Int { Int(fault_vfs_faults_hit()) }

    static func resetCounters() { fault_vfs_reset_counters() }

    /// From now, the `nth` I/O of `kinds` fails with `code` (0: the kind's
    /// own `SQLITE_IOERR_*`), and with `persistent` every one after it too.
    static func fail(_ kinds: Kinds, nth: Int, code: Int32 = 0, persistent: Bool) {
        fault_vfs_fail(kinds.rawValue, UInt64(nth), code, persistent ? 1 : 0)
    }

    static func clearFaults() { fault_vfs_clear_faults() }

    /// From now, the `nth` I/O and every one after it fail: the power is off.
    static func cutPower(atIO nth: Int) { fault_vfs_cut_power_at(UInt64(nth)) }

    static var powerIsCut: Bool { fault_vfs_power_is_cut() != 0 }

    /// Reboots: every watched file back to what the disk holds (see
    /// `fault_vfs_revert`). Every connection to them must be closed.
    static func revert(seed: UInt64, mode: RevertMode) throws {
        let restored = fault_vfs_revert(seed, mode.rawValue)
        try #require(restored >= 0, "fault_vfs_revert failed: a watched file is still open, or one could not be written")
    }
}

/// The emulator's Allmine demo user, whom every device here signs in as.
let account = EmulatedBackend.allmine.demoAccount

/// A store signed in as the emulator's demo user, its client and its sync
/// engine: one device, on the emulator's manual clock, reaching it in memory.
final class Device {
    let store: AccountStore
    let client: AuthorizedSender
    let engine: SyncEngine

    /// Opens the store at `path` and signs in as `account` with `token`,
    /// which the server is taken to have confirmed in an earlier run (as in
    /// the sync tests): the requests seen are the ones the workload makes.
    init(path: String, harness: Harness, token: String, online: Bool, transport: (any HTTPTransport)? = nil) throws {
        store = try AccountStore(path: path)
        let key = try store.read { database in try database.fingerprintKey() }
        try store.write { database in
            try database.saveCredential(CredentialFingerprint(token: token, backend: "allmine", key: key),
                                        CredentialOwner(account: account, confirmed: true), at: start)
        }
        client = try AuthorizedSender(store: store,
                                      client: AccountClient(backend: AllmineBackend(),
                                                            configuration: ClientConfiguration(baseURL: harness.emulator.baseURL),
                                                            transport: transport ?? harness.transport(), clock: harness.clock),
                                      token: token, account: account.userID)
        engine = SyncEngine(store: store, sender: client, online: online)
    }

    /// Stops the engine's background work and closes the file.
    func close() async {
        await engine.shutdown()
        store.close()
    }
}

extension AccountStore {
    /// `PRAGMA integrity_check`: "ok" for a sound file.
    func integrityCheck() throws -> String {
        try read { database in try database.scalarText("PRAGMA integrity_check") ?? "no answer" }
    }

    /// The idempotency keys of every operation in the outbox, as the
    /// emulator logs them (lowercased).
    func outboxKeys() throws -> Set<String> {
        Set(try outboxOfEveryone().map { $0.idempotencyKey.uuidString.lowercased() })
    }
}

extension Harness {
    /// How many times the server applied each idempotency key.
    func appliedKeys() async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for mutation in try await mutations() {
            counts[mutation["idempotencyKey"]?.stringValue?.lowercased() ?? "none", default: 0] += 1
        }
        return counts
    }
}

/// A transport that hands each exchange to `inner`, and calls `answered`
/// once a mutation's answer is in: the instant from which a test counts
/// the I/O of what the client does with the answer.
struct AnswerHook: HTTPTransport {
    let inner: any HTTPTransport
    let answered: @Sendable () -> Void

    func send(_ request: TransportRequest) async throws(TransportFailure) -> TransportResponse {
        let response = try await inner.send(request)
        if request.method != "GET" { answered() }
        return response
    }
}

extension SyncEngine.Submission {
    /// The operation left in the outbox, when the submission was queued.
    var queuedOperation: OutboxOperation? {
        if case .queued(let operation) = self { operation } else { nil }
    }

    /// What the server answered, when it was sent at once.
    var outcome: BackendOutcome? {
        if case .completed(let outcome) = self { outcome } else { nil }
    }
}
