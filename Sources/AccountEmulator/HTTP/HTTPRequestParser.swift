/// Reads one HTTP/1.1 request from the start of a byte buffer.
///
/// A pure function of its input, so a fuzzer can drive it: it never traps,
/// whatever the bytes (no force unwraps, no overflowing arithmetic, no
/// out-of-range index). It is strict where leniency lets two parties read one
/// message differently (RFC 9112 §11.2): bare LF, whitespace before a colon,
/// folded lines, `Transfer-Encoding` and conflicting `Content-Length` are
/// refused rather than guessed at.
package enum HTTPRequestParser {
    /// How large a request may be.
    package struct Limits: Sendable, Equatable {
        /// Bytes of the request line and header fields, final empty line included.
        package var maxHeaderBytes: Int
        /// Bytes of the body, as its `Content-Length` announces.
        package var maxBodyBytes: Int

        /// Limits of `maxHeaderBytes` and `maxBodyBytes`.
        package init(maxHeaderBytes: Int = 16 * 1024, maxBodyBytes: Int = 64 * 1024) {
            self.maxHeaderBytes = maxHeaderBytes
            self.maxBodyBytes = maxBodyBytes
        }
    }

    /// What the start of a buffer holds.
    package enum Outcome: Sendable, Equatable {
        /// A prefix of a valid request: wait for more bytes.
        case incomplete
        /// A whole request (its `connectionID` is 0), which took the first
        /// `consumed` bytes; any further bytes belong to the next request.
        case request(HTTPRequest, consumed: Int)
        /// Not a valid request, or one over a limit: answer `status` and close,
        /// since where the next request would start is unknown.
        case failure(status: Int)
    }

    /// A request line and header fields read whole, the body maybe not yet.
    package struct Head: Sendable, Equatable {
        /// The request, with an empty body.
        package var request: HTTPRequest
        /// Bytes of the head, final empty line included: where the body starts.
        package var byteCount: Int
        /// Bytes of the body, from `Content-Length` (0 without one).
        package var contentLength: Int
    }

    /// What the start of a buffer holds, up to the end of the header fields.
    package enum HeadOutcome: Sendable, Equatable {
        /// A prefix of a valid head: wait for more bytes.
        case incomplete
        /// A whole, valid head.
        case head(Head)
        /// Not a valid head, or one over a limit: answer `status` and close.
        case failure(status: Int)
    }

    /// The request at the start of `buffer`, if all of it is there.
    package static func parse(_ buffer: ArraySlice<UInt8>, limits: Limits) -> Outcome {
        switch parseHead(buffer, limits: limits) {
        case .incomplete:
            return .incomplete
        case .failure(let status):
            return .failure(status: status)
        case .head(let head):
            // Both are at most buffer.count (head) and maxBodyBytes (length),
            // so neither the subtraction nor the sum can overflow.
            let bodyStart = buffer.startIndex + head.byteCount
            guard buffer.endIndex - bodyStart >= head.contentLength else { return .incomplete }
            var request = head.request
            request.body = Array(buffer[bodyStart..<(bodyStart + head.contentLength)])
            return .request(request, consumed: head.byteCount + head.contentLength)
        }
    }

    /// The request line and header fields at the start of `buffer`.
    ///
    /// Fails as soon as the bytes so far cannot start a valid request line,
    /// so garbage is refused without waiting for a timeout.
    package static func parseHead(_ buffer: ArraySlice<UInt8>, limits: Limits) -> HeadOutcome {
        let start = buffer.startIndex
        // The head, final CRLF included, must lie within this window.
        let windowEnd = limits.maxHeaderBytes < buffer.count ? start + max(limits.maxHeaderBytes, 0) : buffer.endIndex
        var lineStart = start
        var requestLine: (method: String, target: String, version: String)?
        var headers = HTTPHeaders()

        while true {
            guard let lineFeed = buffer[lineStart..<windowEnd].firstIndex(of: HTTPSyntax.lf) else {
                if windowEnd < buffer.endIndex { return .failure(status: 431) }
                if requestLine == nil, !isRequestLinePrefix(buffer[lineStart...]) { return .failure(status: 400) }
                return .incomplete
            }
            guard lineFeed > lineStart, buffer[lineFeed - 1] == HTTPSyntax.cr else { return .failure(status: 400) }
            let line = buffer[lineStart..<(lineFeed - 1)]
            lineStart = lineFeed + 1

            guard let (method, target, version) = requestLine else {
                // Empty lines before the request line are ignored (RFC 9112 §2.2).
                if line.isEmpty { continue }
                switch parseRequestLine(line) {
                case .success(let parsed): requestLine = parsed
                case .failure(let failure): return .failure(status: failure.status)
                }
                continue
            }
            if line.isEmpty {
                return finishHead(method: method, target: target, version: version, headers: headers,
                                  byteCount: lineStart - start, limits: limits)
            }
            guard let (name, value) = parseField(line) else { return .failure(status: 400) }
            headers.add(name, value)
        }
    }

    /// A parse failure carrying the status to answer with.
    private struct Failure: Error {
        let status: Int
    }

    /// Checks the header fields as a whole and finds the body's length.
    private static func finishHead(method: String, target: String, version: String, headers: HTTPHeaders,
                                   byteCount: Int, limits: Limits) -> HeadOutcome {
        // HTTP/1.1 requires exactly one Host (RFC 9112 §3.2).
        let hosts = headers.values("Host").count
        if hosts > 1 || (version == "HTTP/1.1" && hosts == 0) { return .failure(status: 400) }
        // Only Content-Length framing is supported; a chunked body cannot be
        // read, so it is refused before it arrives.
        if headers.contains("Transfer-Encoding") { return .failure(status: 411) }
        let contentLength: Int
        switch parseContentLength(headers.values("Content-Length")) {
        case .success(let length): contentLength = length
        case .failure(let failure): return .failure(status: failure.status)
        }
        if contentLength > limits.maxBodyBytes { return .failure(status: 413) }
        let request = HTTPRequest(method: method, target: target, version: version, headers: headers)
        return .head(Head(request: request, byteCount: byteCount, contentLength: contentLength))
    }

    /// The one length that every `Content-Length` field (and every element of
    /// a comma-separated one) states; 0 when there is none. Values too large
    /// for `Int` come out as `Int.max`: they are over any limit.
    private static func parseContentLength(_ values: [String]) -> Result<Int, Failure> {
        var length: Int?
        for value in values {
            for element in value.split(separator: ",", omittingEmptySubsequences: false) {
                let digits = Array(String(element).trimmingHTTPWhitespace().utf8)
                guard !digits.isEmpty, digits.allSatisfy(HTTPSyntax.isDigit) else {
                    return .failure(Failure(status: 400))
                }
                var number = 0
                for digit in digits {
                    let (times10, overflow1) = number.multipliedReportingOverflow(by: 10)
                    let (sum, overflow2) = times10.addingReportingOverflow(Int(digit - 0x30))
                    number = overflow1 || overflow2 ? Int.max : sum
                    if number == Int.max { break }
                }
                if let length, length != number { return .failure(Failure(status: 400)) }
                length = number
            }
        }
        return .success(length ?? 0)
    }

    /// Method, target and version of a whole request line (without CRLF).
    private static func parseRequestLine(_ line: ArraySlice<UInt8>)
        -> Result<(method: String, target: String, version: String), Failure> {
        guard isRequestLinePrefix(line),
              let firstSpace = line.firstIndex(of: HTTPSyntax.space),
              let secondSpace = line[(firstSpace + 1)...].firstIndex(of: HTTPSyntax.space) else {
            return .failure(Failure(status: 400))
        }
        let version = line[(secondSpace + 1)...]
        guard version.count == 8 else { return .failure(Failure(status: 400)) }
        let text = String(decoding: version, as: UTF8.self)
        // A well-formed version other than 1.0 and 1.1 (HTTP/2.0 sent in clear).
        guard text == "HTTP/1.1" || text == "HTTP/1.0" else { return .failure(Failure(status: 505)) }
        return .success((String(decoding: line[..<firstSpace], as: UTF8.self),
                         String(decoding: line[(firstSpace + 1)..<secondSpace], as: UTF8.self),
                         text))
    }

    /// Whether `bytes` (no LF among them) can begin a request line
    /// `token SP visible-ASCII SP HTTP/d.d CR`, or an empty line.
    private static func isRequestLinePrefix(_ bytes: ArraySlice<UInt8>) -> Bool {
        if bytes.elementsEqual([HTTPSyntax.cr]) { return true }
        var index = bytes.startIndex
        // The method, then the target, each non-empty and ended by one space.
        let parts: [(UInt8) -> Bool] = [HTTPSyntax.isTokenByte, HTTPSyntax.isTargetByte]
        for isAllowed in parts {
            let partStart = index
            while index < bytes.endIndex, isAllowed(bytes[index]) { index += 1 }
            if index == bytes.endIndex { return true }
            guard index > partStart, bytes[index] == HTTPSyntax.space else { return false }
            index += 1
        }
        // "HTTP/" DIGIT "." DIGIT, then the CR of the line's end.
        let pattern = Array("HTTP/0.0\r".utf8)
        let version = bytes[index...]
        guard version.count <= pattern.count else { return false }
        return zip(version, pattern).allSatisfy { byte, expected in
            expected == UInt8(ascii: "0") ? HTTPSyntax.isDigit(byte) : byte == expected
        }
    }

    /// Name and value of a header field line (without CRLF); nil when it is
    /// not `token ":" OWS value OWS`. Whitespace before the colon and folded
    /// lines (starting with whitespace) are refused (RFC 9112 §5.1, §5.2).
    private static func parseField(_ line: ArraySlice<UInt8>) -> (String, String)? {
        guard let colon = line.firstIndex(where: { !HTTPSyntax.isTokenByte($0) }),
              colon > line.startIndex, line[colon] == HTTPSyntax.colon else { return nil }
        var valueStart = colon + 1
        var valueEnd = line.endIndex
        while valueStart < valueEnd, HTTPSyntax.isWhitespace(line[valueStart]) { valueStart += 1 }
        while valueEnd > valueStart, HTTPSyntax.isWhitespace(line[valueEnd - 1]) { valueEnd -= 1 }
        let value = line[valueStart..<valueEnd]
        guard value.allSatisfy(HTTPSyntax.isFieldValueByte) else { return nil }
        return (String(decoding: line[..<colon], as: UTF8.self), String(decoding: value, as: UTF8.self))
    }
}
