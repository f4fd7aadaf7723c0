/// Turns a handler's response into the bytes sent on the wire.
enum HTTPResponseEncoder {
    /// The bytes of `response` as an HTTP/1.1 message.
    ///
    /// The server owns framing: `Content-Length`, `Connection` and
    /// `Transfer-Encoding` set by the handler are replaced. A 204 has neither
    /// `Content-Length` nor body (RFC 9110 §8.6); a 304, and any response to
    /// HEAD, announces its body's length without sending it.
    ///
    /// - Parameters:
    ///   - keepAlive: whether the connection stays open afterwards.
    ///   - isHeadRequest: whether the request was HEAD.
    static func encode(_ response: HTTPResponse, keepAlive: Bool, isHeadRequest: Bool) -> [UInt8] {
        let response = isValid(response) ? response : invalidResponseReplacement
        var headers = response.headers
        headers.remove("Content-Length")
        headers.remove("Transfer-Encoding")
        headers.remove("Connection")
        if response.status != 204 {
            headers.add("Content-Length", String(response.body.count))
        }
        headers.add("Connection", keepAlive ? "keep-alive" : "close")

        var text = "HTTP/1.1 \(response.status) \(HTTPStatus.reasonPhrase(for: response.status))\r\n"
        for (name, value) in headers {
            text += "\(name): \(value)\r\n"
        }
        text += "\r\n"
        var bytes = Array(text.utf8)
        if !isHeadRequest, response.status != 204, response.status != 304 {
            bytes.append(contentsOf: response.body)
        }
        return bytes
    }

    /// The response the server itself sends when a request cannot be read:
    /// the status and its reason phrase as plain text.
    static func errorResponse(status: Int) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "text/plain; charset=utf-8"],
                     body: Array((HTTPStatus.reasonPhrase(for: status) + "\n").utf8))
    }

    /// The 100 Continue interim response, asked for by `Expect: 100-continue`.
    static let continueResponse = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    /// Whether `response` can be sent as it is: a final status of three
    /// digits, field names that are tokens, and values without CR, LF or NUL
    /// (which would split the message and let a handler forge framing).
    static func isValid(_ response: HTTPResponse) -> Bool {
        guard (200...999).contains(response.status) else { return false }
        return response.headers.allSatisfy { name, value in
            !name.isEmpty && name.utf8.allSatisfy(HTTPSyntax.isTokenByte)
                && value.utf8.allSatisfy(HTTPSyntax.isFieldValueByte)
        }
    }

    /// What is sent instead of a response that cannot be sent as it is: a
    /// bug in the handler, reported rather than sent broken.
    static let invalidResponseReplacement = HTTPResponse(
        status: 500, headers: ["Content-Type": "text/plain; charset=utf-8"],
        body: Array("the handler returned a response with an invalid status or header\n".utf8))
}
