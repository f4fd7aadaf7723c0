import AccountCore
#if Curl
import CurlTransport
#endif
import POSIXThread
import Synchronization

/// One open account of one back end: the one door of the library.
///
/// Open one with `init(configuration:token:transport:clock:online:automaticSync:createDirectory:)`,
/// run calls with `perform(_:)`, tell it whether the device is online
/// (`setOnline(_:)`), who is signed in (`signIn(account:token:)`, `setToken(_:)`),
/// listen to `events`, and `close()` it. The C interface's `ac_call` and the
/// `acct` shell both run it, so the two give the very same JSON for the very
/// same operation.
///
/// After `close()`, every call throws `AccountError.sessionClosed`.
public final class Session: Sendable {
    /// What the session was opened with.
    public let configuration: SessionConfiguration
    /// The store: the front ends of this package read it directly.
    package let store: AccountStore
    /// The stateless exchange with the back end.
    package let client: AccountClient
    /// The sync engine: it owns the store and who is signed in.
    package let engine: SyncEngine
    /// Whether the session is closed, the calls under way, and who waits
    /// for them to end or for the close to finish.
    private let life = LockedValue(Life())
    /// The calls under way, counted twice over, with bit 0 set once
    /// `close()` began: counted without the lock, as every call passes here
    /// on its way in and out.
    private let gate = Atomic<Int>(0)
    /// Texts in the configured language and offset.
    public let localizer: Localizer
    /// The answer to "capabilities", encoded when the session opened.
    private let capabilitiesJSON: [UInt8]

    /// Opens the store, the client, and the engine over both, signed in as
    /// the configuration's `account` with `token` when given, reaching the back end through
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
        client = try AccountClient(backend: configuration.backend, configuration: configuration.client,
                                   transport: transport, clock: clock)
        engine = try SyncEngine(store: store, client: client, token: token, account: configuration.account,
                                online: online)
        localizer = Localizer(language: configuration.client.language, offset: configuration.client.timezone)
        capabilitiesJSON = JSONValue.object(["capabilities": Self.json(client.capabilities, backend: client.backend.name,
                                                                       environment: configuration.environment)]).encoded
        if automaticSync { engine.startAutomaticSync() }
    }

    deinit {
        engine.stopAutomaticSync()
    }

    /// The session's open or closed state.
    /// Whether it is closed is `gate`'s bit 0, set under this lock.
    private struct Life {
        /// The close has finished: the engine stopped, the store closed.
        var finished = false
        /// A close waiting for the calls under way (`gate`) to end.
        var idle: [CheckedContinuation<Void, Never>] = []
        /// Further closes waiting for the first to finish.
        var closing: [CheckedContinuation<Void, Never>] = []
        /// The streams handed out by `events`, finished by the close.
        var streams: [Int: AsyncStream<SyncEvent>.Continuation] = [:]
        var nextStream = 0
    }

    /// Counts a call under way, or throws `sessionClosed` after `close()`.
    private func enter() throws(AccountError) {
        guard gate.wrappingAdd(2, ordering: .acquiringAndReleasing).newValue & 1 == 0 else {
            leave()
            throw AccountError.sessionClosed
        }
    }

    /// Ends a call counted by `enter()`; the last one after `close()` began
    /// wakes the close. (A close reads the count and registers its waiter
    /// under `life`'s lock, and the wake takes that lock: no wake is lost.)
    private func leave() {
        guard gate.wrappingSubtract(2, ordering: .acquiringAndReleasing).newValue == 1 else { return }
        let waiters = life.withLock { life -> [CheckedContinuation<Void, Never>] in
            defer { life.idle = [] }
            return life.idle
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Closes the session: no new call is taken (each throws
    /// `AccountError.sessionClosed`), the calls under way are waited
    /// for, the automatic sync and the drains in the background are
    /// stopped (a transfer under way is cancelled; its operation stays
    /// queued), the streams of `events` end, and the store's file is
    /// closed. Closing again, or at once from elsewhere, waits for the
    /// first close and does nothing more.
    public func close() async {
        let first = life.withLock { _ in
            gate.bitwiseOr(1, ordering: .acquiringAndReleasing).oldValue & 1 == 0
        }
        guard first else {
            await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
                let done = life.withLock { life -> Bool in
                    if !life.finished { life.closing.append(waiter) }
                    return life.finished
                }
                if done { waiter.resume() }
            }
            return
        }
        await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
            let idle = life.withLock { life -> Bool in
                let calls = gate.load(ordering: .acquiring) >> 1
                if calls > 0 { life.idle.append(waiter) }
                return calls == 0
            }
            if idle { waiter.resume() }
        }
        await engine.shutdown()
        store.close()
        let (streams, waiters) = life.withLock { life in
            life.finished = true
            defer { life.streams = [:]; life.closing = [] }
            return (Array(life.streams.values), life.closing)
        }
        for stream in streams { stream.finish() }
        for waiter in waiters { waiter.resume() }
    }

    /// Whether `close()` was called.
    public var isClosed: Bool { gate.load(ordering: .acquiring) & 1 != 0 }

    /// The engine's events from now on: queued, sent, failed, the status
    /// changed, a deadline passing. The stream ends when the session
    /// closes (at once, taken after).
    public var events: AsyncStream<SyncEvent> {
        let (stream, continuation) = AsyncStream<SyncEvent>.makeStream()
        let key = life.withLock { life -> Int? in
            // Read under the lock the close sets it under: no stream is
            // handed out after the close took them to finish.
            guard gate.load(ordering: .acquiring) & 1 == 0 else { return nil }
            defer { life.nextStream += 1 }
            life.streams[life.nextStream] = continuation
            return life.nextStream
        }
        guard let key else {
            continuation.finish()
            return stream
        }
        let source = engine.events
        let forwarding = Task {
            for await event in source { continuation.yield(event) }
            continuation.finish()
        }
        continuation.onTermination = { [life] _ in
            forwarding.cancel()
            life.withLock { _ = $0.streams.removeValue(forKey: key) }
        }
        return stream
    }

    /// Tells the session whether the device is online; coming online sends
    /// what is queued, in the background.
    public func setOnline(_ online: Bool) throws(AccountError) {
        try enter()
        defer { leave() }
        engine.setOnline(online)
    }

    /// Whether the session takes the device to be online.
    public var isOnline: Bool { engine.isOnline }

    /// Replaces the token of whoever is signed in (nil forgets it); a token
    /// that is not an RFC 6750 bearer token is refused before it is kept.
    /// A new token lets what waited for one go.
    public func setToken(_ token: String?) throws(AccountError) {
        try enter()
        defer { leave() }
        try engine.setToken(token)
    }

    /// Now, on the server's clock as far as its answers showed it.
    package var now: Instant { engine.now }

    /// The back end's capabilities.
    package var capabilities: BackendCapabilities { client.capabilities }

    /// The back end's name.
    package var backendName: String { client.backend.name }

    /// libcurl with `configuration`'s timeouts; nil in a build without it.
    private static func builtInTransport(_ configuration: ClientConfiguration) -> (any HTTPTransport)? {
        #if Curl
        CurlTransport(configuration: configuration)
        #else
        nil
        #endif
    }

    /// Begins the call `name` with `arguments` (an object, or nil): its status
    /// and its one JSON object, encoded, when no network is needed; else what
    /// is left to run. The JSON edge of `ac_call`.
    package func begin(_ name: String, arguments: JSONValue?) -> BegunCall {
        do { try enter() } catch { return answered(error, name: name) }
        defer { leave() }
        let step: Step
        do { step = try self.step(try Call(name: name, arguments: arguments)) } catch { return answered(error, name: name) }
        switch step {
        case .answered(let result):
            let (status, json) = answer(result)
            return .answered(status: status, json: json)
        case .network(let rest):
            return .network { [self] in
                do throws(AccountError) { try enter() } catch { return answer(error, name: name) }
                defer { leave() }
                do throws(AccountError) { return answer(try await rest()) } catch { return answer(error, name: name) }
            }
        }
    }

    /// Runs the call `name` with `arguments` to its end: `begin(_:arguments:)`,
    /// then the network's part if one is left.
    package func perform(_ name: String, arguments: JSONValue?) async -> (status: CallStatus, json: [UInt8]) {
        switch begin(name, arguments: arguments) {
        case .answered(let status, let json): (status, json)
        case .network(let rest): await rest()
        }
    }

    private func answered(_ error: AccountError, name: String) -> BegunCall {
        let (status, json) = answer(error, name: name)
        return .answered(status: status, json: json)
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

    /// Runs `call`: its typed answer, or the failure (`AccountError.sessionClosed`
    /// after `close()`).
    public func perform(_ call: Call) async throws(AccountError) -> CallResult {
        try enter()
        defer { leave() }
        switch try step(call) {
        case .answered(let result): return result
        case .network(let rest): return try await rest()
        }
    }

    /// `call`'s answer when it needs no network (`step(_:)`); nil, with
    /// nothing done, when it must wait for the network.
    package func answerWithoutNetwork(_ call: Call) throws(AccountError) -> CallResult? {
        try enter()
        defer { leave() }
        if case .answered(let result) = try step(call) { return result }
        return nil
    }

    /// A call begun: answered, or the network's part left.
    private enum Step {
        case answered(CallResult)
        case network(@Sendable () async throws(AccountError) -> CallResult)
    }

    /// The one switch over `Call`. Answers at once what needs no network: the
    /// capabilities, the outbox, a sign-out, the status when `status()` would
    /// not ask the server, and, offline, a submission (queued, coalesced, or
    /// refused at once). Anything else is left as the network's part, with
    /// nothing done yet.
    private func step(_ call: Call) throws(AccountError) -> Step {
        switch call {
        case .operation(let operation): return try step(operation)
        case .capabilities:
            return .answered(.capabilities(client.capabilities))
        case .outbox(let everyone):
            return .answered(.outbox(try engine.outbox(everyone: everyone),
                                     unreadable: try engine.unreadableOperations(everyone: everyone)))
        case .signOut(let discard):
            return .answered(.signedOut(try engine.signOut(discard: discard), discarded: discard))
        case .sync:
            return .network { [engine] () async throws(AccountError) -> CallResult in .synced(try await engine.sync()) }
        }
    }

    /// `step(_:)` for an operation of the back end: a read from the server
    /// (the status from the store when it would not ask), a submission sent
    /// or queued, an irreversible act sent at once.
    private func step(_ operation: BackendOperation) throws(AccountError) -> Step {
        switch operation {
        case .deletionStatus:
            if let report = try engine.statusWithoutNetwork() { return .answered(.status(report)) }
            return .network { [engine] () async throws(AccountError) -> CallResult in .status(try await engine.status()) }
        case .requestDeletion, .cancelDeletion:
            if let submission = try engine.submitOffline(operation) { return .answered(try submitted(submission)) }
            return .network { [self] () async throws(AccountError) -> CallResult in
                try submitted(await engine.submit(operation))
            }
        case .changeUsername:
            if let submission = try engine.submitOffline(operation) { return .answered(renamed(submission)) }
            return .network { [self] () async throws(AccountError) -> CallResult in
                renamed(try await engine.submit(operation))
            }
        case .profile:
            return .network { [engine] () async throws(AccountError) -> CallResult in
                .profile(try await engine.sendNow(operation).required(\.profile))
            }
        case .stats:
            return .network { [engine] () async throws(AccountError) -> CallResult in
                .stats(try await engine.sendNow(operation).required(\.stats))
            }
        case .finalizeDeletion:
            return .network { [engine] () async throws(AccountError) -> CallResult in
                let outcome = try await engine.sendNow(operation)
                return .finalized(outcome.deletion ?? .none, userID: outcome.userID)
            }
        case .erase:
            return .network { [engine] () async throws(AccountError) -> CallResult in
                let outcome = try await engine.sendNow(operation)
                return .erased(outcome.deletion ?? .none, details: outcome.erasure)
            }
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
        try enter()
        defer { leave() }
        try engine.signIn(account: account, token: token)
    }
}

extension AccountError {
    /// A call on a session after its `close()`: the session takes no more
    /// calls (code `invalidInput`, the argument named `session`; the C
    /// interface answers a closed core `AC_ERR_ARGUMENT` the same way).
    public static let sessionClosed = AccountError(.invalidInput(.invalidArgument(name: "session")),
                                                   detail: "the session is closed")
}
