/// Why a transfer failed: the kind the caller acts on, curl's code, and
/// curl's own text for logs.
package struct CurlError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, as far as a caller deciding what to do cares.
    package enum Kind: Sendable, Hashable {
        /// The host name (or proxy name) did not resolve.
        case couldNotResolve
        /// No connection could be made (refused, unreachable).
        case couldNotConnect
        /// The connect or total timeout ran out.
        case timedOut
        /// The TLS handshake or certificate verification failed.
        case tls
        /// The caller cancelled the transfer.
        case cancelled
        /// The response body exceeded `maxResponseBytes` (or its header
        /// block exceeded 256 KiB).
        case responseTooLarge
        /// Sending the request failed mid-way.
        case sendFailed
        /// Receiving the response failed mid-way, or nothing came back.
        case receiveFailed
        /// The request was refused before any byte was sent: a malformed or
        /// non-HTTP URL, a method that is not a token, CR/LF/NUL in a header.
        case invalidRequest
        /// Anything else (too many redirects, out of memory, ...).
        case other
    }

    /// What went wrong.
    package let kind: Kind
    /// The CURLcode, or -1 for an error found before curl ran.
    package let code: Int32
    /// curl's own text (`curl_easy_strerror` and the CURLOPT_ERRORBUFFER
    /// detail), or ours for an error found before curl ran; never a header
    /// value or a body.
    package let message: String

    /// An error of `kind` with `code` and `message`.
    package init(kind: Kind, code: Int32, message: String) {
        self.kind = kind
        self.code = code
        self.message = message
    }

    /// "curl error 7 (couldNotConnect): Couldn't connect to server: ...".
    package var description: String {
        "curl error \(code) (\(kind)): \(message)"
    }
}
