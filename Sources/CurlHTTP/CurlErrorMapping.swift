import CCurl

extension CurlError {
    /// The error for a transfer that ended with `code`, with curl's text and
    /// the error buffer's `detail`.
    ///
    /// - Parameter exceededLimit: whether our write or header callback
    ///   refused data past `maxResponseBytes`, which is what a
    ///   CURLE_WRITE_ERROR then means.
    init(curlCode code: CURLcode, detail: String = "", exceededLimit: Bool = false) {
        let text = String(cString: curl_easy_strerror(code))
        let message = detail.isEmpty || detail == text ? text : text + ": " + detail
        self.init(kind: Self.kind(of: code, exceededLimit: exceededLimit),
                  code: Int32(bitPattern: code.rawValue), message: message)
    }

    /// An error found before curl ran (code -1).
    static func invalidRequest(_ message: String) -> CurlError {
        CurlError(kind: .invalidRequest, code: -1, message: message)
    }

    /// The kind a CURLcode stands for.
    static func kind(of code: CURLcode, exceededLimit: Bool) -> Kind {
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return .couldNotResolve
        case CURLE_COULDNT_CONNECT:
            return .couldNotConnect
        case CURLE_OPERATION_TIMEDOUT:
            return .timedOut
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_ENGINE_NOTFOUND,
             CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER, CURLE_USE_SSL_FAILED,
             CURLE_SSL_ENGINE_INITFAILED, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_SHUTDOWN_FAILED,
             CURLE_SSL_CRL_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
             CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CLIENTCERT:
            return .tls
        case CURLE_ABORTED_BY_CALLBACK:
            return .cancelled
        case CURLE_WRITE_ERROR where exceededLimit:
            return .responseTooLarge
        case CURLE_SEND_ERROR:
            return .sendFailed
        case CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE:
            return .receiveFailed
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
            return .invalidRequest
        default:
            return .other
        }
    }
}
