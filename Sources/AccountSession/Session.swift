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

    /// The operations `perform` knows, by name.
    public static let operations = ["status", "profile", "stats", "capabilities", "requestDeletion", "cancelDeletion",
                                    "finalizeDeletion", "erase", "changeUsername", "sync", "outbox", "signOut"]

    /// Runs `operation` with `arguments` (an object, or nil) and returns its
    /// status and its one JSON object.
    public func perform(_ operation: String, arguments: JSONValue?) async -> (status: CallStatus, json: JSONValue) {
        let kind = OperationKind(rawValue: operation)
        do {
            return try await run(operation, Arguments(arguments))
        } catch {
            return (CallStatus(error), json(error, operation: kind))
        }
    }

    private func run(_ operation: String, _ arguments: Arguments) async throws(AccountError) -> (status: CallStatus, json: JSONValue) {
        switch operation {
        case "status":
            try arguments.only([])
            return (.ok, json(try await engine.status()))
        case "profile":
            try arguments.only([])
            try requireOnline()
            return (.ok, ["profile": json(try await client.profile())])
        case "stats":
            try arguments.only([])
            try requireOnline()
            let stats = try await client.stats()
            return (.ok, ["stats": ["followersCount": .integer(stats.followers), "followingCount": .integer(stats.following),
                                    "liveStreamCount": .integer(stats.liveStreams)]])
        case "capabilities":
            try arguments.only([])
            return (.ok, ["capabilities": json(client.capabilities)])
        case "requestDeletion":
            try arguments.only(["reason", "days", "wipe"])
            return try submitted(await engine.requestDeletion(reason: try arguments.string("reason"),
                                                              days: try arguments.integer("days"),
                                                              wipe: try arguments.bool("wipe")))
        case "cancelDeletion":
            try arguments.only(["email", "password"])
            let email = try arguments.string("email"), password = try arguments.string("password")
            let credentials = email.flatMap { email in password.map { LoginCredentials(email: email, password: $0) } }
            return try submitted(await engine.cancelDeletion(credentials: credentials))
        case "finalizeDeletion":
            try arguments.only([])
            let outcome = try await engine.finalizeNow()
            return (.ok, ["finalized": json(outcome.deletion ?? .none, adding: ["userId": .string(outcome.userID)])])
        case "erase":
            try arguments.only(["confirmation", "reason"])
            let confirmation = try arguments.string("confirmation") ?? ""
            let outcome = try await engine.erase(confirmation: confirmation, reason: try arguments.string("reason"))
            return (.ok, ["erasure": json(outcome.deletion ?? .none,
                                          adding: ["details": outcome.erasure.map(json) ?? .null])])
        case "changeUsername":
            try arguments.only(["newUsername"])
            guard let name = try arguments.string("newUsername") else { throw Arguments.invalid("newUsername") }
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
        case "sync":
            try arguments.only([])
            // AC_OK even when some remain (the status is part of ABI 1);
            // "remaining" and "waiting" say what is left and why.
            return (.ok, json(try await engine.sync()))
        case "outbox":
            try arguments.only(["all"])
            return (.ok, ["queued": .array(try engine.outbox(everyone: try arguments.bool("all") ?? false).map(json))])
        case "signOut":
            try arguments.only(["discard"])
            let discard = try arguments.bool("discard") ?? false
            let signedOut = try engine.signOut(discard: discard)
            return (.ok, ["signedOut": ["account": .string(signedOut.account?.userID),
                                        "unsent": .array(signedOut.unsent.map(json)), "discarded": .bool(discard)]])
        default:
            throw AccountError(.invalidInput(.invalidArgument(name: "operation")), detail: "unknown operation \(operation)")
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

/// The arguments of one call: an object whose members have the types the
/// operation expects, and no others.
struct Arguments {
    let members: [String: JSONValue]

    init(_ value: JSONValue?) throws(AccountError) {
        switch value {
        case nil, .null?: members = [:]
        case .object(let object)?: members = object
        default: throw Self.invalid("arguments")
        }
    }

    static func invalid(_ field: String) -> AccountError {
        AccountError(.invalidInput(.invalidArgument(name: field)))
    }

    func only(_ allowed: Set<String>) throws(AccountError) {
        if let unknown = members.keys.sorted().first(where: { !allowed.contains($0) }) { throw Self.invalid(unknown) }
    }

    func string(_ key: String) throws(AccountError) -> String? {
        guard let value = members[key], !value.isNull else { return nil }
        guard let text = value.stringValue else { throw Self.invalid(key) }
        return text
    }

    func integer(_ key: String) throws(AccountError) -> Int? {
        guard let value = members[key], !value.isNull else { return nil }
        guard let number = value.integerValue, let whole = Int(exactly: number) else { throw Self.invalid(key) }
        return whole
    }

    func bool(_ key: String) throws(AccountError) -> Bool? {
        guard let value = members[key], !value.isNull else { return nil }
        guard let flag = value.boolValue else { throw Self.invalid(key) }
        return flag
    }
}
