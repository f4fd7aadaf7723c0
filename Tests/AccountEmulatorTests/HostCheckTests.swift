@testable import AccountEmulator
import AccountCore
import FoundationEssentials
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The emulator answers only to its own name, takes control writes as JSON
/// only, and caps its open connections: what a web page the developer has
/// open (DNS rebinding, a form post) or a flood of connections can do to it.
@Suite("The emulator's edge: Host, Content-Type, the connection cap")
struct HostCheckTests {
    static let deletion = "/api/v1/users/me/account-deletion"

    /// One request on a new raw connection to `port`, as a browser would send
    /// it: with `host`, and `Origin: http://host` unless `origin` is false.
    static func send(_ port: UInt16, _ method: String, _ path: String, host: String, origin: Bool = true,
                     contentType: String? = "application/json", token: String? = nil,
                     body: String = "") throws -> HTTPWireResponse? {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: \(host)\r\nConnection: close\r\n"
        if origin { head += "Origin: http://\(host)\r\n" }
        if let contentType { head += "Content-Type: \(contentType)\r\n" }
        if let token { head += "Authorization: Bearer \(token)\r\n" }
        head += "Content-Length: \(body.utf8.count)\r\n\r\n"
        let connection = try HTTPRawConnection(port: port)
        try connection.send(head + body)
        return connection.readResponse(timeout: 20)
    }

    /// What a rebinding page would change, read back through a request
    /// with the right `Host`: users, clock, faults, the logs.
    static func snapshot(_ harness: Harness) async throws -> [JSONValue] {
        [try await harness.control("GET", "users"), try await harness.control("GET", "clock"),
         try await harness.control("GET", "faults"), try await harness.control("GET", "requests"),
         try await harness.control("GET", "mutations"), try await harness.control("GET", "flags")]
    }

    /// The seconds the emulator's clock was moved.
    static func clockOffset(_ harness: Harness) async throws -> Double? {
        switch try await harness.control("GET", "clock")["offsetSeconds"] {
        case .integer(let seconds)?: Double(seconds)
        case .number(let seconds)?: seconds
        default: nil
        }
    }

    /// The rebinding page's requests: the control API's writes, the
    /// console, a back-end route that would change state.
    static func rebindingRequests(token: String) -> [(method: String, path: String, body: String, token: String?)] {
        [("POST", "/__emulator/users", #"{"backend": "allmine", "id": "rebound", "username": "rebound"}"#, nil),
         ("POST", "/__emulator/clock", #"{"advanceSeconds": 31536000}"#, nil),
         ("POST", "/__emulator/faults", #"{"method": "GET", "path": "/x", "mode": "serverError"}"#, nil),
         ("POST", "/__emulator/tokens", #"{"userId": "rebound"}"#, nil),
         ("PUT", "/__emulator/flags", #"{"finalizeNow": false}"#, nil),
         ("POST", "/__emulator/deletion-job", "", nil),
         ("DELETE", "/__emulator/requests", "", nil),
         ("GET", "/__emulator/console", "", nil),
         ("GET", "/__emulator/users", "", nil),
         ("POST", deletion, #"{"reason": "rebound"}"#, token)]
    }

    @Test("Host rebind.example:P with a matching Origin: 421 for the control API, the console and a back end; nothing changes, nothing is logged, no fault is used")
    func rebindingRefused() async throws {
        let harness = try Harness()
        let port = harness.emulator.port
        let token = try harness.token(.allmine)
        // A fault on the back-end route: a request that reached the router would use it up.
        try await harness.inject("serverError", "POST", Self.deletion)
        let before = try await Self.snapshot(harness)
        for host in ["rebind.example:\(port)", "REBIND.example:\(port)", "127.0.0.1.rebind.example:\(port)",
                     "127.0.0.1:\(port == 1 ? 2 : port - 1)", "127.0.0.1", "localhost.:\(port)"] {
            for request in Self.rebindingRequests(token: token) {
                let reply = try #require(try Self.send(port, request.method, request.path, host: host,
                                                       token: request.token, body: request.body),
                                         "\(request.method) \(request.path) with Host \(host): no answer")
                #expect(reply.status == 421, "\(request.method) \(request.path) with Host \(host): \(reply.text)")
                #expect(reply.text.contains("Misdirected Request"))
                #expect(!reply.text.contains("rebind"), "the refusal does not repeat the name")
                #expect(reply.headers["Connection"] == "close")
            }
        }
        #expect(try await Self.snapshot(harness) == before)
        #expect(try await harness.control("GET", "faults")["faults"]?.arrayValue?.count == 1)
        #expect(try await harness.control("GET", "requests")["requests"] == [])
    }

    @Test("the same requests with Host 127.0.0.1:P and its Origin are served")
    func ownNameServed() async throws {
        let harness = try Harness()
        let port = harness.emulator.port
        let token = try harness.token(.allmine)
        let expected = [201, 200, 201, 201, 200, 200, 200, 200, 200, 200]
        for (request, status) in zip(Self.rebindingRequests(token: token), expected) {
            let reply = try #require(try Self.send(port, request.method, request.path, host: "127.0.0.1:\(port)",
                                                   token: request.token, body: request.body))
            #expect(reply.status == status, "\(request.method) \(request.path): \(reply.text)")
        }
        #expect(try await harness.control("GET", "users/rebound")["user"]?["username"] == "rebound")
        #expect(try await Self.clockOffset(harness) == 31_536_000)
        // The fault for /x is there; the back-end request is logged.
        #expect(try await harness.control("GET", "faults")["faults"]?.arrayValue?.count == 1)
        #expect(try await harness.requests().map { $0["path"] } == [.string(Self.deletion)])
    }

    @Test("localhost:P, [::1]:P and any case are accepted, by name, on a server that listens on 127.0.0.1")
    func otherOwnNames() async throws {
        let harness = try Harness()
        let port = harness.emulator.port
        for host in ["localhost:\(port)", "LocalHost:\(port)", "[::1]:\(port)", "127.0.0.1:\(port)"] {
            let read = try #require(try Self.send(port, "GET", "/__emulator/clock", host: host))
            #expect(read.status == 200, "Host \(host): \(read.text)")
            let write = try #require(try Self.send(port, "POST", "/__emulator/clock", host: host,
                                                   body: #"{"advanceSeconds": 1}"#))
            #expect(write.status == 200, "Host \(host): \(write.text)")
        }
        #expect(try await Self.clockOffset(harness) == 4)
    }

    @Test("a request without Host (HTTP/1.0) and one whose absolute target names another server are refused")
    func namelessAndAbsolute() async throws {
        let harness = try Harness()
        let port = harness.emulator.port
        let nameless = try HTTPRawConnection(port: port)
        try nameless.send("POST /__emulator/deletion-job HTTP/1.0\r\nContent-Type: application/json\r\nContent-Length: 0\r\n\r\n")
        #expect(nameless.readResponse()?.status == 400)
        let absolute = try HTTPRawConnection(port: port)
        try absolute.send("GET http://rebind.example:\(port)/__emulator/users HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n\r\n")
        #expect(absolute.readResponse()?.status == 421)
        let own = try HTTPRawConnection(port: port)
        try own.send("GET http://localhost:\(port)/__emulator/clock HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n\r\n")
        #expect(own.readResponse()?.status == 200)
        #expect(try await harness.requests() == [])
    }

    @Test("a control write that is not application/json is 415 and changes nothing; JSON with a charset is taken")
    func controlWritesAreJSON() async throws {
        let harness = try Harness()
        let port = harness.emulator.port
        let host = "127.0.0.1:\(port)"
        let before = try await Self.snapshot(harness)
        let writes: [(String, String, String)] = [
            ("POST", "/__emulator/clock", #"{"advanceSeconds": 86400}"#),
            ("POST", "/__emulator/users", #"{"backend": "allmine", "id": "plain"}"#),
            ("POST", "/__emulator/faults", #"{"method": "GET", "path": "/x", "mode": "serverError"}"#),
            ("POST", "/__emulator/deletion-job", ""),
            ("DELETE", "/__emulator/requests", ""),
        ]
        for (method, path, body) in writes {
            for type in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                         "application/jsonx", nil] as [String?] {
                let reply = try #require(try Self.send(port, method, path, host: host, contentType: type, body: body))
                #expect(reply.status == 415, "\(method) \(path) as \(type ?? "no type"): \(reply.text)")
            }
        }
        #expect(try await Self.snapshot(harness) == before)
        let charset = try #require(try Self.send(port, "POST", "/__emulator/clock", host: host,
                                                 contentType: "Application/JSON; charset=utf-8",
                                                 body: #"{"advanceSeconds": 60}"#))
        #expect(charset.status == 200, "\(charset.text)")
        // Reads need no type.
        #expect(try Self.send(port, "GET", "/__emulator/users", host: host, contentType: nil)?.status == 200)
        // The preflight a page of another origin would need to send the type is never granted.
        let preflight = try HTTPRawConnection(port: port)
        try preflight.send("OPTIONS /__emulator/clock HTTP/1.1\r\nHost: \(host)\r\nOrigin: http://evil.example\r\n"
                           + "Access-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: content-type\r\n\r\n")
        let answer = try #require(preflight.readResponse())
        #expect(!(200..<300).contains(answer.status))
        #expect(!answer.headers.contains { $0.name.lowercased().hasPrefix("access-control-") })
    }

    @Test("in memory there is no Host to check; the control API's writes are still JSON only")
    func inMemory() async throws {
        let harness = try Harness(listens: false)
        let url = EmulatorTransport.baseURL + "/__emulator/clock"
        let body = Array(#"{"advanceSeconds": 60}"#.utf8)
        let plain = try await harness.emulator.transport.send(
            TransportRequest(method: "POST", url: url, headers: [("Content-Type", "text/plain")], body: body))
        #expect(plain.status == 415)
        let json = try await harness.emulator.transport.send(
            TransportRequest(method: "POST", url: url, headers: [("Content-Type", "application/json")], body: body))
        #expect(json.status == 200)
        #expect(try await Self.clockOffset(harness) == 60)
    }

    @Test("the names a server answers to: loopback by name and port; beyond loopback, IP literals too")
    func names() {
        let loopback = HTTPHostCheck(host: "127.0.0.1", port: 8080, isLoopback: true)
        for accepted in ["127.0.0.1:8080", "localhost:8080", "LOCALHOST:8080", "[::1]:8080"] {
            #expect(loopback.accepts(accepted), "\(accepted)")
        }
        for refused in ["rebind.example:8080", "127.0.0.1", "127.0.0.1:80", "127.0.0.1:8081", "10.0.0.1:8080",
                        "[::1]", "::1:8080", "user@127.0.0.1:8080", "127.0.0.1:8080:8080", "127.0.0.1:", "127.0.0.1:+80",
                        "localhost.:8080", "127.1:8080", "", ":8080", "[::2]:8080"] {
            #expect(!loopback.accepts(refused), "\(refused)")
        }
        #expect(HTTPHostCheck(host: "127.0.0.2", port: 8080, isLoopback: true).accepts("127.0.0.2:8080"))
        #expect(HTTPHostCheck(host: "::1", port: 8080, isLoopback: true).accepts("[::1]:8080"))
        #expect(HTTPHostCheck(host: "localhost", port: 80, isLoopback: true).accepts("localhost"))
        let everywhere = HTTPHostCheck(host: "0.0.0.0", port: 8080, isLoopback: false)
        for accepted in ["192.168.1.5:8080", "[fe80::1]:8080", "localhost:8080", "0.0.0.0:8080"] {
            #expect(everywhere.accepts(accepted), "\(accepted)")
        }
        for refused in ["rebind.example:8080", "192.168.1.5:8081", "my-laptop.local:8080", "192.168.1.5"] {
            #expect(!everywhere.accepts(refused), "\(refused)")
        }
    }

    @Test("with the cap at 4, a 5th open connection gets 503 with Retry-After and is closed; once one closes, a new one is served")
    func connectionCap() throws {
        let (server, log) = try makeTestServer { $0.maxConnections = 4; $0.idleTimeout = 600; $0.requestTimeout = 600 }
        defer { server.stop() }
        var open: [HTTPRawConnection] = []
        for index in 0..<4 {
            let connection = try HTTPRawConnection(port: server.port)
            try connection.send(rawGet(server.port, "/\(index)"))
            #expect(connection.readResponse()?.status == 200)
            open.append(connection)
        }
        #expect(server.openConnectionCount == 4)

        let fifth = try HTTPRawConnection(port: server.port)
        let refused = try #require(fifth.readResponse())
        #expect(refused.status == 503)
        #expect(refused.headers["Retry-After"] == "1")
        #expect(refused.headers["Connection"] == "close")
        #expect(fifth.waitForClose())
        #expect(server.openConnectionCount == 4)

        open.removeFirst()
        #expect(server.waitUntilOpenConnections(atMost: 3, seconds: 20))
        let sixth = try HTTPRawConnection(port: server.port)
        try sixth.send(rawGet(server.port, "/sixth"))
        #expect(sixth.readResponse()?.text == "hello /sixth")
        // The kept ones still work; the refused one never reached the handler.
        try open[0].send(rawGet(server.port, "/again"))
        #expect(open[0].readResponse()?.status == 200)
        #expect(log.all.map(\.path) == ["/0", "/1", "/2", "/3", "/sixth", "/again"])
    }

    @Test("a cap that is not positive is refused")
    func capMustBePositive() {
        #expect(throws: HTTPServerError.self) { try makeTestServer { $0.maxConnections = 0 } }
    }
}
