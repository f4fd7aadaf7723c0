/// One HTTP request, as the account core hands it to `CurlSession`.
package struct CurlRequest: Sendable {
    /// The method, sent as is ("GET", "POST", "PATCH", "DELETE", ...); it
    /// must be an HTTP token.
    package var method: String
    /// The absolute `http://` or `https://` URL.
    package var url: String
    /// Header fields sent in this order after curl's own (`Host`, `Accept`).
    /// Names must be HTTP tokens; values must not hold CR, LF or NUL.
    package var headers: [(name: String, value: String)]
    /// The body, sent as is with `Content-Length`; nil sends no body and no
    /// `Content-Length` (an empty array sends `Content-Length: 0`).
    package var body: [UInt8]?

    /// A request of `method` for `url`.
    package init(method: String, url: String, headers: [(name: String, value: String)] = [], body: [UInt8]? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}
