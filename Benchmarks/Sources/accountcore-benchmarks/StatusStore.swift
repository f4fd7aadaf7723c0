import AccountCore
import AccountEmulator
import Allmine
import CurlTransport

/// The stores the status figures read: what the device of a signed-in user
/// holds after a while offline. The user is the Allmine emulator's demo user.
enum StatusStore {
    /// The demo user's id at the back end, as `ac_open`'s "account" and
    /// `AccountClient`'s `account` name them.
    static var userID: String { Emulator.demoUserID(of: .allmine) ?? "" }

    /// The environment the stores are made and read in: the one a
    /// configuration on loopback works in (development), as the emulator's
    /// and `CCore`'s base URLs are. A store opened in another would show
    /// none of the cached values (issue 28).
    static var environment: ServerEnvironment { ClientConfiguration(baseURL: CCore.unreachable).effectiveEnvironment }

    /// Makes the store at `path`: the profile and a pending deletion, cached
    /// from an emulator by a `SyncEngine` as an app's exchange leaves them,
    /// then `operations` queued operations of the user in one
    /// `enqueue(contentsOf:)` batch: deletion requests and renames in turn,
    /// and one cancel of the pending deletion, carrying its deadline
    /// (`canCancelUntil`), at a tenth of the queue. Returns the account.
    static func make(path: String, queued operations: Int) async throws -> AccountID {
        let store = try AccountStore(path: path, environment: environment)
        let account = try await seed(store)
        guard let deletion = try store.cached(DeletionStatus.self, for: account)?.value, deletion.state == .pending else {
            throw BenchmarkError("status store: no pending deletion was cached")
        }
        let created = SystemClock().now()
        // A day ahead where the back end gave no deadline (Allmine gives one).
        let deadline = deletion.canCancelUntil ?? Instant(millisecondsSince1970: created.millisecondsSince1970 + 86_400_000)
        let cancelAt = operations / 10
        var queue: [OutboxOperation] = []
        queue.reserveCapacity(operations)
        for index in 0..<operations {
            if index == cancelAt {
                queue.append(OutboxOperation(account: account, payload: .cancelDeletion, createdAt: created,
                                             deletionRequestID: deletion.requestID, deadline: deadline,
                                             environment: environment))
            } else if index % 2 == 0 {
                queue.append(OutboxOperation(account: account, payload: .requestDeletion(reason: nil, days: nil, wipe: nil),
                                             createdAt: created, environment: environment))
            } else {
                queue.append(OutboxOperation(account: account, payload: .changeUsername(try Username(parsing: "user_\(index)")),
                                             createdAt: created, environment: environment))
            }
        }
        try store.enqueue(contentsOf: queue)
        return account
    }

    /// Caches the demo user's profile and a pending deletion from a fresh
    /// emulator, through the engine; returns the account.
    private static func seed(_ store: AccountStore) async throws -> AccountID {
        let emulator = try Emulator(configuration: .init())
        defer { emulator.stop() }
        let client = try AccountClient(backend: AllmineBackend(), configuration: ClientConfiguration(baseURL: emulator.baseURL),
                                       transport: CurlTransport())
        let engine = try SyncEngine(store: store, client: client, token: try emulator.issueToken(for: .allmine),
                                    account: userID)
        _ = try await engine.sendNow(.profile)
        if case .queued(let operation) = try await engine.submit(.requestDeletion(reason: nil, days: nil, wipe: nil)) {
            // Queued rather than applied (the send failed, or a drain of the
            // engine's own was under way): said, then sent by a sync, as a
            // sync the user asks for would send it.
            let reason = try engine.outbox().first { $0.id == operation.id }?.lastError ?? "no error recorded"
            progress("   note: the seed's deletion request was queued, not applied (\(reason)); syncing it")
            _ = try await engine.sync()
        }
        await engine.shutdown()
        guard let account = engine.account, try store.cached(AccountProfile.self, for: account) != nil,
              try store.cached(DeletionStatus.self, for: account)?.source == .server, try engine.outbox().isEmpty else {
            throw BenchmarkError("status store: the emulator's profile and pending deletion were not cached, "
                                 + "or the deletion request is still queued")
        }
        return account
    }

    /// Opens the store at `path` as a fresh process of an app does to show
    /// the status offline: `AccountStore(path:environment:)`, an `AccountClient`
    /// (Allmine, `CurlTransport`, nothing listening), and a `SyncEngine`
    /// over both, signed in as the demo user without a token, offline.
    static func offlineEngine(path: String) throws -> SyncEngine {
        let client = try AccountClient(backend: AllmineBackend(), configuration: ClientConfiguration(baseURL: CCore.unreachable),
                                       transport: CurlTransport())
        return try SyncEngine(store: try AccountStore(path: path, environment: environment), client: client,
                              account: userID, online: false)
    }

    /// Whether `report` is what the store made by `make` shows: the cached
    /// pending deletion and, when anything is queued, the queued cancel
    /// with its deadline.
    static func shows(_ report: StatusReport, queued operations: Int) -> Bool {
        report.source == .cache && report.deletion.state == .pending
            && (operations == 0 || report.queued.contains { $0.kind == .cancelDeletion && $0.deadline != nil })
    }
}
