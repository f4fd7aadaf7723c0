import AccountCore
import CurlTransport
import FoundationEssentials

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
        do {
            return await perform(try Call(name: name, arguments: arguments))
        } catch {
            return (CallStatus(error), json(error, operation: OperationKind(rawValue: name)))
        }
    }

    /// Runs `call` and returns its status and its one JSON object.
    public func perform(_ call: Call) async -> (status: CallStatus, json: JSONValue) {
        do {
            return try await run(call)
        } catch {
            return (CallStatus(error), json(error, operation: call.kind))
        }
    }

    private func run(_ call: Call) async throws(AccountError) -> (status: CallStatus, json: JSONValue) {
        switch call {
        case .status:
            return (.ok, json(try await engine.status()))
        case .profile:
            try requireOnline()
            return (.ok, ["profile": json(try await client.profile())])
        case .stats:
            try requireOnline()
            let stats = try await client.stats()
            return (.ok, ["stats": ["followersCount": .integer(stats.followers), "followingCount": .integer(stats.following),
                                    "liveStreamCount": .integer(stats.liveStreams)]])
        case .capabilities:
            return (.ok, ["capabilities": json(client.capabilities)])
        case .requestDeletion(let reason, let days, let wipe):
            return try submitted(await engine.requestDeletion(reason: reason, days: days, wipe: wipe))
        case .cancelDeletion(let credentials):
            return try submitted(await engine.cancelDeletion(credentials: credentials))
        case .finalizeDeletion:
            let outcome = try await engine.finalizeNow()
            return (.ok, ["finalized": json(outcome.deletion ?? .none, adding: ["userId": .string(outcome.userID)])])
        case .erase(let confirmation, let reason):
            let outcome = try await engine.erase(confirmation: confirmation, reason: reason)
            return (.ok, ["erasure": json(outcome.deletion ?? .none,
                                          adding: ["details": outcome.erasure.map(json) ?? .null])])
        case .changeUsername(let name):
            switch try await engine.changeUsername(to: name) {
            case .completed(let outcome):
                let change = outcome.usernameChange
                return (.ok, ["username": ["oldUsername": .string(change?.oldUsername), "newUsername": .string(change?.newUsername),
                                           "nextChangeAllowedAt": .instant(change?.nextChangeAllowedAt)]])
            case .queued(let queued):
                return (.queued, ["queued": json(queued)])
            case .coalesced:
                return (.ok, ["coalesced": true])
            }
        case .sync:
            // AC_OK even when some remain (the status is part of ABI 1);
            // "remaining" and "waiting" say what is left and why.
            return (.ok, json(try await engine.sync()))
        case .outbox(let everyone):
            return (.ok, ["queued": .array(try engine.outbox(everyone: everyone).map(json))])
        case .signOut(let discard):
            let signedOut = try engine.signOut(discard: discard)
            return (.ok, ["signedOut": ["account": .string(signedOut.account?.userID),
                                        "unsent": .array(signedOut.unsent.map(json)), "discarded": .bool(discard)]])
        }
    }

    private func submitted(_ submission: SyncEngine.Submission) throws(AccountError) -> (status: CallStatus, json: JSONValue) {
        switch submission {
        case .completed(let outcome):
            guard let deletion = outcome.deletion else { return (.ok, ["deletion": json(try engine.localStatus().deletion)]) }
            guard let holder = outcome.holder else { return (.ok, ["deletion": json(deletion)]) }
            return (.ok, ["deletion": json(deletion), "user": json(holder)])
        case .queued(let operation):
            return (.queued, ["queued": json(operation), "deletion": json(try engine.localStatus().deletion)])
        case .coalesced:
            return (.ok, ["deletion": json(try engine.localStatus().deletion), "coalesced": true])
        }
    }

    /// Signs in `account` (the back end's user id; nil: learn it) with
    /// `token`; their queued operations start to go.
    public func signIn(account: String?, token: String?) throws(AccountError) {
        try engine.signIn(account: account, token: token)
    }

    private func requireOnline() throws(AccountError) {
        guard engine.isOnline else { throw AccountError(.network, detail: "offline") }
    }
}
