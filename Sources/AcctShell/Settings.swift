import AccountCore
import AccountEmulator
import AccountSession
import FoundationEssentials
import Libc

/// The options, resolved: command line first, then the environment, then
/// the defaults.
struct Settings {
    /// The base URL: `--server`'s, or that of the server it names in `servers.json`.
    var server: String?
    /// What the production line and warning call the server: its name in
    /// `servers.json`, else its URL; the embedded emulator when none.
    var serverName: String
    /// The environment `servers.json` names for the server; nil takes the
    /// core's rule (the embedded emulator and loopback development, the rest production).
    var serverEnvironment: ServerEnvironment?
    /// `servers.json`, where `--server NAME` is looked up and `acct servers` reads.
    var serversPath: String
    var backend: any AccountBackend
    /// The bearer token: `--token-file`'s, `--token-stdin`'s (read by
    /// `readTokenFromInput`), `--token`'s, else `ACCT_TOKEN_FILE`'s or `ACCT_TOKEN`.
    var token: String?
    /// `--token-stdin`: the token is the first line of standard input.
    var tokenFromInput: Bool
    var account: String?
    var databasePath: String
    /// The prompt's history: `$XDG_STATE_HOME/acct/history`.
    var historyPath: String
    var language: Language
    /// Where dates are shown: `--timezone`'s fixed offset, else the system's zone.
    var zone: any OffsetZone
    /// The device's clock: the system's, or one that starts at `ACCT_NOW`
    /// (an ISO 8601 instant, for tests and demos) and runs from there.
    var clock: any WallClock
    var platform: ClientPlatform
    var deviceID: String?
    var appVersion: String?
    var offline: Bool
    /// An `http://` server other than this machine is allowed (`ClientConfiguration.allowInsecureHTTP`).
    var allowInsecureHTTP: Bool
    var json: Bool
    /// `--yes`: a command that asks before it acts is confirmed already.
    var yes: Bool

    init(_ invocation: Invocation, environment: [String: String]) throws(UsageError) {
        func value(_ option: String?, _ variable: String) -> String? {
            option ?? environment[variable].flatMap { $0.isEmpty ? nil : $0 }
        }
        server = value(invocation.server, "ACCT_SERVER")
        serversPath = ServerDirectory.path(environment: environment)
        serverName = server ?? "embedded"
        var namedBackend: String?
        if let name = server, !name.contains("://") {
            // Not a URL: a name from servers.json.
            guard let named = try ServerDirectory.load(path: serversPath).first(where: { $0.name == name }) else {
                throw .badValue(option: "--server", value: name)
            }
            server = named.url
            namedBackend = named.backend
            serverEnvironment = named.environment
        }
        let backendName = value(invocation.backend, "ACCT_BACKEND") ?? namedBackend ?? "allmine"
        guard let backend = BackendCatalog.backend(named: backendName) else {
            throw .badValue(option: "--backend", value: backendName)
        }
        self.backend = backend
        // One source of the token, and one reader of standard input.
        let sources = ["--token-file", "--token-stdin", "--token"].filter(invocation.given.contains)
        if sources.count > 1 { throw .conflictingOptions(sources[0], sources[1]) }
        if invocation.tokenStdin, invocation.given.contains("--password-stdin") {
            throw .conflictingOptions("--token-stdin", "--password-stdin")
        }
        tokenFromInput = invocation.tokenStdin
        if let path = invocation.tokenFile {
            token = try TokenFile.read(path)
        } else if invocation.tokenStdin || invocation.token != nil {
            // `--token-stdin`'s is read once the command is known to run.
            token = invocation.token
        } else if let path = value(nil, "ACCT_TOKEN_FILE") {
            token = try TokenFile.read(path)
        } else {
            token = value(nil, "ACCT_TOKEN")
        }
        account = value(invocation.account, "ACCT_ACCOUNT")
        let dataHome = environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? ".") + "/.local/share"
        databasePath = value(invocation.database, "ACCT_DB") ?? dataHome + "/acct/store.sqlite"
        let stateHome = environment["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? ".") + "/.local/state"
        historyPath = stateHome + "/acct/history"
        if let text = value(invocation.language, "ACCT_LANG") {
            guard let parsed = Language(rawValue: text) else { throw .badValue(option: "--lang", value: text) }
            language = parsed
        } else {
            language = Language.fromEnvironment(environment)
        }
        if let text = value(invocation.timezone, "ACCT_TIMEZONE") {
            guard let offset = UTCOffset(text) else { throw .badTimezone(text) }
            zone = offset
        } else {
            zone = SystemZone()
        }
        if let text = environment["ACCT_NOW"], !text.isEmpty {
            guard let start = ISO8601.parse(text) else { throw .badValue(option: "ACCT_NOW", value: text) }
            clock = SkewCorrectedClock(base: SystemClock(), skew: ClockSkew(serverTime: start, observedAt: SystemClock().now()))
        } else {
            clock = SystemClock()
        }
        let platformName = invocation.platform ?? "web"
        guard let parsedPlatform = ClientPlatform(rawValue: platformName) else {
            throw .badValue(option: "--platform", value: platformName)
        }
        platform = parsedPlatform
        deviceID = invocation.deviceID
        appVersion = invocation.appVersion
        offline = invocation.offline
        allowInsecureHTTP = invocation.allowInsecureHTTP
        json = invocation.json
        yes = invocation.yes
    }
}

extension Settings {
    /// `--token-stdin`: the token is one line of standard input, asked for
    /// and typed unseen on a terminal (`SecretInput`).
    mutating func readTokenFromInput(_ localizer: Localizer) throws(UsageError) {
        guard tokenFromInput else { return }
        guard let line = SecretInput.readLine(prompt: localizer.text(.promptToken) + " ") else { throw .tokenStdinEmpty }
        token = line
    }
}
