import AccountCore
import AccountEmulator
import Testing
import TestSupport

@Suite("Transports: round trips")
struct TransportRoundTripTests {
    /// Every byte value, NUL and CR/LF included: a body is sent as is.
    let binaryBody: [UInt8] = (0..<1024).map { UInt8($0 % 256) }

    @Test("GET sends no body and reads the status, headers and body", arguments: TransportKind.underTest)
    func get(_ kind: TransportKind) async throws {
        let test = try TestHTTPServer()
        defer { test.stop() }
        let response = try await kind.make().send(TransportRequest(
            method: "GET", url: test.base + "/users/me?x=1",
            headers: [(name: "Authorization", value: "Bearer t0k3n"), (name: "X-Echo", value: "héllo wörld")]))
        #expect(response.status == 200)
        #expect(response.body == Array("hello /users/me".utf8))
        #expect(response.header("x-method") == "GET")
        #expect(response.header("X-ECHOED") == "héllo wörld")
        #expect(response.header("Content-Length") == "15")
        #expect(response.header("X-Absent") == nil)
        let request = try #require(test.log.all.first)
        #expect(request.method == "GET")
        #expect(request.target == "/users/me?x=1")
        #expect(request.body.isEmpty)
        #expect(!request.headers.contains("Content-Length"))
        #expect(!request.headers.contains("Content-Type"))
        #expect(!request.headers.contains("Expect"))
        #expect(request.headers["authorization"] == "Bearer t0k3n")
    }

    @Test("POST, PATCH, DELETE and PUT send their exact body bytes with Content-Length",
          arguments: TransportKind.underTest, ["POST", "PATCH", "DELETE", "PUT"])
    func bodies(_ kind: TransportKind, method: String) async throws {
        let test = try TestHTTPServer()
        defer { test.stop() }
        let response = try await kind.make().send(TransportRequest(
            method: method, url: test.base + "/thing",
            headers: [(name: "Content-Type", value: "application/octet-stream"), (name: "Idempotency-Key", value: "k-1")],
            body: binaryBody))
        #expect(response.status == 200)
        #expect(response.body == binaryBody)
        #expect(response.header("X-Method") == method)
        let request = try #require(test.log.all.first)
        #expect(request.method == method)
        #expect(request.body == binaryBody)
        #expect(request.headers.values("Content-Length") == ["1024"])
        #expect(request.headers.values("Content-Type") == ["application/octet-stream"])
        #expect(request.headers["Idempotency-Key"] == "k-1")
        #expect(!request.headers.contains("Expect"))
    }

    @Test("an empty body is sent as Content-Length: 0", arguments: TransportKind.underTest, ["POST", "DELETE"])
    func emptyBody(_ kind: TransportKind, method: String) async throws {
        let test = try TestHTTPServer()
        defer { test.stop() }
        let response = try await kind.make().send(TransportRequest(
            method: method, url: test.base + "/empty", headers: [(name: "Content-Type", value: "application/json")], body: []))
        #expect(response.status == 200)
        let request = try #require(test.log.all.first)
        #expect(request.method == method)
        #expect(request.body.isEmpty)
        #expect(request.headers.values("Content-Length") == ["0"])
    }

    @Test("a header with an empty value is sent empty", arguments: TransportKind.underTest)
    func emptyHeaderValue(_ kind: TransportKind) async throws {
        let test = try TestHTTPServer()
        defer { test.stop() }
        _ = try await kind.make().send(TransportRequest(
            method: "GET", url: test.base + "/",
            headers: [(name: "X-Empty", value: ""), (name: "X-One", value: "1"), (name: "X-Two", value: "2")]))
        let request = try #require(test.log.all.first)
        #expect(request.headers.values("X-Empty") == [""])
        #expect(request.headers.values("X-One") == ["1"])
        #expect(request.headers.values("X-Two") == ["2"])
    }

    @Test("headers of the response are read: Retry-After of a 503", arguments: TransportKind.underTest)
    func retryAfter(_ kind: TransportKind) async throws {
        let test = try TestHTTPServer()
        defer { test.stop() }
        let response = try await kind.make().send(TransportRequest(method: "GET", url: test.base + "/retry"))
        #expect(response.status == 503)
        #expect(response.header("retry-after") == "120")
        #expect(response.body == Array("busy".utf8))
    }

    @Test("a body over 1 MiB is sent whole, without Expect: 100-continue", arguments: TransportKind.underTest)
    func noExpectContinue(_ kind: TransportKind) async throws {
        let test = try TestHTTPServer(maxBodyBytes: 2 << 20)
        defer { test.stop() }
        let body = [UInt8](repeating: 0x7A, count: (1 << 20) + 10)
        let response = try await kind.make().send(TransportRequest(
            method: "POST", url: test.base + "/bytes?n=2", headers: [(name: "Content-Type", value: "text/plain")], body: body))
        #expect(response.status == 200)
        #expect(response.body == Array("aa".utf8))
        let request = try #require(test.log.all.first)
        #expect(!request.headers.contains("Expect"))
        #expect(request.body == body)
    }

    @Test("HEAD returns the headers without waiting for a body", arguments: TransportKind.underTest)
    func head(_ kind: TransportKind) async throws {
        let test = try TestHTTPServer()
        defer { test.stop() }
        let response = try await kind.make().send(TransportRequest(method: "HEAD", url: test.base + "/thing"))
        #expect(response.status == 200)
        #expect(response.body.isEmpty)
        #expect(response.header("Content-Length") == "12")
        #expect(test.log.all.map(\.method) == ["HEAD"])
    }
}

@Suite("Transports: what each adds to a request")
struct TransportAddedHeaderTests {
    /// curl sends the fields as given, in order, repeated ones apart, after
    /// `Host` (and `Accept: */*` when none is given). URLSession sends them
    /// in no set order, repeated ones joined, with fields of its own: those
    /// of FoundationNetworking here; on Apple platforms its own
    /// `User-Agent`, `Accept-Language` and `Accept-Encoding` likewise
    /// (README.md, "Apple platforms: URLSession").
    @Test("the fields each sends, and the order of the fields it answers", arguments: TransportKind.underTest)
    func added(_ kind: TransportKind) async throws {
        let sent = try await Self.send(kind)
        switch kind {
        case .curl:
            #expect(sent.get.map(\.name) == ["Host", "Accept", "X-B", "X-A", "X-B", "X-Device-ID"])
            #expect(sent.get.map(\.value).dropFirst() == ["application/json", "2", "1", "3", "d-7"])
            #expect(sent.post.map(\.name) == ["Host", "Accept", "Content-Length"])
            #expect(sent.delete.map(\.name) == ["Host", "Accept"])
            #expect(sent.answered == ["X-Method", "X-Connection-ID", "Content-Length", "Connection"])
        case .urlSession:
            // The names as given, not capitalized ("X-Device-Id").
            let given = sent.get.filter { ["Accept", "X-A", "X-B", "X-Device-ID"].contains($0.name) }
            #expect(given.sorted { $0.name < $1.name }.map { "\($0.name): \($0.value)" }
                == ["Accept: application/json", "X-A: 1", "X-B: 2, 3", "X-Device-ID: d-7"])
            // The response's fields, sorted by name: URLSession keeps no order.
            #expect(sent.answered == ["Connection", "Content-Length", "X-Connection-ID", "X-Method"])
            #if canImport(FoundationNetworking)
            let own = ["Accept-Encoding", "Accept-Language", "Connection", "Host", "User-Agent"]
            #expect(Set(sent.get.map(\.name)) == Set(own + ["Accept", "X-A", "X-B", "X-Device-ID"]))
            #expect(sent.get.first { $0.name == "Connection" }?.value == "keep-alive")
            // A body without a Content-Type of ours is labelled a form; a
            // DELETE without a body says Content-Length: 0.
            #expect(Set(sent.post.map(\.name)) == Set(own + ["Accept", "Content-Type", "Content-Length"]))
            #expect(sent.post.first { $0.name == "Content-Type" }?.value == "application/x-www-form-urlencoded")
            #expect(Set(sent.delete.map(\.name)) == Set(own + ["Accept", "Content-Length"]))
            #expect(sent.delete.first { $0.name == "Content-Length" }?.value == "0")
            #endif
        }
    }

    /// What the server saw of three requests, and what came back.
    private struct Sent {
        /// The fields of a GET with `Accept`, `X-B`, `X-A`, `X-B` again and
        /// `X-Device-ID`.
        var get: [(name: String, value: String)]
        /// The fields of a POST with a body and no `Content-Type`.
        var post: [(name: String, value: String)]
        /// The fields of a DELETE without a body.
        var delete: [(name: String, value: String)]
        /// The names of the GET's response fields, as the transport gave them.
        var answered: [String]
    }

    /// Sends the three requests of `Sent` on a transport of `kind`.
    private static func send(_ kind: TransportKind) async throws -> Sent {
        let test = try TestHTTPServer()
        defer { test.stop() }
        let transport = kind.make()
        let response = try await transport.send(TransportRequest(
            method: "GET", url: test.base + "/get",
            headers: [(name: "Accept", value: "application/json"), (name: "X-B", value: "2"), (name: "X-A", value: "1"),
                      (name: "X-B", value: "3"), (name: "X-Device-ID", value: "d-7")]))
        _ = try await transport.send(TransportRequest(method: "POST", url: test.base + "/post", body: Array("{}".utf8)))
        _ = try await transport.send(TransportRequest(method: "DELETE", url: test.base + "/delete"))
        let requests = test.log.all.map { request in request.headers.map { (name: $0.0, value: $0.1) } }
        try #require(requests.count == 3)
        return Sent(get: requests[0], post: requests[1], delete: requests[2], answered: response.headers.map(\.name))
    }
}
