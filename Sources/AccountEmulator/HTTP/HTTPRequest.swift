import FoundationEssentials

/// One request as received, before any routing: everything is kept as sent.
package struct HTTPRequest: Sendable, Equatable {
    /// The method as sent ("GET"); methods are case-sensitive.
    package var method: String
    /// The raw request-target ("/api/v1/users/me?x=1").
    package var target: String
    /// The target's path, without the query ("/api/v1/users/me"); for an
    /// absolute-form target ("http://host/a"), the path part only ("/a").
    package var path: String
    /// What follows the first "?" of the target, undecoded; nil without a "?".
    package var query: String?
    /// "HTTP/1.1" or "HTTP/1.0".
    package var version: String
    /// The header fields, in the order received.
    package var headers: HTTPHeaders
    /// The body, exactly `Content-Length` bytes.
    package var body: [UInt8]
    /// The same for every request on one TCP connection and different for
    /// every connection of one server; 0 for a request not read by a server.
    package var connectionID: Int

    /// A request for `target`, with `path` and `query` taken from it.
    package init(method: String, target: String, version: String = "HTTP/1.1",
                 headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = [], connectionID: Int = 0) {
        self.method = method
        self.target = target
        (path, query) = Self.split(target: target)
        self.version = version
        self.headers = headers
        self.body = body
        self.connectionID = connectionID
    }

    /// Whether the client allows the connection to stay open after this
    /// request: HTTP/1.1 unless it says `Connection: close`, HTTP/1.0 only
    /// when it says `Connection: keep-alive`.
    package var wantsKeepAlive: Bool {
        let tokens = headers.values("Connection")
        if tokens.contains(where: { $0.containsHeaderToken("close") }) { return false }
        if version == "HTTP/1.0" {
            return tokens.contains { $0.containsHeaderToken("keep-alive") }
        }
        return true
    }

    /// The value of the first `name=value` pair of the query, its `+` and
    /// `%XX` decoded (an invalid escape is kept as sent); nil when absent.
    package func queryValue(_ name: String) -> String? {
        guard let query else { return nil }
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if Self.formDecoded(parts[0]) == name { return parts.count == 2 ? Self.formDecoded(parts[1]) : "" }
        }
        return nil
    }

    /// `text` with `+` as a space and each valid `%XX` as its byte.
    private static func formDecoded(_ text: Substring) -> String {
        let bytes = Array(text.utf8)
        var decoded: [UInt8] = []
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count,
               let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2]) {
                decoded.append(high << 4 | low)
                index += 3
            } else {
                decoded.append(bytes[index] == UInt8(ascii: "+") ? UInt8(ascii: " ") : bytes[index])
                index += 1
            }
        }
        return String(decoding: decoded, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// The path and query of a request-target in origin form ("/a?b"),
    /// absolute form ("http://host/a?b") or asterisk form ("*").
    static func split(target: String) -> (path: String, query: String?) {
        let bytes = Array(target.utf8)
        var pathStart = 0
        if bytes.first != UInt8(ascii: "/"), let scheme = firstIndex(of: Array("://".utf8), in: bytes) {
            // Absolute form: skip the scheme and the authority.
            let authority = scheme + 3
            pathStart = bytes[authority...].firstIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") }
                ?? bytes.endIndex
        }
        let mark = bytes[pathStart...].firstIndex(of: UInt8(ascii: "?"))
        var path = String(decoding: bytes[pathStart..<(mark ?? bytes.endIndex)], as: UTF8.self)
        if pathStart > 0, !path.hasPrefix("/") { path = "/" + path }
        let query = mark.map { String(decoding: bytes[($0 + 1)...], as: UTF8.self) }
        return (path, query)
    }

    /// Where `needle` first starts in `haystack`.
    private static func firstIndex(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        return (0...(haystack.count - needle.count)).first { start in
            haystack[start..<(start + needle.count)].elementsEqual(needle)
        }
    }
}
