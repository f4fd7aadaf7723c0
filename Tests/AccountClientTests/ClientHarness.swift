import AccountCore
import AccountEmulator
import Allmine
import FoundationEssentials
import Mudbase
import Ovok
import Testing
import TestSupport

/// An emulator, a store in a fresh directory, and clients of each back end
/// that talk to the emulator through libcurl, sharing the emulator's clock.
final class ClientHarness {
    let emulator: Harness
    let directory: TemporaryDirectory
    let store: AccountStore

    init(transport: Transport = .loopback, idleTimeout: Double = Harness.idleTimeout) throws {
        emulator = try Harness(listens: transport.listens, idleTimeout: idleTimeout)
        directory = try TemporaryDirectory()
        store = try AccountStore(path: directory.file("store.sqlite"))
    }

    var storePath: String { store.path }

    func client(_ backend: any AccountBackend, token: String?? = nil, totalTimeout: Double = 30,
                tokenRefresher: (@Sendable () async -> String?)? = nil) throws -> AccountClient {
        let emulated = EmulatedBackend(rawValue: backend.name) ?? .allmine
        let givenToken: String? = try token ?? emulator.token(emulated)
        let configuration = ClientConfiguration(baseURL: emulator.emulator.baseURL, language: .turkish,
                                                timezone: UTCOffset("UTC+03:00") ?? .utc, platform: .mobileIOS,
                                                appVersion: "2.4.1", deviceID: "device-7", totalTimeout: totalTimeout)
        return try AccountClient(backend: backend, configuration: configuration, store: store,
                                 transport: emulator.transport(configuration: configuration), token: givenToken,
                                 clock: emulator.clock, tokenRefresher: tokenRefresher)
    }

    /// The sync engine over `client`: what writes the cache and the audit
    /// trail (the client only talks to the server).
    func engine(_ client: AccountClient) -> SyncEngine { SyncEngine(client: client) }

    func allmine(token: String?? = nil) throws -> AccountClient { try client(AllmineBackend(), token: token) }
    func mudbase(token: String?? = nil) throws -> AccountClient { try client(MudbaseBackend(), token: token) }
    func ovok(token: String?? = nil) throws -> AccountClient { try client(OvokBackend(), token: token) }

    /// Bytes of the store's database file and its WAL.
    var storeBytes: [UInt8] {
        (contents(of: storePath) ?? []) + (contents(of: storePath + "-wal") ?? [])
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
