import POSIXThread
import Libc

/// A small HTTP/1.1 server for the account-API emulator, on loopback.
///
/// One thread accepts; each connection gets a thread of its own, which reads
/// a request, calls the handler, writes the response, and repeats while the
/// connection is kept alive. Only `Content-Length` bodies are read. Slow or
/// broken clients are cut off by `requestTimeout` and `idleTimeout` and
/// answered 4xx where that helps them; they never hold up other connections.
///
/// It answers only to its own name: a request whose `Host` is not
/// `127.0.0.1:P`, `localhost:P` or `[::1]:P` is refused (421, or 400
/// without `Host`) before the handler sees it, so that a web page cannot
/// reach it by DNS rebinding (`HTTPHostCheck`). Beyond `maxConnections`
/// open connections, a new one is answered 503 by the accepting thread and
/// closed, with no thread started for it.
///
/// Serving starts in `init`; `stop()` (or dropping the server) ends it.
package final class HTTPServer: Sendable {
    /// How and where the server listens, and what it tolerates.
    package struct Configuration: Sendable {
        /// The address to listen on: an IPv4 or IPv6 literal, or "localhost".
        package var host: String = "127.0.0.1"
        /// The port; 0 lets the system pick a free one (see `HTTPServer.port`).
        package var port: UInt16 = 0
        /// Whether a non-loopback `host` may be used; without it such a host
        /// is refused, since the emulator accepts any token.
        package var allowNonLoopback: Bool = false
        /// Bytes of a request line and header fields; more is answered 431.
        package var maxHeaderBytes: Int = 16 * 1024
        /// Bytes of a request body, by its `Content-Length`; more is answered
        /// 413 before the body is read.
        package var maxBodyBytes: Int = 64 * 1024
        /// Seconds a kept-alive connection may wait for its next request.
        package var idleTimeout: Double = 30
        /// Seconds to receive one whole request once its first byte came;
        /// a slower client is answered 408 and closed. Also how long a client
        /// may take no bytes of a response before the connection is dropped.
        package var requestTimeout: Double = 10
        /// Connections open at once; one more is answered 503 with
        /// `Retry-After` and closed at once, so that a flood of connections
        /// cannot make the server start a thread for each.
        package var maxConnections: Int = 256

        /// The defaults: loopback, a free port.
        package init() {}
    }

    /// The port the server listens on.
    package let port: UInt16
    /// What the server's threads share.
    private let context: HTTPServerContext
    /// Whether `stop()` has completed; held while it runs, so that a second
    /// call waits for the first and then returns.
    private let stopped = LockedValue(false)

    /// Timeouts must be positive and at most this many seconds (11.5 days),
    /// so that adding them to an instant cannot overflow.
    private static let maxTimeout: Double = 1_000_000

    /// Binds the configured address and starts serving requests with `handler`.
    ///
    /// - Throws: `HTTPServerError`: `.nonLoopbackAddress` for a host other
    ///   than loopback without `allowNonLoopback`, `.invalidAddress`,
    ///   `.invalidConfiguration`, or `.systemCall` (EADDRINUSE from bind, ...).
    package init(configuration: Configuration = .init(), handler: @escaping HTTPHandler) throws {
        try Self.validate(configuration)
        guard let address = HTTPListenAddress(host: configuration.host) else {
            throw HTTPServerError(.invalidAddress, operation: "host", detail: configuration.host)
        }
        guard address.isLoopback || configuration.allowNonLoopback else {
            throw HTTPServerError(.nonLoopbackAddress, operation: "host", detail: configuration.host)
        }
        let (listener, port) = try HTTPSocket.openListener(on: address, port: configuration.port,
                                                          host: configuration.host)
        let context: HTTPServerContext
        do {
            let hostCheck = HTTPHostCheck(host: configuration.host, port: port, isLoopback: address.isLoopback)
            context = try HTTPServerContext(configuration: configuration, hostCheck: hostCheck, handler: handler)
        } catch {
            HTTPSocket.closeNow(listener)
            throw error
        }
        context.threads.enter()
        guard DetachedThread.detach({ HTTPAcceptor.run(listener: listener, context: context) }) else {
            HTTPSocket.closeNow(listener)
            context.threads.leave()
            throw HTTPServerError(.systemCall, operation: "pthread_create", errno: EAGAIN,
                                  detail: "\(configuration.host):\(port)")
        }
        self.context = context
        self.port = port
    }

    deinit {
        stop()
    }

    /// Connections accepted and not yet closed; 0 once `stop()` returned.
    package var openConnectionCount: Int { context.openConnectionCount }

    /// Waits, blocking the calling thread, until at most `limit` connections
    /// are open, at most `seconds`; false when more still are.
    package func waitUntilOpenConnections(atMost limit: Int, seconds: Double) -> Bool {
        context.waitUntilOpenConnections(atMost: limit, seconds: seconds)
    }

    /// Waits, blocking the calling thread, until every connection accepted
    /// so far has closed, at most `seconds`; false when one is still open.
    package func waitUntilNoOpenConnections(seconds: Double) -> Bool {
        context.waitUntilNoConnections(seconds: seconds)
    }

    /// Stops gracefully, and returns when every thread of the server ended.
    ///
    /// New connections are refused; idle kept-alive connections are closed;
    /// a request being handled is answered (with `Connection: close`), and
    /// one being received is answered when it arrives within
    /// `requestTimeout`. Calling it again does nothing more.
    ///
    /// Called from a handler (a shutdown endpoint), it cannot wait for the
    /// handler's own thread: it starts stopping and returns at once, and the
    /// server's threads end on their own once the handler has returned.
    package func stop() {
        if context.isOnConnectionThread {
            context.beginStopping()
            return
        }
        stopped.withLock { stopped in
            guard !stopped else { return }
            context.beginStopping()
            context.threads.wait()
            stopped = true
        }
    }

    /// Throws when a limit or timeout of `configuration` is out of range.
    private static func validate(_ configuration: Configuration) throws(HTTPServerError) {
        if configuration.maxHeaderBytes <= 0 {
            throw HTTPServerError(.invalidConfiguration, operation: "maxHeaderBytes",
                                  detail: "must be positive, is \(configuration.maxHeaderBytes)")
        }
        if configuration.maxBodyBytes < 0 {
            throw HTTPServerError(.invalidConfiguration, operation: "maxBodyBytes",
                                  detail: "must not be negative, is \(configuration.maxBodyBytes)")
        }
        if configuration.maxConnections <= 0 {
            throw HTTPServerError(.invalidConfiguration, operation: "maxConnections",
                                  detail: "must be positive, is \(configuration.maxConnections)")
        }
        for (name, seconds) in [("idleTimeout", configuration.idleTimeout),
                                ("requestTimeout", configuration.requestTimeout)] {
            // Written so that NaN fails too.
            guard seconds > 0, seconds <= maxTimeout else {
                throw HTTPServerError(.invalidConfiguration, operation: name,
                                      detail: "must be more than 0 and at most \(Int(maxTimeout)) seconds, is \(seconds)")
            }
        }
    }
}
