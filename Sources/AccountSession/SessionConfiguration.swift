import AccountCore

/// What a shell gives to open a session: the back end, its server, the
/// store, and how to present itself. Parsed strictly: an unknown key, a
/// wrong type or a bad value is refused, naming the field.
public struct SessionConfiguration: Sendable {
    /// The back end plugin.
    public var backend: any AccountBackend
    /// The client's configuration (base URL, language, time zone, ...).
    public var client: ClientConfiguration
    /// The store's file.
    public var databasePath: String
    /// Who is signed in: the back end's user id; nil to learn it from the
    /// first token (see `Session.signIn(account:token:)`).
    public var account: String?

    /// The key of the token fingerprints, 32 bytes the app keeps outside
    /// the store (its Keychain or Keystore): then the file holds none, and
    /// the file alone lets nobody test token guesses. Nil: the store makes
    /// its own and keeps it in the file. See `AccountStore.init`.
    public var fingerprintKey: [UInt8]?

    /// Creates a configuration.
    public init(backend: any AccountBackend, client: ClientConfiguration, databasePath: String, account: String? = nil,
                fingerprintKey: [UInt8]? = nil) {
        self.backend = backend
        self.client = client
        self.databasePath = databasePath
        self.account = account
        self.fingerprintKey = fingerprintKey
    }

    /// The environment the session works in: the configuration's
    /// `environment`, else development on loopback and production anywhere
    /// else. What the store holds from the other is never sent nor shown.
    public var environment: ServerEnvironment { client.effectiveEnvironment }

    /// The keys `parse(_:)` knows.
    package static let keys: Set<String> = ["backend", "baseURL", "databasePath", "account", "language", "timezone",
                                           "platform", "appVersion", "deviceId", "timeoutSeconds", "allowInsecureHTTP",
                                           "fingerprintKey", "environment"]

    /// Parses the configuration object of `ac_open`.
    package static func parse(_ json: JSONValue) throws(AccountError) -> SessionConfiguration {
        guard let members = json.objectValue else { throw invalid("configuration") }
        if let unknown = members.keys.sorted().first(where: { !keys.contains($0) }) { throw invalid(unknown) }
        func text(_ key: String, required: Bool = false) throws(AccountError) -> String? {
            guard let value = members[key], !value.isNull else {
                if required { throw invalid(key) }
                return nil
            }
            guard let text = value.stringValue else { throw invalid(key) }
            return text
        }
        guard let backend = try text("backend", required: true).flatMap(BackendCatalog.backend(named:)) else {
            throw invalid("backend")
        }
        guard let baseURL = try text("baseURL", required: true), let databasePath = try text("databasePath", required: true),
              !databasePath.isEmpty else {
            throw invalid("databasePath")
        }
        var client = ClientConfiguration(baseURL: baseURL)
        if let language = try text("language") {
            guard let parsed = Language(rawValue: language) else { throw invalid("language") }
            client.language = parsed
        }
        if let timezone = try text("timezone") {
            guard let parsed = UTCOffset(timezone) else { throw invalid("timezone") }
            client.timezone = parsed
        }
        if let platform = try text("platform") {
            guard let parsed = ClientPlatform(rawValue: platform) else { throw invalid("platform") }
            client.platform = parsed
        }
        client.appVersion = try text("appVersion")
        client.deviceID = try text("deviceId")
        if let value = members["timeoutSeconds"], !value.isNull {
            let seconds: Double
            switch value {
            case .integer(let number): seconds = Double(number)
            case .number(let number): seconds = number
            default: throw invalid("timeoutSeconds")
            }
            client.totalTimeout = seconds
            client.connectTimeout = min(client.connectTimeout, seconds)
        }
        if let value = members["allowInsecureHTTP"], !value.isNull {
            guard case .bool(let allowed) = value else { throw invalid("allowInsecureHTTP") }
            client.allowInsecureHTTP = allowed
        }
        if let environment = try text("environment") {
            guard let named = ServerEnvironment(rawValue: environment) else { throw invalid("environment") }
            client.environment = named
        }
        try client.validate()
        let account = try text("account")
        if let account, account.isEmpty { throw invalid("account") }
        var fingerprintKey: [UInt8]?
        if let encoded = try text("fingerprintKey") {
            // Base64 of exactly 32 bytes, standard alphabet, with its padding.
            guard let key = Base64.decode(encoded), key.count == AccountStore.fingerprintKeyLength else {
                throw invalid("fingerprintKey")
            }
            fingerprintKey = key
        }
        return SessionConfiguration(backend: backend, client: client, databasePath: databasePath, account: account,
                                    fingerprintKey: fingerprintKey)
    }

    private static func invalid(_ field: String) -> AccountError {
        AccountError(.invalidInput(.invalidConfiguration(field: field)))
    }
}
