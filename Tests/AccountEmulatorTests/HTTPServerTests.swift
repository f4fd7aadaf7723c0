@testable import AccountEmulator
import Dispatch
import FoundationEssentials
import POSIXThread
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Requests a test handler saw, in the order it saw them.
final class HTTPRequestLog: Sendable {
    private let requests = LockedValue<[HTTPRequest]>([])

    func append(_ request: HTTPRequest) { requests.withLock { $0.append(request) } }

    var all: [HTTPRequest] { requests.withLock { $0 } }
}

/// A test server: small limits and short timeouts, so that misbehaving
/// clients are dealt with within the test's time.
func makeTestServer(_ configure: (inout HTTPServer.Configuration) -> Void = { _ in },
                    handler: HTTPHandler? = nil) throws -> (HTTPServer, HTTPRequestLog) {
    var configuration = HTTPServer.Configuration()
    configuration.maxHeaderBytes = 1024
    configuration.maxBodyBytes = 16 * 1024
    configuration.requestTimeout = 0.5
    configuration.idleTimeout = 2
    configure(&configuration)
    let log = HTTPRequestLog()
    let server = try HTTPServer(configuration: configuration, handler: handler ?? testHandler(log: log))
    return (server, log)
}

/// Routes of the test handler:
/// - `/slow?ms=N`: sleeps N ms, then answers "slow done";
/// - `/drop`: drops the connection;
/// - `/nocontent`: 204;
/// - `/raw`: 200 without Content-Type;
/// - `/forged`: sets a wrong Content-Length and `Transfer-Encoding`;
/// - `/invalid-header`: a header value with CRLF in it;
/// - `/close`: asks for the connection to close;
/// - anything else: echoes the body of a request that has one, otherwise
///   "hello <path>"; always with the connection ID, method and query in headers.
func testHandler(log: HTTPRequestLog) -> HTTPHandler {
    { request in
        log.append(request)
        var headers: HTTPHeaders = ["Content-Type": "text/plain",
                                    "X-Connection-ID": String(request.connectionID),
                                    "X-Method": request.method]
        if let query = request.query { headers.add("X-Query", query) }
        switch request.path {
        case "/slow":
            let milliseconds = request.query.flatMap { Int($0.dropFirst("ms=".count)) } ?? 300
            usleep(UInt32(milliseconds * 1000))
            return .response(HTTPResponse(status: 200, headers: headers, body: Array("slow done".utf8)))
        case "/drop":
            return .dropConnection
        case "/nocontent":
            return .response(HTTPResponse(status: 204, headers: headers, body: Array("ignored".utf8)))
        case "/raw":
            return .response(HTTPResponse(status: 200, body: Array("raw".utf8)))
        case "/forged":
            headers.add("Content-Length", "999")
            headers.add("Transfer-Encoding", "chunked")
            return .response(HTTPResponse(status: 200, headers: headers, body: Array("forged".utf8)))
        case "/invalid-header":
            headers.add("X-Evil", "a\r\nContent-Length: 0")
            return .response(HTTPResponse(status: 200, headers: headers, body: Array("evil".utf8)))
        case "/close":
            headers.add("Connection", "close")
            return .response(HTTPResponse(status: 200, headers: headers, body: Array("bye".utf8)))
        default:
            let body = request.body.isEmpty ? Array("hello \(request.path)".utf8) : request.body
            return .response(HTTPResponse(status: 200, headers: headers, body: body))
        }
    }
}

/// A GET of `path` as raw bytes, with the Host the server on `port`
/// answers to (it refuses any other).
func rawGet(_ port: UInt16, _ path: String, version: String = "HTTP/1.1", extra: String = "") -> String {
    "GET \(path) \(version)\r\nHost: 127.0.0.1:\(port)\r\n\(extra)\r\n"
}

@Suite("HTTP server")
struct HTTPServerTests {
    // MARK: Round trips with curl

    @Test("curl: a GET and a POST round trip, with headers case-insensitive and a body curl sends after 100 Continue")
    func curlRoundTrip() async throws {
        let (server, log) = try makeTestServer()
        defer { server.stop() }
        let base = "http://127.0.0.1:\(server.port)"

        let get = try await HTTPTestProcess.curl(["-i", "-H", "x-CUSTOM-thing: Yes", base + "/api/v1/users/me?x=1&y=2"])
        #expect(get.exitCode == 0, "\(get.stderr)")
        #expect(get.stdout.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(get.stdout.hasSuffix("\r\n\r\nhello /api/v1/users/me"))
        #expect(get.stdout.contains("Content-Length: 22\r\n"))
        #expect(get.stdout.contains("Connection: keep-alive\r\n"))
        #expect(get.stdout.contains("X-Query: x=1&y=2\r\n"))
        let request = try #require(log.all.first)
        #expect(request.method == "GET")
        #expect(request.target == "/api/v1/users/me?x=1&y=2")
        #expect(request.path == "/api/v1/users/me")
        #expect(request.query == "x=1&y=2")
        #expect(request.version == "HTTP/1.1")
        #expect(request.headers["X-Custom-Thing"] == "Yes")
        #expect(request.headers["x-custom-thing"] == "Yes")
        #expect(request.connectionID > 0)

        // Asked to, curl waits for 100 Continue (up to 1 s) before the body.
        let payload = (0..<10_000).map { String($0 % 10) }.joined()
        let post = try await HTTPTestProcess.curl(["-v", "-X", "POST", "--data-binary", payload, "-H", "Expect: 100-continue",
                                             "-H", "Content-Type: application/json", base + "/echo"])
        #expect(post.exitCode == 0, "\(post.stderr)")
        #expect(post.stdout == payload)
        #expect(post.stderr.contains("HTTP/1.1 100 Continue"))
        let posted = try #require(log.all.last)
        #expect(posted.method == "POST")
        #expect(posted.body == Array(payload.utf8))
        #expect(posted.headers["content-type"] == "application/json")
    }

    @Test("methods PUT, PATCH, DELETE, OPTIONS and HEAD all reach the handler")
    func methods() async throws {
        let (server, log) = try makeTestServer()
        defer { server.stop() }
        let url = "http://127.0.0.1:\(server.port)/thing"
        for method in ["PUT", "PATCH", "DELETE", "OPTIONS"] {
            let result = try await HTTPTestProcess.curl(["-X", method, "--data-binary", "{}", url])
            #expect(result.exitCode == 0, "\(result.stderr)")
        }
        let head = try await HTTPTestProcess.curl(["-I", url])
        #expect(head.exitCode == 0, "\(head.stderr)")
        #expect(head.stdout.contains("Content-Length: 12\r\n"))
        #expect(log.all.map(\.method) == ["PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"])
        #expect(log.all.dropLast().allSatisfy { $0.body == Array("{}".utf8) })
    }

    @Test("curl with two URLs and --next reuses one connection")
    func curlReusesConnection() async throws {
        let (server, log) = try makeTestServer()
        defer { server.stop() }
        let base = "http://127.0.0.1:\(server.port)"
        let result = try await HTTPTestProcess.curl([base + "/one", base + "/two", "--next", "--data-binary", "three",
                                               base + "/three"])
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stdout == "hello /onehello /twothree")
        let requests = log.all
        #expect(requests.map(\.path) == ["/one", "/two", "/three"])
        #expect(Set(requests.map(\.connectionID)).count == 1)
    }

    // MARK: Connections

    @Test("keep-alive: three requests on one socket carry one connection ID; another socket gets another")
    func keepAlive() throws {
        let (server, log) = try makeTestServer()
        defer { server.stop() }
        let connection = try HTTPRawConnection(port: server.port)
        var ids: [String] = []
        for index in 1...3 {
            try connection.send(rawGet(server.port, "/\(index)"))
            let response = try #require(connection.readResponse())
            #expect(response.status == 200)
            #expect(response.text == "hello /\(index)")
            #expect(response.headers["Connection"] == "keep-alive")
            #expect(response.headers["Content-Length"] == String(response.body.count))
            ids.append(response.headers["X-Connection-ID"] ?? "")
        }
        #expect(Set(ids).count == 1)
        #expect(Set(log.all.map(\.connectionID)).count == 1)

        let other = try HTTPRawConnection(port: server.port)
        try other.send(rawGet(server.port, "/other"))
        let response = try #require(other.readResponse())
        #expect(response.headers["X-Connection-ID"] != ids.first)
    }

    @Test("Connection: close from the client, or from the handler, closes after the response")
    func connectionClose() throws {
        let (server, _) = try makeTestServer()
        defer { server.stop() }
        let client = try HTTPRawConnection(port: server.port)
        try client.send(rawGet(server.port, "/", extra: "Connection: close\r\n"))
        #expect(client.readResponse()?.headers["Connection"] == "close")
        #expect(client.waitForClose())

        let handler = try HTTPRawConnection(port: server.port)
        try handler.send(rawGet(server.port, "/close"))
        let response = try #require(handler.readResponse())
        #expect(response.text == "bye")
        #expect(response.headers.values("Connection") == ["close"])
        #expect(handler.waitForClose())
    }

    @Test("HTTP/1.0 closes unless it asks for keep-alive; without Host it is refused by the server, not the parser")
    func http10() throws {
        let (server, log) = try makeTestServer()
        defer { server.stop() }
        let plain = try HTTPRawConnection(port: server.port)
        try plain.send("GET /old HTTP/1.0\r\nHost: localhost:\(server.port)\r\n\r\n")
        let response = try #require(plain.readResponse())
        #expect(response.status == 200)
        #expect(response.headers["Connection"] == "close")
        #expect(plain.waitForClose())

        let nameless = try HTTPRawConnection(port: server.port)
        try nameless.send("GET /nameless HTTP/1.0\r\n\r\n")
        #expect(nameless.readResponse()?.status == 400)
        #expect(nameless.waitForClose())
        #expect(log.all.map(\.path) == ["/old"])

        let kept = try HTTPRawConnection(port: server.port)
        for _ in 0..<2 {
            try kept.send("GET /old HTTP/1.0\r\nHost: localhost:\(server.port)\r\nConnection: Keep-Alive\r\n\r\n")
            #expect(kept.readResponse()?.headers["Connection"] == "keep-alive")
        }
    }

    @Test("pipelined requests sent in one write are answered in order")
    func pipelining() throws {
        let (server, log) = try makeTestServer()
        defer { server.stop() }
        let connection = try HTTPRawConnection(port: server.port)
        // The slow first request makes the others wait in the buffer.
        try connection.send(rawGet(server.port, "/slow?ms=100") + rawGet(server.port, "/b")
                            + "POST /c HTTP/1.1\r\nHost: 127.0.0.1:\(server.port)\r\nContent-Length: 4\r\n\r\nbody"
                            + "HEAD /d HTTP/1.1\r\nHost: 127.0.0.1:\(server.port)\r\n\r\n" + rawGet(server.port, "/e"))
        let texts = (0..<3).map { _ in connection.readResponse()?.text }
        #expect(texts == ["slow done", "hello /b", "body"])
        // HEAD announces the length but sends no body, or /e would not parse.
        let head = try #require(connection.readResponse(isHeadRequest: true))
        #expect(head.headers["Content-Length"] == "8")
        #expect(connection.readResponse()?.text == "hello /e")
        #expect(connection.unreadBytes.isEmpty)
        #expect(log.all.map(\.path) == ["/slow", "/b", "/c", "/d", "/e"])
        #expect(Set(log.all.map(\.connectionID)).count == 1)
    }

    @Test("100 connections at once are all answered, each on its own thread")
    func hundredConcurrentConnections() throws {
        let gauge = LockedValue((current: 0, peak: 0))
        let handler: HTTPHandler = { request in
            gauge.withLock { $0.current += 1; $0.peak = max($0.peak, $0.current) }
            // Hold every request until all 100 are in handlers at once (or
            // give up after 10 s): served one at a time, the peak stays 1.
            let deadline = ContinuousClock.now + .seconds(10)
            while gauge.withLock({ $0.peak }) < 100, ContinuousClock.now < deadline { usleep(2_000) }
            gauge.withLock { $0.current -= 1 }
            return .response(HTTPResponse(status: 200, body: Array(request.path.utf8)))
        }
        let (server, _) = try makeTestServer({ $0.requestTimeout = 15; $0.idleTimeout = 15 }, handler: handler)
        defer { server.stop() }
        let connections = try (0..<100).map { _ in try HTTPRawConnection(port: server.port) }
        for (index, connection) in connections.enumerated() {
            try connection.send(rawGet(server.port, "/\(index)"))
        }
        for (index, connection) in connections.enumerated() {
            let response = connection.readResponse(timeout: 20)
            #expect(response?.status == 200)
            #expect(response?.text == "/\(index)")
        }
        #expect(gauge.withLock { $0.peak } == 100)
    }

    // MARK: Bad clients

    /// A request that goes wrong, sent in two parts around a good request on
    /// another connection.
    struct BadRequest: Sendable, CustomTestStringConvertible {
        let name: String
        let first: [UInt8]
        let rest: [UInt8]
        let status: Int

        var testDescription: String { name }

        static let all: [BadRequest] = [
            BadRequest(name: "header section over maxHeaderBytes (431)",
                       first: Array("GET / HTTP/1.1\r\nHost: test\r\n".utf8),
                       rest: Array(("X-Big: " + String(repeating: "a", count: 2_000) + "\r\n\r\n").utf8), status: 431),
            BadRequest(name: "body over maxBodyBytes (413)",
                       first: Array("POST /echo HTTP/1.1\r\nHost: test\r\n".utf8),
                       rest: Array("Content-Length: 40000\r\n\r\n".utf8) + [UInt8](repeating: 0x61, count: 40_000),
                       status: 413),
            BadRequest(name: "chunked body (411)",
                       first: Array("POST /echo HTTP/1.1\r\nHost: test\r\n".utf8),
                       rest: Array("Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n".utf8), status: 411),
            BadRequest(name: "conflicting Content-Length (400)",
                       first: Array("POST /echo HTTP/1.1\r\nHost: test\r\n".utf8),
                       rest: Array("Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd".utf8), status: 400),
            BadRequest(name: "garbage header bytes (400)",
                       first: Array("GET / HTTP/1.1\r\n".utf8),
                       rest: [0x00, 0xFF, 0x13, 0x37, 0x0D, 0x0A, 0x0D, 0x0A], status: 400),
            BadRequest(name: "garbage from the first byte, a TLS hello (400)",
                       first: [0x16, 0x03], rest: [0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xFC, 0x03, 0x03], status: 400),
            BadRequest(name: "half-sent request (408, then closed)",
                       first: Array("GET / HTTP/1.1\r\nHost: test\r\n".utf8), rest: [], status: 408),
        ]
    }

    @Test("a bad request is answered and closed, while a good one on another connection succeeds",
          arguments: BadRequest.all)
    func badRequestIsolated(_ bad: BadRequest) async throws {
        // The bad request waits for a curl process to end before its rest is
        // sent: only the half-sent one may time out, however slow curl is
        // (600 s: a machine loaded many times over once took over 30).
        let (server, log) = try makeTestServer { $0.requestTimeout = bad.status == 408 ? 0.5 : 600 }
        defer { server.stop() }
        let url = "http://127.0.0.1:\(server.port)/good"
        let connection = try HTTPRawConnection(port: server.port)
        try connection.send(bad.first)

        let during = try await HTTPTestProcess.curl([url])
        #expect(during.exitCode == 0, "\(during.stderr)")
        #expect(during.stdout == "hello /good")

        if !bad.rest.isEmpty { try connection.send(bad.rest) }
        let response = connection.readResponse()
        #expect(response?.status == bad.status)
        #expect(response?.headers["Connection"] == "close")
        #expect(connection.waitForClose())

        let after = try await HTTPTestProcess.curl([url])
        #expect(after.stdout == "hello /good")
        #expect(log.all.map(\.path) == ["/good", "/good"])
    }

    @Test("a client trickling bytes is cut off after requestTimeout, however often it sends")
    func slowClient() throws {
        let (server, log) = try makeTestServer { $0.requestTimeout = 0.3 }
        defer { server.stop() }
        let connection = try HTTPRawConnection(port: server.port)
        let request = Array((rawGet(server.port, "/", extra: "X-Filler: " + String(repeating: "z", count: 200) + "\r\n")).utf8)
        var response: HTTPWireResponse?
        // One byte per 20 ms: the whole request would take 5 s.
        for byte in request {
            guard (try? connection.send([byte])) != nil else { break }
            response = connection.readResponse(timeout: 0.02)
            if response != nil { break }
        }
        if response == nil { response = connection.readResponse() }
        #expect(response?.status == 408)
        #expect(connection.waitForClose())
        #expect(log.all.isEmpty)
    }

    @Test("an idle kept-alive connection is closed after idleTimeout")
    func idleTimeout() throws {
        let (server, _) = try makeTestServer { $0.idleTimeout = 0.3 }
        defer { server.stop() }
        let connection = try HTTPRawConnection(port: server.port)
        try connection.send(rawGet(server.port, "/"))
        #expect(connection.readResponse()?.headers["Connection"] == "keep-alive")
        #expect(connection.waitForClose())
        // Closed without a word: an unasked 408 could be taken for the
        // answer to a request the client is sending just then.
        #expect(connection.unreadBytes.isEmpty)
    }

    // MARK: Responses

    @Test("the server sets Content-Length and Connection itself; Content-Type only when the handler did")
    func responseFraming() throws {
        let (server, _) = try makeTestServer()
        defer { server.stop() }
        let connection = try HTTPRawConnection(port: server.port)
        try connection.send(rawGet(server.port, "/raw") + rawGet(server.port, "/forged") + rawGet(server.port, "/nocontent") + rawGet(server.port, "/invalid-header"))

        let raw = try #require(connection.readResponse())
        #expect(raw.headers["Content-Type"] == nil)
        #expect(raw.headers["Content-Length"] == "3")

        let forged = try #require(connection.readResponse())
        #expect(forged.text == "forged")
        #expect(forged.headers.values("Content-Length") == ["6"])
        #expect(forged.headers["Transfer-Encoding"] == nil)
        #expect(forged.headers["Content-Type"] == "text/plain")

        // 204 has no body and no Content-Length (RFC 9110 §8.6).
        let noContent = try #require(connection.readResponse())
        #expect(noContent.status == 204)
        #expect(noContent.headers["Content-Length"] == nil)
        #expect(noContent.headers["Connection"] == "keep-alive")

        let invalid = try #require(connection.readResponse())
        #expect(invalid.status == 500)
        #expect(invalid.headers["X-Evil"] == nil)
        #expect(connection.unreadBytes.isEmpty)
    }

    @Test("a dropped connection is closed without a byte")
    func dropConnection() async throws {
        let (server, _) = try makeTestServer()
        defer { server.stop() }
        let connection = try HTTPRawConnection(port: server.port)
        try connection.send(rawGet(server.port, "/drop"))
        #expect(connection.waitForClose())
        #expect(connection.unreadBytes.isEmpty)
        let curl = try await HTTPTestProcess.curl(["http://127.0.0.1:\(server.port)/drop"])
        #expect(curl.exitCode == 52) // "Empty reply from server"
    }

    @Test("status lines carry the reason phrases of the common statuses")
    func reasonPhrases() {
        let expected = [200: "OK", 201: "Created", 204: "No Content", 400: "Bad Request", 401: "Unauthorized",
                        403: "Forbidden", 404: "Not Found", 408: "Request Timeout", 409: "Conflict",
                        411: "Length Required", 413: "Content Too Large", 422: "Unprocessable Content",
                        429: "Too Many Requests", 431: "Request Header Fields Too Large",
                        500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"]
        for (status, phrase) in expected {
            let bytes = HTTPResponseEncoder.encode(HTTPResponse(status: status), keepAlive: true, isHeadRequest: false)
            #expect(String(decoding: bytes, as: UTF8.self).hasPrefix("HTTP/1.1 \(status) \(phrase)\r\n"))
        }
    }

    // MARK: Binding

    @Test("a non-loopback host is refused unless allowed; names other than localhost are refused")
    func loopbackOnly() throws {
        for host in ["0.0.0.0", "10.1.2.3", "::", "192.168.0.1"] {
            let error = #expect(throws: HTTPServerError.self) {
                _ = try HTTPServer(configuration: Self.configuration(host: host)) { _ in .dropConnection }
            }
            #expect(error?.reason == .nonLoopbackAddress, "\(host)")
        }
        let error = #expect(throws: HTTPServerError.self) {
            _ = try HTTPServer(configuration: Self.configuration(host: "example.com")) { _ in .dropConnection }
        }
        #expect(error?.reason == .invalidAddress)

        var open = Self.configuration(host: "0.0.0.0")
        open.allowNonLoopback = true
        let server = try HTTPServer(configuration: open) { _ in .response(HTTPResponse(status: 200)) }
        defer { server.stop() }
        let connection = try HTTPRawConnection(port: server.port)
        try connection.send(rawGet(server.port, "/"))
        #expect(connection.readResponse()?.status == 200)
    }

    @Test("localhost, 127.0.0.1 and ::1 serve; port 0 reports the real port")
    func loopbackAddresses() async throws {
        for (host, url) in [("localhost", "http://127.0.0.1"), ("127.0.0.1", "http://127.0.0.1"),
                            ("::1", "http://[::1]")] {
            let (server, log) = try makeTestServer { $0.host = host }
            defer { server.stop() }
            #expect(server.port != 0)
            let result = try await HTTPTestProcess.curl(["-g", "\(url):\(server.port)/here"])
            #expect(result.stdout == "hello /here", "\(host): \(result.stderr)")
            #expect(log.all.count == 1)
        }
    }

    @Test("a port in use, and an invalid configuration, throw with the reason")
    func bindFailures() throws {
        let (first, _) = try makeTestServer()
        defer { first.stop() }
        let inUse = #expect(throws: HTTPServerError.self) {
            _ = try makeTestServer { $0.port = first.port }
        }
        #expect(inUse?.reason == .systemCall)
        #expect(inUse?.operation == "bind")
        #expect(inUse?.errno == EADDRINUSE)
        #expect(inUse?.description.contains("bind 127.0.0.1:\(first.port)") == true)

        for configure in [{ (c: inout HTTPServer.Configuration) in c.requestTimeout = 0 },
                          { $0.idleTimeout = .nan }, { $0.maxHeaderBytes = 0 }, { $0.maxBodyBytes = -1 }] {
            let invalid = #expect(throws: HTTPServerError.self) { _ = try makeTestServer(configure) }
            #expect(invalid?.reason == .invalidConfiguration)
        }
    }

    // MARK: Stopping

    @Test("stop: a request in its handler is answered, idle connections close, then connecting fails")
    func gracefulStop() throws {
        let started = DispatchSemaphore(value: 0)
        let log = HTTPRequestLog()
        let inner = testHandler(log: log)
        let (server, _) = try makeTestServer(handler: { request in
            if request.path == "/slow" { started.signal() }
            return inner(request)
        })
        let idle = try HTTPRawConnection(port: server.port)
        try idle.send(rawGet(server.port, "/"))
        #expect(idle.readResponse()?.status == 200)

        let slow = try HTTPRawConnection(port: server.port)
        try slow.send(rawGet(server.port, "/slow?ms=300"))
        #expect(started.wait(timeout: .now() + 5) == .success)
        server.stop()

        let response = slow.readResponse()
        #expect(response?.status == 200)
        #expect(response?.text == "slow done")
        #expect(response?.headers["Connection"] == "close")
        #expect(slow.waitForClose())
        #expect(idle.waitForClose())
        #expect(server.openConnectionCount == 0)
        let refused = #expect(throws: HTTPTestFailure.self) { _ = try HTTPRawConnection(port: server.port) }
        #expect(refused?.code == ECONNREFUSED)
        server.stop()
    }

    @Test("stop: a request partly received when stop begins is answered once it is whole")
    func stopWhileReceiving() throws {
        let (server, log) = try makeTestServer { $0.requestTimeout = 5 }
        let connection = try HTTPRawConnection(port: server.port)
        try connection.send("POST /echo HTTP/1.1\r\nHost: 127.0.0.1:\(server.port)\r\nContent-Length: 4\r\n\r\nab")
        // Wait until the server has read the first part, or stop could see
        // an idle connection and close it.
        usleep(100_000)
        let stopped = DispatchSemaphore(value: 0)
        // A thread of its own: stop() blocks until the request is answered.
        #expect(DetachedThread.detach {
            server.stop()
            stopped.signal()
        })
        usleep(100_000)
        try connection.send("cd")
        let response = connection.readResponse()
        #expect(response?.text == "abcd")
        #expect(response?.headers["Connection"] == "close")
        #expect(stopped.wait(timeout: .now() + 5) == .success)
        #expect(log.all.count == 1)
    }

    @Test("stop called by a handler (a shutdown endpoint) answers that request and stops without deadlock")
    func stopFromHandler() throws {
        // Set after the server exists, cleared at the end to break the cycle.
        let holder = LockedValue<HTTPServer?>(nil)
        let (server, _) = try makeTestServer(handler: { request in
            if request.path == "/shutdown" { holder.withLock { $0 }?.stop() }
            return .response(HTTPResponse(status: 200, body: Array("bye".utf8)))
        })
        holder.withLock { $0 = server }
        defer { holder.withLock { $0 = nil } }
        let connection = try HTTPRawConnection(port: server.port)
        try connection.send(rawGet(server.port, "/shutdown"))
        let response = connection.readResponse()
        #expect(response?.text == "bye")
        #expect(response?.headers["Connection"] == "close")
        #expect(connection.waitForClose())
        server.stop()
        #expect(server.openConnectionCount == 0)
        #expect(throws: HTTPTestFailure.self) { _ = try HTTPRawConnection(port: server.port) }
    }

    @Test("dropping the last reference stops the server")
    func deinitStops() throws {
        // An idle timeout longer than the wait below: only stopping closes.
        var server: HTTPServer? = try makeTestServer { $0.idleTimeout = 30 }.0
        let port = try #require(server?.port)
        let connection = try HTTPRawConnection(port: port)
        try connection.send(rawGet(port, "/"))
        #expect(connection.readResponse()?.status == 200)
        server = nil
        #expect(connection.waitForClose(timeout: 10))
        let refused = #expect(throws: HTTPTestFailure.self) { _ = try HTTPRawConnection(port: port) }
        #expect(refused?.code == ECONNREFUSED)
    }

    private static func configuration(host: String) -> HTTPServer.Configuration {
        var configuration = HTTPServer.Configuration()
        configuration.host = host
        return configuration
    }
}

extension HTTPServerTests {
    /// The parser alone: a pure function of bytes.
    @Suite("HTTP request parser")
    struct Parsing {
        let limits = HTTPRequestParser.Limits(maxHeaderBytes: 256, maxBodyBytes: 64)

        func parse(_ text: String) -> HTTPRequestParser.Outcome {
            HTTPRequestParser.parse(Array(text.utf8)[...], limits: limits)
        }

        @Test("a whole request: method, target split, headers in order, body, bytes consumed")
        func wholeRequest() throws {
            let text = "\r\nPATCH /a/b?c=d&e HTTP/1.1\r\nHost: x\r\nX-One:  1 \r\nx-one: 2\r\nContent-Length: 3\r\n\r\nabc"
            guard case .request(let request, let consumed) = parse(text + "GET") else {
                Issue.record("not parsed")
                return
            }
            #expect(consumed == text.utf8.count)
            #expect(request.method == "PATCH")
            #expect(request.path == "/a/b")
            #expect(request.query == "c=d&e")
            #expect(request.headers.values("X-ONE") == ["1", "2"])
            #expect(Array(request.headers).map(\.name) == ["Host", "X-One", "x-one", "Content-Length"])
            #expect(request.body == Array("abc".utf8))
            #expect(request.connectionID == 0)
        }

        @Test("every proper prefix of a valid request is incomplete, never a failure")
        func prefixes() {
            let bytes = Array("POST /p?q HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello".utf8)
            for end in 0..<bytes.count {
                #expect(HTTPRequestParser.parse(bytes[..<end], limits: limits) == .incomplete, "prefix \(end)")
            }
            #expect(HTTPRequestParser.parse(bytes[...], limits: limits) != .incomplete)
        }

        @Test("a slice that does not start at index 0 parses the same")
        func offsetSlice() {
            let first = "GET /1 HTTP/1.1\r\nHost: h\r\n\r\n"
            let bytes = Array((first + "POST /2 HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nokGET").utf8)
            guard case .request(let request, let consumed) =
                    HTTPRequestParser.parse(bytes[first.utf8.count...], limits: limits) else {
                Issue.record("not parsed")
                return
            }
            #expect(request.path == "/2")
            #expect(request.body == Array("ok".utf8))
            #expect(consumed == bytes.count - first.utf8.count - 3)
        }

        @Test("invalid requests fail with the status to answer", arguments: [
            ("\u{01}\u{02}", 400),                                           // garbage, no line end needed
            ("GET /\r\n\r\n", 400),                                           // HTTP/0.9
            ("GET  / HTTP/1.1\r\n", 400),
            ("GET / HTTP/1.1\nHost: h\n\n", 400),                            // bare LF
            ("GET / HTTP/1.1\r\nHost: h\r\r\n\r\n", 400),                    // stray CR
            ("GET / HTTP/2.0\r\nHost: h\r\n\r\n", 505),
            ("GET / HTTP/1.1 \r\n", 400),
            ("GET / http/1.1\r\n", 400),
            ("GET / HTTP/1.1\r\nHost : h\r\n\r\n", 400),                     // space before colon
            ("GET / HTTP/1.1\r\nHost: h\r\nNoColon\r\n\r\n", 400),
            ("GET / HTTP/1.1\r\nHost: h\r\n: empty\r\n\r\n", 400),
            ("GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n folded\r\n\r\n", 400),
            ("GET / HTTP/1.1\r\nHost: h\r\nX: a\u{0}b\r\n\r\n", 400),
            ("GET / HTTP/1.1\r\n\r\n", 400),                                  // no Host
            ("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
            ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n", 411),
            ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\nContent-Length: 1\r\n\r\n", 411),
            ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: abc\r\n\r\n", 400),
            ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n", 400),
            ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: +1\r\n\r\n", 400),
            ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length:\r\n\r\n", 400),
            ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1 2\r\n\r\n", 400),
            ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 400),
            ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1, 2\r\n\r\n", 400),
            ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 65\r\n\r\n", 413),
            ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999999999999\r\n\r\n", 413),
            ("GET / HTTP/1.1\r\nHost: h\r\nX: " + String(repeating: "a", count: 300) + "\r\n\r\n", 431),
            ("GET / HTTP/1.1\r\nHost: h\r\nX: " + String(repeating: "a", count: 300), 431),  // no end in sight
            (String(repeating: "\r\n", count: 200), 431),
        ])
        func failures(_ text: String, _ status: Int) {
            #expect(parse(text) == .failure(status: status), "\(text.debugDescription)")
        }

        @Test("what is accepted: repeated equal Content-Length, HTTP/1.0 without Host, absolute and asterisk targets")
        func accepted() throws {
            guard case .request(let repeated, _) =
                    parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\nContent-Length: 02, 2\r\n\r\nok") else {
                Issue.record("repeated Content-Length refused")
                return
            }
            #expect(repeated.body == Array("ok".utf8))

            guard case .request(let old, _) = parse("GET /x HTTP/1.0\r\n\r\n") else {
                Issue.record("HTTP/1.0 refused")
                return
            }
            #expect(old.version == "HTTP/1.0")
            #expect(!old.wantsKeepAlive)

            guard case .request(let absolute, _) = parse("GET http://h:1/p/q?r HTTP/1.1\r\nHost: h\r\n\r\n") else {
                Issue.record("absolute form refused")
                return
            }
            #expect(absolute.path == "/p/q")
            #expect(absolute.query == "r")
            #expect(HTTPRequest.split(target: "http://h").path == "/")
            #expect(HTTPRequest.split(target: "http://h?q").query == "q")
            #expect(HTTPRequest.split(target: "*").path == "*")

            let headerLimit = HTTPRequestParser.Limits(maxHeaderBytes: 29, maxBodyBytes: 0)
            let exact = Array("GET / HTTP/1.1\r\nHost: h\r\n\r\n".utf8)
            #expect(exact.count == 27)
            #expect(HTTPRequestParser.parse(exact[...], limits: headerLimit) != .failure(status: 431))
            #expect(HTTPRequestParser.parse(exact[...],
                                            limits: .init(maxHeaderBytes: 26, maxBodyBytes: 0)) == .failure(status: 431))
        }

        @Test("keep-alive follows the version and the Connection header")
        func keepAliveRules() {
            func request(_ version: String, _ connection: String?) -> HTTPRequest {
                var headers: HTTPHeaders = ["Host": "h"]
                if let connection { headers.add("Connection", connection) }
                return HTTPRequest(method: "GET", target: "/", version: version, headers: headers)
            }
            #expect(request("HTTP/1.1", nil).wantsKeepAlive)
            #expect(!request("HTTP/1.1", "Close").wantsKeepAlive)
            #expect(!request("HTTP/1.1", "keep-alive, close").wantsKeepAlive)
            #expect(!request("HTTP/1.0", nil).wantsKeepAlive)
            #expect(request("HTTP/1.0", "Keep-Alive").wantsKeepAlive)
        }

        @Test("headers: case-insensitive lookup, set replaces every field of a name, add keeps order")
        func headers() {
            var headers = HTTPHeaders([("Accept", "a"), ("X-Id", "1"), ("accept", "b")])
            #expect(headers["ACCEPT"] == "a")
            #expect(headers["missing"] == nil)
            headers.set("aCCept", "c")
            #expect(Array(headers).map { "\($0.name)=\($0.value)" } == ["aCCept=c", "X-Id=1"])
            headers.add("X-Id", "2")
            #expect(headers.values("x-id") == ["1", "2"])
            headers.set("New", "n")
            #expect(headers.count == 4)
            #expect(headers == HTTPHeaders([("aCCept", "c"), ("X-Id", "1"), ("X-Id", "2"), ("New", "n")]))
        }

        @Test("no bytes make the parser trap; a request it returns consumed between 1 and all bytes")
        func fuzz() {
            var random = SeededGenerator(seed: 0x5EED)
            let seeds = [
                "GET / HTTP/1.1\r\nHost: h\r\n\r\n",
                "POST /a?b HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\nbody",
                "PUT /x HTTP/1.0\r\nContent-Length: 18446744073709551616\r\n\r\n",
            ].map { Array($0.utf8) }
            let alphabet = Array("GET POST/ HTTP/1.01\r\n:Host: Content-Length 0123456789,Transfer-Encoding\t".utf8)
                + [0x00, 0x7F, 0x80, 0xFF]
            let limitsToTry = [limits, .init(maxHeaderBytes: 1, maxBodyBytes: 0),
                               .init(maxHeaderBytes: Int.max, maxBodyBytes: Int.max)]
            for round in 0..<30_000 {
                var bytes: [UInt8]
                if round % 2 == 0 {
                    bytes = seeds[Int(random.next() % UInt64(seeds.count))]
                    for _ in 0..<(1 + random.next() % 4) {
                        let position = Int(random.next() % UInt64(bytes.count + 1))
                        let byte = random.next() % 3 == 0 ? UInt8(truncatingIfNeeded: random.next())
                            : alphabet[Int(random.next() % UInt64(alphabet.count))]
                        switch random.next() % 3 {
                        case 0: bytes.insert(byte, at: position)
                        case 1 where position < bytes.count: bytes.remove(at: position)
                        default: if position < bytes.count { bytes[position] = byte }
                        }
                    }
                } else {
                    bytes = (0..<(random.next() % 120)).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }
                }
                let limits = limitsToTry[round % limitsToTry.count]
                if case .request(_, let consumed) = HTTPRequestParser.parse(bytes[...], limits: limits) {
                    #expect((1...bytes.count).contains(consumed))
                }
            }
        }
    }
}
