import AccountCore
import AccountEmulator
import Allmine
import FoundationEssentials
import Mudbase
import Ovok
import Synchronization
import Testing
import TestSupport
import URLSessionTransport

/// How a client test's client reaches the emulator: the same tests run over
/// each (issue 19: the URLSession transport passes the client tests the
/// curl one does).
enum ClientTransport: String, CaseIterable, Sendable, CustomTestStringConvertible {
    /// `CurlTransport` over loopback.
    case curl
    /// `URLSessionTransport` over loopback (FoundationNetworking on Linux).
    case urlSession
    /// The emulator in memory, no socket (`Emulator.transport`).
    case inMemory

    /// The transports this run tests: all, unless `ACCOUNTCORE_TRANSPORTS` says.
    static let underTest = transportsUnderTest(allCases)

    /// Those of them that reach the emulator on a socket.
    static let overLoopback = underTest.filter { $0 != .inMemory }

    var testDescription: String { rawValue }
}

/// An emulator, a store in a fresh directory, and clients of each back end
/// that talk to the emulator through the transport under test, sharing the
/// emulator's clock.
final class ClientHarness {
    let emulator: Harness
    let directory: TemporaryDirectory
    let store: AccountStore
    let transport: ClientTransport
    /// Every request a client of this harness handed its transport, as it
    /// left the client: what no server log can show once it was refused.
    let sent = SentRequests()

    init(transport: ClientTransport = .curl, idleTimeout: Double = Harness.idleTimeout) throws {
        self.transport = transport
        emulator = try Harness(listens: transport != .inMemory, idleTimeout: idleTimeout)
        directory = try TemporaryDirectory()
        store = try AccountStore(path: directory.file("store.sqlite"))
    }

    var storePath: String { store.path }

    func client(_ backend: any AccountBackend, token: String?? = nil, totalTimeout: Double = 30,
                tokenRefresher: (@Sendable () async -> String?)? = nil) throws -> AuthorizedSender {
        let emulated = EmulatedBackend(rawValue: backend.name) ?? .allmine
        let givenToken: String? = try token ?? emulator.token(emulated)
        let configuration = ClientConfiguration(baseURL: emulator.emulator.baseURL, language: .turkish,
                                                timezone: UTCOffset("UTC+03:00") ?? .utc, platform: .mobileIOS,
                                                appVersion: "2.4.1", deviceID: "device-7", totalTimeout: totalTimeout)
        return try AuthorizedSender(store: store,
                                    client: AccountClient(backend: backend, configuration: configuration,
                                                          transport: makeTransport(configuration), clock: emulator.clock),
                                    token: givenToken, tokenRefresher: tokenRefresher)
    }

    /// A transport of the kind under test with the timeouts of `configuration`.
    func makeTransport(_ configuration: ClientConfiguration) -> any HTTPTransport {
        RecordingTransport(inner: transport == .urlSession ? URLSessionTransport(configuration: configuration)
                                                           : emulator.transport(configuration: configuration),
                           sent: sent)
    }

    /// The sync engine over `client`: what writes the cache and the audit
    /// trail (the client only talks to the server).
    func engine(_ client: AuthorizedSender) -> SyncEngine { SyncEngine(store: store, sender: client) }

    func allmine(token: String?? = nil) throws -> AuthorizedSender { try client(AllmineBackend(), token: token) }
    func mudbase(token: String?? = nil) throws -> AuthorizedSender { try client(MudbaseBackend(), token: token) }
    func ovok(token: String?? = nil) throws -> AuthorizedSender { try client(OvokBackend(), token: token) }

    /// Bytes of the store's database file and its WAL.
    var storeBytes: [UInt8] {
        (contents(of: storePath) ?? []) + (contents(of: storePath + "-wal") ?? [])
    }
}

/// The requests clients handed their transport, in order.
final class SentRequests: Sendable {
    private let requests = Mutex<[TransportRequest]>([])

    func append(_ request: TransportRequest) { requests.withLock { $0.append(request) } }

    /// Every request so far.
    var all: [TransportRequest] { requests.withLock { $0 } }
}

/// A transport that records each request in `sent`, then hands it to `inner`.
struct RecordingTransport: HTTPTransport {
    let inner: any HTTPTransport
    let sent: SentRequests

    var preferredExecutor: (any TaskExecutor)? { inner.preferredExecutor }

    func send(_ request: TransportRequest) async throws(TransportFailure) -> TransportResponse {
        sent.append(request)
        return try await inner.send(request)
    }
}

extension SyncEngine.Submission {
    /// What the server answered; nil when the operation was queued or
    /// coalesced.
    var outcome: BackendOutcome? {
        if case .completed(let outcome) = self { outcome } else { nil }
    }
}

/// Expects `body` to throw an `AccountError` with `reason`.
func expectError<T>(_ reason: AccountError.Reason, detail: String? = nil,
                    sourceLocation: SourceLocation = #_sourceLocation,
                    _ body: () async throws(AccountError) -> T) async {
    do {
        let value = try await body()
        Issue.record("expected \(reason), got \(value)", sourceLocation: sourceLocation)
    } catch {
        #expect(error.reason == reason, "\(error)", sourceLocation: sourceLocation)
        if let detail { #expect(error.detail == detail, "\(error)", sourceLocation: sourceLocation) }
    }
}
