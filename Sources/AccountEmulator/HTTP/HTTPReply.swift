/// What a handler answers a request with.
package enum HTTPReply: Sendable {
    /// Send this response.
    case response(HTTPResponse)
    /// Close the connection without writing anything: a back end that died
    /// mid-request, for fault injection.
    case dropConnection
}

/// Answers one request. Called on the connection's own thread, so it may
/// block (sleep to inject a delay); it is called concurrently for requests
/// on different connections, and in order for requests on one connection.
package typealias HTTPHandler = @Sendable (HTTPRequest) -> HTTPReply
