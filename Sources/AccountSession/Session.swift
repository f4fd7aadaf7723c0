import AccountCore
import CurlTransport

/// One open account of one back end, with its store, client and sync
/// engine: what the C interface's `ac_call` and the `acct` shell both run,
/// so the two give the very same JSON for the very same operation.
public final class Session: Sendable {
    /// What the session was opened with.
    public let configuration: SessionConfiguration
    /// The store.
    public let store: AccountStore
    /// The client.
    public let client: AccountClient
    /// The sync engine.
    public let engine: SyncEngine
    /// Texts in the configured language and offset.
    public let localizer: Localizer

    /// Opens the store and the client, signed in as the configuration's
    /// `account` with `token` when given, reaching the back end through
    /// `transport` (libcurl unless given). With `automaticSync`, what is
    /// queued is sent in the background while the session lives;
    /// `createDirectory` makes the store's folder (0700) when it is missing.
    public init(configuration: SessionConfiguration, token: String? = nil, transport: (any HTTPTransport)? = nil,
                clock: any WallClock = SystemClock(), online: Bool = true, automaticSync: Bool = false,
                createDirectory: Bool = false) throws(AccountError) {
        self.configuration = configuration
        store = try AccountStore(path: configuration.databasePath, createDirectory: createDirectory)
        client = try AccountClient(backend: configuration.backend, configuration: configuration.client, store: store,
                                   transport: transport ?? CurlTransport(configuration: configuration.client),
                                   token: token, account: configuration.account, clock: clock)
        engine = SyncEngine(client: client, online: online)
        localizer = Localizer(language: configuration.client.language, offset: configuration.client.timezone)
        if automaticSync { engine.startAutomaticSync() }
    }

    deinit {
        engine.stopAutomaticSync()
    }

    /// Runs the call `name` with `arguments` (an object, or nil) and returns
    /// its status and its one JSON object: the JSON edge of `ac_call`.
    public func perform(_ name: String, arguments: JSONValue?) async -> (status: CallStatus, json: JSONValue) {
        let call: Call
        do {
            call = try Call(name: name, arguments: arguments)
        } catch {
            return (CallStatus(error), json(error, operation: OperationKind(rawValue: name)))
        }
        do {
            let result = try await perform(call)
            return (result.status, json(result))
        } catch {
            return (CallStatus(error), json(error, operation: call.kind))
        }
    }

    /// Runs `call`: its typed answer, or the failure.
    public func perform(_ call: Call) async throws(AccountError) -> CallResult {
        switch call {
        case .status:
            return .status(try await engine.status())
        case .profile:
            return .profile(try await engine.profile())
        case .stats:
            return .stats(try await engine.stats())
        case .capabilities:
            return .capabilities(client.capabilities)
        case .requestDeletion(let reason, let days, let wipe):
            return try submitted(await engine.requestDeletion(reason: reason, days: days, wipe: wipe))
        case .cancelDeletion(let credentials):
            return try submitted(await engine.cancelDeletion(credentials: credentials))
        case .finalizeDeletion:
            let outcome = try await engine.finalizeNow()
            return .finalized(outcome.deletion ?? .none, userID: outcome.userID)
        case .erase(let confirmation, let reason):
            let outcome = try await engine.erase(confirmation: confirmation, reason: reason)
            return .erased(outcome.deletion ?? .none, details: outcome.erasure)
        case .changeUsername(let name):
            switch try await engine.changeUsername(to: name) {
            case .completed(let outcome): return .renamed(outcome.usernameChange)
            case .queued(let queued): return .queued(queued, deletion: nil)
            case .coalesced: return .coalesced(deletion: nil)
            }
        case .sync:
            return .synced(try await engine.sync())
        case .outbox(let everyone):
            return .outbox(try engine.outbox(everyone: everyone))
        case .signOut(let discard):
            return .signedOut(try engine.signOut(discard: discard), discarded: discard)
        }
    }

    /// A deletion's request or cancel: what the server said, else the
    /// cached deletion beside what was queued or coalesced.
    private func submitted(_ submission: SyncEngine.Submission) throws(AccountError) -> CallResult {
        switch submission {
        case .completed(let outcome):
            guard let deletion = outcome.deletion else { return .deletion(try engine.localStatus().deletion, holder: outcome.holder) }
            return .deletion(deletion, holder: outcome.holder)
        case .queued(let operation):
            return .queued(operation, deletion: try engine.localStatus().deletion)
        case .coalesced:
            return .coalesced(deletion: try engine.localStatus().deletion)
        }
    }

    /// Signs in `account` (the back end's user id; nil: learn it) with
    /// `token`; their queued operations start to go.
    public func signIn(account: String?, token: String?) throws(AccountError) {
        try engine.signIn(account: account, token: token)
    }
}
