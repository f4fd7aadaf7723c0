import AccountCore
import POSIXThread

/// An emulator reached in memory: each request goes straight to the router
/// the HTTP server uses (back ends, control API, request log, idempotency,
/// faults alike), with no socket. For client and sync tests that need no
/// network, and for an app's own unit tests.
///
/// Only `baseURL` can be reached; any other URL is a `noConnection`
/// failure. A fault that drops the connection (`closeBeforeAnswer`,
/// `applyThenClose`) is an `interrupted` failure, as a broken connection is
/// over HTTP. There is no timeout: a `delay` fault is waited out. The
/// request log shows connection id 0.
///
/// The HTTP server's edge is not crossed: no `Host` is checked (nothing is
/// reached by a name in memory, so there is nothing to rebind) and no
/// connection counted. The control API's own rules still hold, the
/// `Content-Type: application/json` of its writes among them.
package struct EmulatorTransport: HTTPTransport {
    /// The base URL a client of an emulator that does not listen is given:
    /// `.invalid` never resolves, so nothing can reach the network by mistake.
    /// `https`, though nothing is encrypted in memory: a client refuses an
    /// `http://` base URL that is not loopback (`allowInsecureHTTP`).
    package static let baseURL = "https://emulator.invalid"

    let router: Router
    /// Set once the emulator stopped: nothing is reachable any more.
    let stopped: LockedValue<Bool>

    package func send(_ request: TransportRequest) async throws(TransportFailure) -> TransportResponse {
        if Task.isCancelled { throw TransportFailure(.cancelled, detail: "cancelled before it was sent") }
        // The router may block (a delay fault): off Swift's cooperative pool.
        let result = await withCheckedContinuation {
            (continuation: CheckedContinuation<Result<TransportResponse, TransportFailure>, Never>) in
            let started = DetachedThread.detach { [self] in
                continuation.resume(returning: Result { () throws(TransportFailure) in try exchange(request) })
            }
            if !started {
                continuation.resume(returning: .failure(TransportFailure(.other, detail: "could not start a thread")))
            }
        }
        return try result.get()
    }

    /// The exchange on the calling thread, which it may block.
    package func exchange(_ request: TransportRequest) throws(TransportFailure) -> TransportResponse {
        // Any other address is as unreachable as it would be for a device
        // whose only server is this one.
        guard request.url.hasPrefix(Self.baseURL + "/") else {
            throw TransportFailure(.noConnection, detail: "in memory, only \(Self.baseURL) can be reached")
        }
        guard !stopped.withLock({ $0 }) else {
            throw TransportFailure(.noConnection, detail: "the emulator stopped")
        }
        var headers = HTTPHeaders(request.headers.map { ($0.name, $0.value) })
        if let body = request.body { headers.set("Content-Length", String(body.count)) }
        let incoming = HTTPRequest(method: request.method, target: request.url, headers: headers, body: request.body ?? [])
        switch router.handle(incoming) {
        case .response(let response):
            return TransportResponse(status: response.status, headers: Array(response.headers), body: response.body)
        case .dropConnection:
            throw TransportFailure(.interrupted, detail: "the emulator closed the connection before any answer")
        }
    }
}
