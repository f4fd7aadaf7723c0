/// A response as a handler produces it. The server adds `Content-Length` and
/// `Connection` itself and replaces any the handler set.
package struct HTTPResponse: Sendable {
    /// The status code (200, 404, ...).
    package var status: Int
    /// The header fields, in the order they are to be sent.
    package var headers: HTTPHeaders
    /// The body; not sent for a HEAD request, nor for 204 and 304.
    package var body: [UInt8]

    /// A response with `status`, `headers` and `body`.
    package init(status: Int, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}
