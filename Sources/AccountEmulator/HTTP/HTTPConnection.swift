import Libc

/// One client connection, served on its own thread: requests are read,
/// answered and written one after the other, so pipelined requests are
/// answered in order.
final class HTTPConnection {
    /// The connected socket; closed when `run()` returns.
    private let descriptor: Int32
    /// The ID every request on this connection carries.
    private let id: Int
    /// What the server's threads share.
    private let context: HTTPServerContext
    /// Bytes received and not yet consumed by a request.
    private var buffer: [UInt8] = []
    /// Where `recv` writes before the bytes are appended to `buffer`.
    private var scratch = [UInt8](repeating: 0, count: 16 * 1024)
    /// Whether this thread has seen that the server is stopping.
    private var sawStop = false

    /// How long a closing connection waits for the client to close its side.
    private static let linger: Duration = .seconds(1)

    /// A connection on `descriptor`, with ID `id`.
    init(descriptor: Int32, id: Int, context: HTTPServerContext) {
        self.descriptor = descriptor
        self.id = id
        self.context = context
    }

    /// Serves requests until the connection is to close, then closes it.
    func run() {
        switch serve() {
        case .afterResponse:
            HTTPSocket.closeAfterResponse(descriptor, linger: Self.linger)
        case .immediately:
            HTTPSocket.closeNow(descriptor)
        }
    }

    /// How a connection ends.
    private enum Closing {
        /// A response was the last thing sent: let the client read it.
        case afterResponse
        /// Nothing more is owed to the client: idle, gone, failed or dropped.
        case immediately
    }

    /// The read-answer loop; returns how to close.
    private func serve() -> Closing {
        // When the current request's first byte came (nil while idle).
        var requestStarted: ContinuousClock.Instant?
        var idleSince = ContinuousClock.now
        var sentContinue = false

        while true {
            if !buffer.isEmpty {
                if requestStarted == nil { requestStarted = .now }
                switch HTTPRequestParser.parse(buffer[...], limits: context.limits) {
                case .failure(let status):
                    // Where the next request would start is unknown: close.
                    return fail(status: status)
                case .request(var request, let consumed):
                    buffer.removeFirst(consumed)
                    request.connectionID = id
                    // Before the handler: a request for another name
                    // changes nothing and learns nothing.
                    if let refusal = context.hostCheck.refusal(for: request) {
                        return respond(refusal, keepAlive: false, isHeadRequest: request.method == "HEAD")
                            ? .afterResponse : .immediately
                    }
                    guard case .response(let response) = context.handler(request) else { return .immediately }
                    let handlerWantsClose = response.headers.values("Connection").contains {
                        $0.containsHeaderToken("close")
                    }
                    let keepAlive = request.wantsKeepAlive && !handlerWantsClose && !context.isStopping
                    guard respond(response, keepAlive: keepAlive, isHeadRequest: request.method == "HEAD") else {
                        return .immediately
                    }
                    if !keepAlive { return .afterResponse }
                    // Any bytes left over are the next, pipelined request.
                    requestStarted = buffer.isEmpty ? nil : .now
                    idleSince = .now
                    sentContinue = false
                    continue
                case .incomplete:
                    if !sentContinue, expectsContinue() {
                        sentContinue = true
                        guard HTTPSocket.sendAll(descriptor, HTTPResponseEncoder.continueResponse,
                                                 stallTimeout: context.requestTimeout) else { return .immediately }
                    }
                }
            }

            // An idle connection closes when the server stops; a request
            // partly received may still arrive whole and be answered.
            if sawStop, buffer.isEmpty { return .immediately }
            let deadline = requestStarted.map { $0 + context.requestTimeout } ?? idleSince + context.idleTimeout
            let readiness = HTTPSocket.waitReadable(descriptor, wake: sawStop ? nil : context.wakeDescriptor,
                                                    until: deadline)
            if readiness.woken { sawStop = true }
            if readiness.readable {
                switch HTTPSocket.receive(descriptor, into: &buffer, scratch: &scratch) {
                case .bytes, .nothingYet: continue
                case .closed: return .immediately
                }
            }
            if !readiness.woken {
                // The deadline passed: a request that is not whole by now is
                // answered 408; an idle connection is just closed, since the
                // client may be sending its next request at this very moment.
                guard buffer.isEmpty else {
                    return fail(status: 408)
                }
                return .immediately
            }
        }
    }

    /// Sends `response`; false when the client is gone or stopped reading.
    private func respond(_ response: HTTPResponse, keepAlive: Bool, isHeadRequest: Bool) -> Bool {
        let bytes = HTTPResponseEncoder.encode(response, keepAlive: keepAlive, isHeadRequest: isHeadRequest)
        return HTTPSocket.sendAll(descriptor, bytes, stallTimeout: context.requestTimeout)
    }

    /// Answers a request that cannot be served with `status`, then closes.
    private func fail(status: Int) -> Closing {
        let response = HTTPResponseEncoder.errorResponse(status: status)
        return respond(response, keepAlive: false, isHeadRequest: false) ? .afterResponse : .immediately
    }

    /// Whether the request being received has a whole head asking for
    /// `100 Continue` before its body: without one, curl waits a second
    /// before it sends a body it asked about.
    private func expectsContinue() -> Bool {
        guard case .head(let head) = HTTPRequestParser.parseHead(buffer[...], limits: context.limits) else {
            return false
        }
        return head.contentLength > 0 && head.request.version == "HTTP/1.1"
            && head.request.headers.values("Expect").contains { $0.containsHeaderToken("100-continue") }
    }
}
