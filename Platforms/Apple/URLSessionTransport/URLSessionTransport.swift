import AccountCore
import Dispatch
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import HTTPLimits

/// The core's HTTP over the system's `URLSession`, for Apple platforms,
/// where there is no libcurl: an app plugs it into `Session` or
/// `AccountClient` as their transport.
///
/// It behaves as `CurlTransport` does where URLSession lets it: one session
/// per transport (kept-alive connections), TLS always verified by the
/// system, no redirect followed (the delegate refuses each: a 3xx is the
/// answer, so the token goes nowhere else), bodies capped at 1 MiB, a
/// cancelled task answered `.cancelled` at once, no cookies, no cache. Where it cannot, README.md says so ("Apple
/// platforms: URLSession"). On Linux it runs over FoundationNetworking, for
/// the tests only.
public final class URLSessionTransport: HTTPTransport {
    /// The session every exchange of this transport runs on.
    private let session: URLSession
    /// The session's delegate: the exchanges on their way.
    private let exchanges: URLSessionExchanges
    /// Seconds an exchange may take in all, connecting included.
    private let totalTimeout: Double

    /// The largest response body accepted, as every transport's (`HTTPResponseLimits`).
    static let maxResponseBytes = HTTPResponseLimits.maximumBodyBytes

    /// A transport with `totalTimeout` seconds for a whole exchange.
    ///
    /// `connectTimeout` makes the call the same as `CurlTransport`'s, but
    /// URLSession has no timeout for connecting alone: connecting counts
    /// against the total.
    public init(connectTimeout: Double = 10, totalTimeout: Double = 30) {
        self.totalTimeout = Self.seconds(totalTimeout)
        exchanges = URLSessionExchanges()
        session = URLSession(configuration: Self.configuration(totalTimeout: self.totalTimeout),
                             delegate: exchanges, delegateQueue: nil)
    }

    /// A transport with the timeouts of `configuration`.
    public convenience init(configuration: ClientConfiguration) {
        self.init(connectTimeout: configuration.connectTimeout, totalTimeout: configuration.totalTimeout)
    }

    deinit {
        // The session keeps its delegate until it is invalidated. Not
        // `invalidateAndCancel`: a cancel from outside the exchange could
        // reach a task between a redirect and its answer (see
        // `URLSessionExchange`); a task that outlived its caller is
        // cancelled by its exchange.
        session.finishTasksAndInvalidate()
    }

    /// Sends `request` on the session and returns the final response, or
    /// the failure; cancelling the calling task answers `.cancelled` at once.
    public func send(_ request: TransportRequest) async throws(TransportFailure) -> TransportResponse {
        let urlRequest = try URLRequest(validating: request)
        if Task.isCancelled { throw .cancelledByCaller }
        let task = session.dataTask(with: urlRequest)
        let exchange = URLSessionExchange(task: task, maxResponseBytes: Self.maxResponseBytes)
        exchanges.register(exchange)
        let (exchanges, totalTimeout) = (exchanges, totalTimeout)
        let outcome = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                guard exchange.start(continuation) else {
                    exchanges.remove(exchange)
                    return
                }
                task.resume()
                // Our own clock for the total: FoundationNetworking has no
                // total timeout and counts its idle one in whole seconds.
                // Weak: an exchange that ended is not kept until then.
                DispatchQueue.global().asyncAfter(deadline: .now() + totalTimeout) { [weak exchange] in
                    exchange?.finish(.failure(.timedOut(after: totalTimeout)))
                }
            }
        } onCancel: {
            exchange.finish(.failure(.cancelledByCaller))
        }
        return try outcome.get()
    }

    /// An ephemeral session's configuration without cookies, cache or
    /// stored credentials, timing out after `totalTimeout` (rounded up to
    /// whole seconds, as FoundationNetworking counts them) as our own
    /// clock does.
    private static func configuration(totalTimeout: Double) -> URLSessionConfiguration {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpCookieStorage = nil
        configuration.httpShouldSetCookies = false
        configuration.httpCookieAcceptPolicy = .never
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.urlCredentialStorage = nil
        let wholeSeconds = max(1, totalTimeout.rounded(.up))
        configuration.timeoutIntervalForRequest = wholeSeconds
        configuration.timeoutIntervalForResource = wholeSeconds
        return configuration
    }

    /// `seconds` from 1 ms to 10⁶ s: never 0 or negative, never NaN, which
    /// would time out at once or never.
    private static func seconds(_ seconds: Double) -> Double {
        guard seconds >= 0.001 else { return 0.001 }
        return min(seconds, 1_000_000)
    }
}
