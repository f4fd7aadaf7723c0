import AccountCore
import CurlHTTP

/// The core's HTTP over libcurl: kept-alive connections, TLS always
/// verified, no redirect followed (a 3xx is the answer), bodies capped at 1 MiB, a
/// cancelled task aborting its transfer at once. What `Session` plugs in
/// unless the host brings its own transport.
package struct CurlTransport: HTTPTransport {
    private let session: CurlSession

    /// A transport with `connectTimeout` and `totalTimeout` seconds.
    package init(connectTimeout: Double = 10, totalTimeout: Double = 30) {
        var configuration = CurlSession.Configuration()
        configuration.connectTimeout = connectTimeout
        configuration.totalTimeout = totalTimeout
        session = CurlSession(configuration: configuration)
    }

    /// A transport with the timeouts of `configuration`.
    package init(configuration: ClientConfiguration) {
        self.init(connectTimeout: configuration.connectTimeout, totalTimeout: configuration.totalTimeout)
    }

    package func send(_ request: TransportRequest) async throws(TransportFailure) -> TransportResponse {
        do {
            let response = try await session.perform(CurlRequest(method: request.method, url: request.url,
                                                                  headers: request.headers, body: request.body))
            return TransportResponse(status: response.status, headers: response.headers, body: response.body)
        } catch {
            // curl's own text is the detail: it never holds a header or a body.
            throw TransportFailure(Self.kind(of: error.kind), detail: error.message)
        }
    }

    /// The session's own thread: a drain running there does each transfer
    /// in place, as curl's own loop would.
    package var preferredExecutor: (any TaskExecutor)? { session.executor }

    private static func kind(of kind: CurlError.Kind) -> TransportFailure.Kind {
        switch kind {
        case .couldNotResolve, .couldNotConnect: .noConnection
        case .timedOut: .timeout
        case .tls: .tls
        case .cancelled: .cancelled
        case .responseTooLarge: .responseTooLarge
        case .sendFailed, .receiveFailed: .interrupted
        case .invalidRequest: .invalidRequest
        case .other: .other
        }
    }
}
