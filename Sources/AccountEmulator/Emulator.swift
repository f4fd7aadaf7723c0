import AccountCore
import POSIXThread
import FoundationEssentials

/// The three back ends of the contract, spoken over HTTP/1.1 on loopback.
///
/// A mobile developer points an app at it before the real server exists;
/// `acct` embeds it as its default; every networked test goes through it.
/// Its server-side rules are the core's own domain rules.
///
/// ```swift
/// let emulator = try Emulator(configuration: .init(enableControlAPI: true))
/// defer { emulator.stop() }
/// let token = try emulator.issueToken(for: .allmine)
/// // talk to emulator.baseURL
/// ```
package final class Emulator: Sendable {
    /// How the emulator runs.
    package struct Configuration: Sendable {
        /// The address to bind: loopback unless `allowNonLoopback`.
        package var host: String
        /// The port; 0 picks a free one (see `port`).
        package var port: UInt16
        /// Whether a non-loopback `host` is allowed.
        package var allowNonLoopback: Bool
        /// The state file; nil keeps the state in memory.
        package var statePath: String?
        /// Whether the `/__emulator/` control API answers.
        package var enableControlAPI: Bool
        /// The clock the emulator's own time starts from.
        package var clock: any WallClock
        /// Whether it serves HTTP on a socket; without, it is reached only in
        /// memory, through `transport`, and opens no socket at all.
        package var listens: Bool
        /// Seconds a kept-alive connection may stay idle before the emulator
        /// closes it (a client then opens a new one).
        package var idleTimeout: Double

        /// Creates a configuration: loopback, a free port, in memory, no control API.
        package init(host: String = "127.0.0.1", port: UInt16 = 0, allowNonLoopback: Bool = false,
                    statePath: String? = nil, enableControlAPI: Bool = false, clock: any WallClock = SystemClock(),
                    listens: Bool = true, idleTimeout: Double = 30) {
            self.host = host
            self.port = port
            self.allowNonLoopback = allowNonLoopback
            self.statePath = statePath
            self.enableControlAPI = enableControlAPI
            self.clock = clock
            self.listens = listens
            self.idleTimeout = idleTimeout
        }
    }

    private let server: HTTPServer?
    private let router: Router
    private let stopped = LockedValue(false)
    private let host: String
    private let state: EmulatorState
    private let clock: EmulatorClock
    private let controlAPIEnabled: Bool

    /// Opens the state, binds and starts serving.
    package init(configuration: Configuration = Configuration()) throws(EmulatorError) {
        do {
            let state = try EmulatorState(path: configuration.statePath)
            let offset = try state.transaction { try $0.setting(Settings.clockOffset) }.flatMap(Double.init) ?? 0
            let clock = EmulatorClock(base: configuration.clock, offset: offset)
            let faults = FaultBook()
            let log = RequestLog()
            let control = configuration.enableControlAPI
                ? ControlAPI(state: state, clock: clock, faults: faults, log: log) : nil
            let router = Router(state: state, clock: clock, faults: faults, log: log, control: control,
                                stopping: StopSignal())
            var server = HTTPServer.Configuration()
            server.host = configuration.host
            server.port = configuration.port
            server.allowNonLoopback = configuration.allowNonLoopback
            server.idleTimeout = configuration.idleTimeout
            self.server = configuration.listens
                ? try HTTPServer(configuration: server) { request in router.handle(request) } : nil
            self.router = router
            self.host = configuration.host
            self.state = state
            self.clock = clock
            controlAPIEnabled = configuration.enableControlAPI
        } catch {
            throw EmulatorError(String(describing: error))
        }
    }

    /// The port the emulator listens on; 0 when it does not listen.
    package var port: UInt16 { server?.port ?? 0 }

    /// `http://127.0.0.1:PORT`, the base URL to give a client; for an
    /// emulator that does not listen, a name that resolves nowhere, for a
    /// client on `transport`.
    package var baseURL: String {
        guard server != nil else { return EmulatorTransport.baseURL }
        return "http://\(host.contains(":") ? "[\(host)]" : host):\(port)"
    }

    /// The web console's address, `baseURL` + `/__emulator/console`: a page
    /// that shows the accounts and the logs live and acts through the
    /// control API. Nil without the control API or a socket.
    package var consoleURL: String? {
        guard controlAPIEnabled, server != nil else { return nil }
        return baseURL + WebConsole.path
    }

    /// This emulator in memory: requests go straight to its router, with
    /// no socket, as a client's transport.
    package var transport: EmulatorTransport { EmulatorTransport(router: router, stopped: stopped) }

    /// A fresh session token for the demo user of `backend`.
    package func issueToken(for backend: EmulatedBackend) throws(EmulatorError) -> String {
        guard let user = DemoUsers.user(of: backend) else { throw EmulatorError("no demo user for \(backend)") }
        do {
            return try state.transaction { try $0.issueToken(for: user.id, kind: .session, at: clock.now()) }
        } catch {
            throw EmulatorError(String(describing: error))
        }
    }

    /// The user id of the demo user of `backend`, whom `issueToken(for:)`
    /// signs in: a host that embeds the emulator names it as the account.
    package static func demoUserID(of backend: EmulatedBackend) -> String? {
        DemoUsers.user(of: backend)?.id
    }

    /// Ovok's demo e-mail and password, for cancelling by logging in.
    package static let ovokDemoCredentials = (email: "max.mustermann@example.com", password: DemoUsers.ovokPassword)

    /// Stops accepting, lets requests in flight finish, then returns.
    package func stop() {
        stopped.withLock { $0 = true }
        router.stopping.fire()
        server?.stop()
    }
}

/// The emulator could not start or answer a control call.
package struct EmulatorError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    package let description: String

    init(_ description: String) {
        self.description = description
    }
}
