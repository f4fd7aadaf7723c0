
/// A back end, as a plugin: it turns an operation into a request and an
/// answer into domain values, and says what it can do. The core names no
/// back end; a team adds its own by conforming to this protocol.
///
/// The core does the rest: the URL, the token, the `Idempotency-Key`, the
/// transport, mapping error statuses to `AccountError`, the cache and the
/// audit trail.
public protocol AccountBackend: Sendable {
    /// The back end's name, as configurations spell it (`allmine`).
    var name: String { get }
    /// What it can do.
    var capabilities: BackendCapabilities { get }
    /// The request for `operation`. Throws `AccountError` for input this
    /// back end refuses, before anything is sent.
    func request(for operation: BackendOperation, context: BackendContext) throws(AccountError) -> BackendRequest
    /// Reads a 2xx answer to `operation`. Throws `unexpectedResponse` (see
    /// `AccountError.unreadable(_:)`) for an answer it cannot read.
    func decodeSuccess(_ response: BackendResponse, for operation: BackendOperation,
                       context: BackendContext) throws(AccountError) -> BackendOutcome
    /// The server's own text in an error answer, when the body has this
    /// back end's error shape; nil otherwise.
    func serverMessage(in response: BackendResponse) -> String?
    /// The server's clock, when the answer carries it.
    func serverTime(in response: BackendResponse) -> Instant?
    /// Whether `token` may be sent with `operation`; a back end refuses, say,
    /// an API key where only the user's own session may act. A refused token
    /// never leaves the device.
    func accepts(token: String, for operation: BackendOperation) -> Bool
}

extension AccountBackend {
    public func serverTime(in response: BackendResponse) -> Instant? { nil }
    public func accepts(token: String, for operation: BackendOperation) -> Bool { true }
}

/// What a back end needs to build and read requests.
public struct BackendContext: Sendable {
    /// The client's configuration (language, time zone, platform, ...).
    public let configuration: ClientConfiguration
    /// Now, corrected for the server's clock skew.
    public let now: Instant

    /// Creates a context (the client makes one per request; a plugin's own
    /// tests make them too).
    public init(configuration: ClientConfiguration, now: Instant) {
        self.configuration = configuration
        self.now = now
    }
}

/// A request as a back end describes it; the core adds the base URL, the
/// token and the idempotency key.
public struct BackendRequest: Hashable, Sendable {
    /// `GET`, `POST`, ...
    public var method: String
    /// The path under the base URL, starting with `/`.
    public var path: String
    /// Extra headers.
    public var headers: [String: String]
    /// The JSON body, if any.
    public var body: JSONBody?
    /// Whether the request carries the bearer token (a login does not).
    public var authenticated: Bool

    /// Creates a request.
    public init(method: String, path: String, headers: [String: String] = [:], body: JSONBody? = nil,
                authenticated: Bool = true) {
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
        self.authenticated = authenticated
    }
}

/// A JSON request body, written from typed members.
public struct JSONBody: Hashable, Sendable {
    let value: JSONValue

    /// An object of `members`; nil members are left out.
    public init(_ members: [String: JSONBodyValue?]) {
        value = .object(members.compactMapValues { $0?.json })
    }

    /// The encoded bytes.
    public var bytes: [UInt8] { value.encoded }
}

/// A value in a `JSONBody`.
public enum JSONBodyValue: Hashable, Sendable {
    case string(String)
    case integer(Int)
    case bool(Bool)

    var json: JSONValue {
        switch self {
        case .string(let text): .string(text)
        case .integer(let number): .integer(Int64(number))
        case .bool(let flag): .bool(flag)
        }
    }
}

/// An answer as the core hands it to a back end.
public struct BackendResponse: Sendable {
    /// The HTTP status.
    public let status: Int
    /// The headers, by lowercase name.
    public let headers: [String: String]
    /// The body bytes (at most 1 MiB).
    public let body: [UInt8]

    /// Creates a response.
    public init(status: Int, headers: [String: String], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The body as JSON, or nil when it is not JSON.
    package var json: JSONValue? { JSONValue(parsing: body) }
}

/// What an operation produced. Each field is set when the answer said it.
public struct BackendOutcome: Hashable, Sendable {
    /// The deletion status after the operation.
    public var deletion: DeletionStatus?
    /// The profile.
    public var profile: AccountProfile?
    /// The stats.
    public var stats: AccountStats?
    /// The username change.
    public var usernameChange: UsernameChange?
    /// A token the server issued (by a login); it replaces the client's.
    public var freshToken: String?
    /// Whose account the server says the request acted on (Allmine's
    /// profile `id` and finalize `userId`, Ovok's `user.id`). The core
    /// learns from it whose the token is.
    public var userID: String?
    /// The user as the server described them in its answer (Ovok's `user`).
    public var holder: AccountHolder?
    /// What an erasure did, as the server reported it (Mudbase's `details`).
    public var erasure: ErasureDetails?

    /// Creates an outcome.
    public init(deletion: DeletionStatus? = nil, profile: AccountProfile? = nil, stats: AccountStats? = nil,
                usernameChange: UsernameChange? = nil, freshToken: String? = nil, userID: String? = nil,
                holder: AccountHolder? = nil, erasure: ErasureDetails? = nil) {
        self.deletion = deletion
        self.profile = profile
        self.stats = stats
        self.usernameChange = usernameChange
        self.freshToken = freshToken
        self.userID = userID
        self.holder = holder
        self.erasure = erasure
    }
}

extension BackendOutcome {
    /// The part of the answer the operation is for; a 2xx without it is an
    /// unexpected response.
    package func required<Value>(_ part: KeyPath<BackendOutcome, Value?>) throws(AccountError) -> Value {
        guard let value = self[keyPath: part] else { throw AccountError(.unexpectedResponse(status: 200, bodyPrefix: "")) }
        return value
    }
}
