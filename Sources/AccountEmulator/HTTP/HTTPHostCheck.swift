import Libc

/// The names a server answers to: a request whose `Host` names anything else
/// is refused before any handler sees it.
///
/// A web page the developer opens can have its own name resolve to
/// 127.0.0.1 (DNS rebinding): the browser then sends the page's requests,
/// with `Host: rebind.example:P`, to the emulator, and reads the answers as
/// the page's own. Checking the name the request was sent to is what stops
/// it, as CUPS, webpack-dev-server, Vite and Jupyter do; checking `Origin`
/// alone does not, since the page's origin is that same name.
///
/// Accepted, case-insensitively and with the port `P` the server listens on
/// (or without a port when P is 80, the default for `http`):
/// `127.0.0.1`, `localhost`, `[::1]` (whatever address the server listens
/// on: the check is by name), and the literal address it was configured
/// with (`127.0.0.2`, `[::1]`). A server listening beyond loopback
/// (`allowNonLoopback`) also accepts any IP-address literal: a device on
/// the network reaches it by one of the machine's addresses, which a
/// wildcard address does not tell, and a literal is never resolved, so it
/// cannot be rebound. Names other than `localhost` are refused there too.
struct HTTPHostCheck: Sendable {
    /// The port the server listens on.
    let port: UInt16
    /// Accepted host names, lowercased, IPv6 addresses in brackets.
    let names: Set<String>
    /// Whether any IPv4 or IPv6 address literal is accepted as well.
    let acceptsAnyAddress: Bool

    /// The check for a server configured with `host` (a literal or
    /// "localhost") and listening on `port`.
    init(host: String, port: UInt16, isLoopback: Bool) {
        self.port = port
        var names: Set<String> = ["127.0.0.1", "localhost", "[::1]"]
        let configured = host.lowercased()
        names.insert(configured.contains(":") && !configured.hasPrefix("[") ? "[\(configured)]" : configured)
        self.names = names
        acceptsAnyAddress = !isLoopback
    }

    /// The answer to `request` when it is not for this server; nil when it is.
    ///
    /// A request without `Host` (HTTP/1.0 allows it; the parser already
    /// refuses an HTTP/1.1 one) is refused with 400, since it names no
    /// server; one that names another server gets 421 Misdirected Request.
    /// An absolute-form target's authority must be accepted too, since it
    /// is what names the server then (RFC 9112 §3.2.2).
    func refusal(for request: HTTPRequest) -> HTTPResponse? {
        guard let host = request.headers["Host"] else {
            return Self.refusal(400, "a request must name the server it is for in Host")
        }
        if !accepts(host) { return misdirected }
        if let authority = Self.authority(of: request.target), !accepts(authority) { return misdirected }
        return nil
    }

    /// Whether `authority` ("name:port") is one this server answers to.
    func accepts(_ authority: String) -> Bool {
        guard let (name, authorityPort) = Self.split(authority: authority.lowercased()) else { return false }
        guard authorityPort == port || (authorityPort == nil && port == 80) else { return false }
        if names.contains(name) { return true }
        return acceptsAnyAddress && Self.isAddressLiteral(name)
    }

    /// The 421 for a request for another name; it does not repeat the name.
    private var misdirected: HTTPResponse {
        Self.refusal(421, "this server answers only to 127.0.0.1:\(port), localhost:\(port) or [::1]:\(port)"
                     + (acceptsAnyAddress ? " or an IP address with port \(port)" : "")
                     + "; a request for another name is refused")
    }

    private static func refusal(_ status: Int, _ reason: String) -> HTTPResponse {
        HTTPResponse(status: status,
                     headers: ["Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff"],
                     body: Array("\(status) \(HTTPStatus.reasonPhrase(for: status)): \(reason)\n".utf8))
    }

    /// The host and the port of `authority`; nil when it is malformed
    /// (an unbracketed IPv6 address, a port that is not a number, user
    /// information).
    static func split(authority: String) -> (name: String, port: UInt16?)? {
        let name: Substring
        let rest: Substring
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            name = authority[...close]
            rest = authority[authority.index(after: close)...]
        } else if let colon = authority.firstIndex(of: ":") {
            name = authority[..<colon]
            rest = authority[colon...]
        } else {
            name = authority[...]
            rest = ""
        }
        guard !name.isEmpty, !name.contains("@") else { return nil }
        if rest.isEmpty { return (String(name), nil) }
        let digits = rest.dropFirst()
        guard rest.first == ":", !digits.isEmpty, digits.count <= 5,
              digits.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
              let port = UInt16(digits) else { return nil }
        return (String(name), port)
    }

    /// Whether `name` is an IPv4 address or a bracketed IPv6 address.
    private static func isAddressLiteral(_ name: String) -> Bool {
        if name.hasPrefix("[") { return HTTPListenAddress(host: name).map { $0.family == AF_INET6 } ?? false }
        // HTTPListenAddress takes "localhost" as 127.0.0.1: a name, not a literal.
        guard name != "localhost" else { return false }
        return HTTPListenAddress(host: name).map { $0.family == AF_INET } ?? false
    }

    /// The authority of an absolute-form target ("http://host:1/p"); nil
    /// for the origin form ("/p") and the asterisk form.
    static func authority(of target: String) -> String? {
        guard !target.hasPrefix("/"), let scheme = target.firstRange(of: "://") else { return nil }
        let rest = target[scheme.upperBound...]
        let end = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        return String(rest[..<end])
    }
}
