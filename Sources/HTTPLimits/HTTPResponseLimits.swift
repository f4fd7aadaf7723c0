/// How much of a response any transport of the core takes, in one place:
/// libcurl (`CurlHTTP`), URLSession (`URLSessionTransport`) and the app's
/// own stack (`ac_http_respond`) all refuse more, as `responseTooLarge`.
///
/// A module of its own so that `CurlHTTP`, which does not import the core,
/// reads the same numbers as the transports that do. A server (or a hostile
/// network in front of the app's stack) must not make the core hold header
/// fields without end: libcurl caps a response's header block likewise
/// (`CURL_MAX_HTTP_HEADER`), and the core answers to 20 or so fields.
package enum HTTPResponseLimits {
    /// The most header fields of one response.
    package static let maximumHeaderCount = 500
    /// The most header bytes of one response, counted as on the wire: each
    /// field's name, value, ": " and CRLF (libcurl's count also takes the
    /// status line).
    package static let maximumHeaderBytes = 256 * 1024
    /// The largest response body.
    package static let maximumBodyBytes = 1 << 20

    /// The bytes a field takes on the wire: name, ": ", value and CRLF.
    package static func wireBytes(nameBytes: Int, valueBytes: Int) -> Int {
        nameBytes + valueBytes + 4
    }
}
