/// The HTTP the core needs, and no more: one request in; the final
/// response (whatever its status) or a classified failure out. The core
/// declares it; a transport implements it: libcurl (`CurlTransport`), the
/// emulator in memory (`EmulatorTransport`, for tests without sockets), or
/// a host app's own HTTP stack. The core names none of them.
///
/// Like swift-openapi-runtime's `ClientTransport` and Mozilla's viaduct: the
/// core builds the request (URL, headers, body); the transport only moves
/// bytes. It must verify TLS, follow no redirect for a method other than
/// GET or HEAD, and cap the response body (the core reads at most 1 MiB).
public protocol HTTPTransport: Sendable {
    /// Sends `request` and returns the final response; a 4xx or 5xx is a
    /// response, not a failure. Throws when no response came. Cancelling the
    /// calling task cancels the exchange, which then throws `.cancelled`.
    func send(_ request: TransportRequest) async throws(TransportFailure) -> TransportResponse

    /// Where a caller that sends one request after another (a drain) runs,
    /// so that each request starts and each answer is taken without a
    /// thread hand-off: the transport's own thread, whose `send` then does
    /// its work in place (and never waits there for something queued on
    /// that same executor). Nil (the default): the caller runs where Swift
    /// puts it.
    var preferredExecutor: (any TaskExecutor)? { get }
}

extension HTTPTransport {
    /// None: `send` is called from wherever its caller runs.
    public var preferredExecutor: (any TaskExecutor)? { nil }
}

/// A request as the core hands it to a transport.
public struct TransportRequest: Sendable {
    /// `GET`, `POST`, `PATCH`, `DELETE`, ...
    public var method: String
    /// The absolute `http://` or `https://` URL.
    public var url: String
    /// Header fields to send, in order, after the transport's own (`Host`).
    public var headers: [(name: String, value: String)]
    /// The body, sent as is; nil sends none.
    public var body: [UInt8]?

    /// Creates a request.
    public init(method: String, url: String, headers: [(name: String, value: String)] = [], body: [UInt8]? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// The final response to a request.
public struct TransportResponse: Sendable {
    /// The HTTP status.
    public var status: Int
    /// The header fields of the final response, in the order received.
    public var headers: [(name: String, value: String)]
    /// The body.
    public var body: [UInt8]

    /// Creates a response.
    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// Why no response came: the kind the core decides on, and the transport's
/// own text for logs (never a header value or a body, so never a token).
public struct TransportFailure: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        /// No connection: the host did not resolve, refused, or is
        /// unreachable. Nothing left the device: the core counts the request
        /// as not sent (it may still cancel out). Once a connection was made,
        /// a failure is `timeout`, `tls` or `interrupted` instead.
        case noConnection
        /// A connect or total timeout ran out.
        case timeout
        /// The TLS handshake or the certificate check failed.
        case tls
        /// The caller cancelled the exchange.
        case cancelled
        /// The exchange broke off mid-way, or the connection closed before any answer.
        case interrupted
        /// The response was larger than the transport accepts.
        case responseTooLarge
        /// The request was refused before anything was sent (a malformed URL,
        /// a control character in a header).
        case invalidRequest
        /// Anything else.
        case other
    }

    /// What went wrong.
    public let kind: Kind
    /// The transport's own text.
    public let detail: String

    /// Creates a failure.
    public init(_ kind: Kind, detail: String) {
        self.kind = kind
        self.detail = detail
    }

    public var description: String { "\(kind.rawValue): \(detail)" }
}
