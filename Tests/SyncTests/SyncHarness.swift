@testable import AccountCore
import CurlTransport
import AccountEmulator
import Allmine
import FoundationEssentials
import Testing
import TestSupport

/// An emulator, a store, an Allmine client and its sync engine, all on the
/// emulator's manual clock.
final class SyncHarness {
    let emulator: Harness
    let directory: TemporaryDirectory
    let store: AccountStore
    let client: AuthorizedSender
    let engine: SyncEngine
    /// The emulator's Allmine demo user, whom the client signs in as.
    let account = EmulatedBackend.allmine.demoAccount

    /// - Parameter through: wraps the transport the client uses, to watch it.
    init(token: String?? = nil, online: Bool = true, transport: Transport = .loopback,
         through wrap: (any HTTPTransport) -> any HTTPTransport = { $0 }) throws {
        emulator = try Harness(listens: transport.listens)
        directory = try TemporaryDirectory()
        store = try AccountStore(path: directory.file("store.sqlite"))
        let givenToken: String? = try token ?? emulator.token(.allmine)
        if let givenToken {
            // As if the server had confirmed whose the token is in an earlier
            // run: these tests see only the requests they make themselves,
            // each on a connection of its own as before. Asking whose a
            // token is has tests of its own (IdentityTests).
            let key = try store.read { database in try database.fingerprintKey() }
            try store.write { [account] database in
                try database.saveCredential(CredentialFingerprint(token: givenToken, backend: "allmine", key: key),
                                            CredentialOwner(account: account, confirmed: true), at: start)
            }
        }
        client = try AuthorizedSender(store: store,
                                      client: AccountClient(backend: AllmineBackend(),
                                                            configuration: ClientConfiguration(baseURL: emulator.emulator.baseURL),
                                                            transport: wrap(emulator.transport()), clock: emulator.clock),
                                      token: givenToken, account: account.userID)
        engine = SyncEngine(store: store, sender: client, online: online)
    }

    /// The actions the emulator applied, in order.
    func applied() async throws -> [String] {
        try await emulator.mutations().compactMap { $0["action"]?.stringValue }
    }

    /// The back-end requests the emulator received, but for the one that
    /// asks whose the token is (`GET /users/me`, once per token).
    func accountRequests() async throws -> [JSONValue] {
        // Asked in memory: a curl process per look is slow under load, and
        // the crash tests look often while a child process works.
        try await emulator.requestsInMemory().filter { !($0["method"] == "GET" && $0["path"] == "/api/v1/users/me") }
    }

    /// How many of them.
    func requestCount() async throws -> Int { try await accountRequests().count }

    /// Moves the shared clock (the client's and the emulator's).
    func advance(seconds: Double) {
        emulator.clock.advance(by: seconds)
    }
}

/// The first event of `stream` that `matches`, or nil after `timeout`
/// seconds: a guard against a hang, far above the event's normal latency,
/// since the drain that sends it waits for the concurrency pool, which the
/// synchronous tests beside it can keep busy for tens of seconds.
func firstEvent(of stream: AsyncStream<SyncEvent>, timeout: Double = 60,
                where matches: @escaping @Sendable (SyncEvent) -> Bool) async -> SyncEvent? {
    await withTaskGroup(of: SyncEvent?.self) { group in
        group.addTask {
            for await event in stream where matches(event) { return event }
            return nil
        }
        group.addTask {
            try? await Task.sleep(for: .milliseconds(Int(timeout * 1000)))
            return nil
        }
        let first = await group.next() ?? nil
        group.cancelAll()
        return first
    }
}

extension SyncEngine.Submission {
    var queuedOperation: OutboxOperation? {
        if case .queued(let operation) = self { operation } else { nil }
    }

    var isCoalesced: Bool {
        if case .coalesced = self { true } else { false }
    }

    var outcome: BackendOutcome? {
        if case .completed(let outcome) = self { outcome } else { nil }
    }
}

extension SyncEvent {
    var isSynced: Bool {
        if case .operationSynced = self { true } else { false }
    }
}

/// A transport that calls `willSend` with each request before it leaves,
/// on the thread that sends it, and hands it to `inner`; its own thread,
/// when it is given one, is `preferredExecutor`.
struct SendWatchingTransport: HTTPTransport {
    let inner: any HTTPTransport
    var preferredExecutor: (any TaskExecutor)? = nil
    let willSend: @Sendable (TransportRequest) -> Void

    func send(_ request: TransportRequest) async throws(TransportFailure) -> TransportResponse {
        willSend(request)
        return try await inner.send(request)
    }
}
