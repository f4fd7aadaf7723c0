import AccountCore
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

extension URLRequest {
    /// The URLRequest for `request`, or `.invalidRequest` for what must never
    /// be sent: the same refusals as `CurlTransport`'s (a method that is not
    /// an HTTP token, a HEAD with a body, a URL that is not an absolute
    /// http(s) URL or holds a control character, a header name that is not a
    /// token, CR, LF or NUL in a value), and a GET with a body, which
    /// URLSession cannot send. A message names a header by position and
    /// never quotes a value, which may be a token.
    init(validating request: TransportRequest) throws(TransportFailure) {
        guard HTTPToken.isToken(request.method) else { throw .invalid("the method is not an HTTP token") }
        if request.body != nil, request.method == "HEAD" || request.method == "GET" {
            throw .invalid("a \(request.method) request cannot have a body here")
        }
        guard let url = Self.url(request.url) else {
            throw .invalid("the URL is not an absolute http:// or https:// URL with a host")
        }
        self.init(url: url, cachePolicy: .reloadIgnoringLocalCacheData)
        httpMethod = request.method
        httpShouldHandleCookies = false
        var fields: [(name: String, value: String)] = []
        for (index, header) in request.headers.enumerated() {
            guard HTTPToken.isToken(header.name) else {
                throw .invalid("header \(index + 1): the name is not an HTTP token")
            }
            guard !header.value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 }) else {
                throw .invalid("header \(index + 1) (\(header.name)): the value holds CR, LF or NUL")
            }
            // A repeated field is joined with a comma, as HTTP allows: a
            // URLRequest holds one value per name.
            if let same = fields.firstIndex(where: { $0.name.lowercased() == header.name.lowercased() }) {
                fields[same].value += ", " + header.value
            } else {
                fields.append(header)
            }
        }
        // Set whole rather than by `setValue`, which would capitalize each
        // name ("X-Device-ID" as "X-Device-Id").
        allHTTPHeaderFields = Dictionary(uniqueKeysWithValues: fields.map { ($0.name, $0.value) })
        httpBody = request.body.map { Data($0) }
    }

    /// `text` as an absolute http or https URL with a host, or nil.
    private static func url(_ text: String) -> URL? {
        guard !text.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }), let url = URL(string: text),
              let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = url.host, !host.isEmpty else { return nil }
        return url
    }
}

/// HTTP's token (RFC 9110, 5.6.2), for methods and field names.
enum HTTPToken {
    /// Whether `text` is one or more tchar: a letter, a digit or one of
    /// !#$%&'*+-.^_`|~.
    static func isToken(_ text: String) -> Bool {
        !text.utf8.isEmpty && text.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"):
                true
            default:
                Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
            }
        }
    }
}
