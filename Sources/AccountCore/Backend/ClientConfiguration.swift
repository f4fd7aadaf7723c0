/// How a client reaches its back end and presents itself.
public struct ClientConfiguration: Hashable, Sendable {
    /// `http://` or `https://`, a host, an optional port and path; no query.
    /// `http://` only to this device's loopback unless `allowInsecureHTTP`.
    public var baseURL: String
    /// The language of texts, sent as `X-Language` where the back end takes it.
    public var language: Language
    /// The user's offset now, sent as `X-Timezone` when the server accepts
    /// it (`UTCOffset.isServerAccepted`), else left out.
    public var timezone: UTCOffset
    /// The platform, sent as `X-Platform`.
    public var platform: ClientPlatform
    /// The app's version, sent as `X-App-Version`.
    public var appVersion: String?
    /// The device's id, sent as `X-Device-ID`.
    public var deviceID: String?
    /// Seconds to connect.
    public var connectTimeout: Double
    /// Seconds for a whole exchange.
    public var totalTimeout: Double
    /// Whether an `http://` base URL may name a host other than this
    /// device's loopback (127.0.0.0/8, `[::1]`, `localhost`): the token
    /// then travels in clear text. Off unless asked for, as Android's
    /// cleartext policy and Apple's App Transport Security.
    public var allowInsecureHTTP: Bool
    /// The environment the configuration names; nil: none named, and
    /// `effectiveEnvironment` follows the base URL.
    public var environment: ServerEnvironment?

    /// The environment the core works in: the one named, else development
    /// on loopback and production anywhere else
    /// (`ServerEnvironment.unnamed(baseURL:)`).
    public var effectiveEnvironment: ServerEnvironment {
        environment ?? ServerEnvironment.unnamed(baseURL: baseURL)
    }

    /// Creates a configuration with the contract's defaults.
    public init(baseURL: String, language: Language = .english, timezone: UTCOffset = .utc,
                platform: ClientPlatform = .web, appVersion: String? = nil, deviceID: String? = nil,
                connectTimeout: Double = 10, totalTimeout: Double = 30, allowInsecureHTTP: Bool = false,
                environment: ServerEnvironment? = nil) {
        self.baseURL = baseURL
        self.language = language
        self.timezone = timezone
        self.platform = platform
        self.appVersion = appVersion
        self.deviceID = deviceID
        self.connectTimeout = connectTimeout
        self.totalTimeout = totalTimeout
        self.allowInsecureHTTP = allowInsecureHTTP
        self.environment = environment
    }

    /// Fails, naming the field, for a value that must not leave the device:
    /// a base URL that is not http(s), free text with control characters
    /// (which would split a header) or over 200 characters, a timeout that is
    /// not a number of seconds from 0.1 to 600. An `http://` base URL to a
    /// host other than loopback, without `allowInsecureHTTP`, is
    /// `invalidInput(.insecureBaseURL)`.
    public func validate() throws(AccountError) {
        guard Self.isHTTPURL(baseURL) else { throw Self.invalid("baseURL") }
        if baseURL.lowercased().hasPrefix("http://"), !allowInsecureHTTP,
           !(URLAuthority(url: baseURL)?.isLoopback ?? false) {
            throw AccountError(.invalidInput(.insecureBaseURL))
        }
        for (field, value) in [("appVersion", appVersion), ("deviceID", deviceID)] {
            guard let value else { continue }
            guard !value.isEmpty, value.count <= 200,
                  !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                throw Self.invalid(field)
            }
        }
        for (field, seconds) in [("connectTimeout", connectTimeout), ("totalTimeout", totalTimeout)] {
            guard seconds >= 0.1, seconds <= 600 else { throw Self.invalid(field) }
        }
    }

    /// The base URL without a trailing slash, to put paths after.
    var trimmedBaseURL: String {
        baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
    }

    private static func invalid(_ field: String) -> AccountError {
        AccountError(.invalidInput(.invalidConfiguration(field: field)))
    }

    private static func isHTTPURL(_ text: String) -> Bool {
        let lower = text.lowercased()
        guard let scheme = ["http://", "https://"].first(where: lower.hasPrefix) else { return false }
        let rest = text.dropFirst(scheme.count)
        let authority = rest.prefix { $0 != "/" }
        return !authority.isEmpty && !text.contains("?") && !text.contains("#")
            && text.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7F }
    }
}
