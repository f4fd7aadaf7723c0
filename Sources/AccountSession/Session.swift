import AccountCore
#if Curl
import CurlTransport
#endif

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
    /// The answer to "capabilities", encoded when the session opened.
    private let capabilitiesJSON: [UInt8]

    /// Opens the store and the client, signed in as the configuration's
    /// `account` with `token` when given, reaching the back end through
    /// `transport` (libcurl unless given). With `automaticSync`, what is
    /// queued is sent in the background while the session lives;
    /// `createDirectory` makes the store's folder (0700) when it is missing.
    /// A build without the `Curl` trait has no transport of its own: there,
    /// no `transport` is `transportRequired`, before any file is touched.
    public init(configuration: SessionConfiguration, token: String? = nil, transport: (any HTTPTransport)? = nil,
                clock: any WallClock = SystemClock(), online: Bool = true, automaticSync: Bool = false,
                createDirectory: Bool = false) throws(AccountError) {
        guard let transport = transport ?? Self.builtInTransport(configuration.client) else {
            throw AccountError(.invalidInput(.transportRequired))
        }
        self.configuration = configuration
        store = try AccountStore(path: configuration.databasePath, createDirectory: createDirectory,
                                 fingerprintKey: configuration.fingerprintKey, environment: configuration.environment)
        client = try AccountClient(backend: configuration.backend, configuration: configuration.client, store: store,
                                   transport: transport, token: token, account: configuration.account, clock: clock)
        engine = SyncEngine(client: client, online: online)
        localizer = Localizer(language: configuration.client.language, offset: configuration.client.timezone)
        capabilitiesJSON = JSONValue.object(["capabilities": Self.json(client.capabilities, backend: client.backend.name,
                                                                       environment: configuration.environment)]).encoded
        if automaticSync { engine.startAutomaticSync() }
    }

    deinit {
        engine.stopAutomaticSync()
    }

    /// libcurl with `configuration`'s timeouts; nil in a build without it.
    private static func builtInTransport(_ configuration: ClientConfiguration) -> (any HTTPTransport)? {
        #if Curl
        CurlTransport(configuration: configuration)
        #else
        nil
        #endif
    }

    /// Runs the call `name` with `arguments` (an object, or nil) and returns
    /// its status and its one JSON object, encoded: the JSON edge of `ac_call`.
    public func perform(_ name: String, arguments: JSONValue?) async -> (status: CallStatus, json: [UInt8]) {
        let call: Call
        do { call = try Call(name: name, arguments: arguments) } catch { return answer(error, name: name) }
        do { return answer(try await perform(call)) } catch { return answer(error, name: name) }
    }

    /// `perform(_:arguments:)` on the calling thread, when the call's answer
    /// needs no network (`performLocally(_:)`); nil, with nothing done, when
    /// it must wait for the network. A call that cannot be made is answered
    /// here too.
    public func performLocally(_ name: String, arguments: JSONValue?) -> (status: CallStatus, json: [UInt8])? {
        let call: Call
        do { call = try Call(name: name, arguments: arguments) } catch { return answer(error, name: name) }
        do { return try performLocally(call).map(answer) } catch { return answer(error, name: name) }
    }

    /// The answer to a failure of the call named `name`.
    private func answer(_ error: AccountError, name: String) -> (status: CallStatus, json: [UInt8]) {
        (CallStatus(error), json(error, operation: OperationKind(rawValue: name)).encoded)
    }

    private func answer(_ result: CallResult) -> (status: CallStatus, json: [UInt8]) {
        // The capabilities never change while the session lives: encoded once.
        switch result {
        case .capabilities: return (.ok, capabilitiesJSON)
        // Asked for on every frame: written straight to bytes.
        case .status(let report): return (.ok, encoded(report))
        default: return (result.status, encoded(result))
        }
    }

    /// Runs `call` on the calling thread when its answer needs no network:
    /// the capabilities, the outbox, a sign-out, the status when `status()`
    /// would not ask the server, and, offline, a submission (queued,
    /// coalesced, or refused at once). Nil when it must wait for the
    /// network: nothing was done, and `perform(_:)` runs it.
    public func performLocally(_ call: Call) throws(AccountError) -> CallResult? {
        switch call {
        case .capabilities:
            return .capabilities(client.capabilities)
        case .outbox(let everyone):
            return .outbox(try engine.outbox(everyone: everyone),
                           unreadable: try engine.unreadableOperations(everyone: everyone))
        case .signOut(let discard):
            return .signedOut(try engine.signOut(discard: discard), discarded: discard)
        case .status:
            return try engine.statusWithoutNetwork().map(CallResult.status)
        case .requestDeletion(let reason, let days, let wipe):
            return try engine.submitOffline(.requestDeletion(reason: reason, days: days, wipe: wipe)).map(submitted)
        case .cancelDeletion(let credentials):
            return try engine.submitOffline(.cancelDeletion(credentials: credentials)).map(submitted)
        case .changeUsername(let name):
            return try engine.changeUsernameOffline(to: name).map(renamed)
        case .profile, .stats, .finalizeDeletion, .erase, .sync:
            return nil
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
            return renamed(try await engine.changeUsername(to: name))
        case .sync:
            return .synced(try await engine.sync())
        case .outbox(let everyone):
            return .outbox(try engine.outbox(everyone: everyone),
                           unreadable: try engine.unreadableOperations(everyone: everyone))
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

    /// A rename: what the server said, or that it was queued or coalesced.
    private func renamed(_ submission: SyncEngine.Submission) -> CallResult {
        switch submission {
        case .completed(let outcome): .renamed(outcome.usernameChange)
        case .queued(let queued): .queued(queued, deletion: nil)
        case .coalesced: .coalesced(deletion: nil)
        }
    }

    /// Signs in `account` (the back end's user id; nil: learn it) with
    /// `token`; their queued operations start to go.
    public func signIn(account: String?, token: String?) throws(AccountError) {
        try engine.signIn(account: account, token: token)
    }
}
