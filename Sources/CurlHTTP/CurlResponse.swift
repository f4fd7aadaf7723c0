/// The final response to a `CurlRequest` (a 3xx is one: no redirect is followed).
package struct CurlResponse: Sendable {
    /// The status code (CURLINFO_RESPONSE_CODE).
    package var status: Int
    /// The header fields of the final response only, in the order received;
    /// an interim (1xx) response's fields are not among them.
    package var headers: [(name: String, value: String)]
    /// The body, at most `CurlSession.Configuration.maxResponseBytes` bytes.
    package var body: [UInt8]

    /// A response with `status`, `headers` and `body` (for fakes in tests).
    package init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The value of the first field named `name`, ignoring ASCII case.
    package func header(_ name: String) -> String? {
        headers.first { CurlASCII.caseInsensitiveEquals($0.name, name) }?.value
    }
}
