import AccountEmulator
@testable import CurlHTTP
import Testing
import TestSupport

@Suite("CurlSession round trips")
struct CurlRoundTripTests {
    /// Every byte value, NUL and CR/LF included: a body is sent as is.
    let binaryBody: [UInt8] = (0..<1024).map { UInt8($0 % 256) }

    @Test("GET sends no body and reads the status, headers and body")
    func get() throws {
        let test = try TestHTTPServer()
        defer { test.stop() }
        let session = CurlSession()
        let response = try session.perform(
            CurlRequest(method: "GET", url: test.base + "/users/me?x=1",
                        headers: [(name: "Authorization", value: "Bearer t0k3n"), (name: "X-Echo", value: "héllo wörld")]),
            isCancelled: notCancelled)
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

    @Test("POST, PATCH and DELETE send their exact body bytes with Content-Length", arguments: ["POST", "PATCH", "DELETE", "PUT"])
    func bodies(method: String) throws {
        let test = try TestHTTPServer()
        defer { test.stop() }
        let session = CurlSession()
        let response = try session.perform(
            CurlRequest(method: method, url: test.base + "/thing",
                        headers: [(name: "Content-Type", value: "application/octet-stream"),
                                  (name: "Idempotency-Key", value: "k-1")],
                        body: binaryBody),
            isCancelled: notCancelled)
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

    @Test("a body without a Content-Type is not labelled a form; an empty body sends Content-Length: 0")
    func bodyWithoutContentType() throws {
        let test = try TestHTTPServer()
        defer { test.stop() }
        let session = CurlSession()
        _ = try session.perform(CurlRequest(method: "POST", url: test.base + "/a", body: Array("{}".utf8)),
                                isCancelled: notCancelled)
        _ = try session.perform(CurlRequest(method: "DELETE", url: test.base + "/b", body: []), isCancelled: notCancelled)
        _ = try session.perform(CurlRequest(method: "DELETE", url: test.base + "/c"), isCancelled: notCancelled)
        let requests = test.log.all
        try #require(requests.count == 3)
        #expect(!requests[0].headers.contains("Content-Type"))
        #expect(requests[0].body == Array("{}".utf8))
        #expect(requests[1].headers.values("Content-Length") == ["0"])
        #expect(requests[1].method == "DELETE")
        #expect(!requests[2].headers.contains("Content-Length"))
        #expect(requests[2].method == "DELETE")
    }

    @Test("a header with an empty value is sent empty, and header order is kept")
    func emptyHeaderValue() throws {
        let test = try TestHTTPServer()
        defer { test.stop() }
        _ = try CurlSession().perform(
            CurlRequest(method: "GET", url: test.base + "/",
                        headers: [(name: "X-Empty", value: ""), (name: "X-One", value: "1"), (name: "X-Two", value: "2")]),
            isCancelled: notCancelled)
        let request = try #require(test.log.all.first)
        #expect(request.headers.values("X-Empty") == [""])
        let names = request.headers.map(\.name).filter { $0.hasPrefix("X-") }
        #expect(names == ["X-Empty", "X-One", "X-Two"])
    }

    @Test("headers of the response are read: Retry-After of a 503")
    func retryAfter() async throws {
        let test = try TestHTTPServer()
        defer { test.stop() }
        let response = try await CurlSession().perform(CurlRequest(method: "GET", url: test.base + "/retry"))
        #expect(response.status == 503)
        #expect(response.header("retry-after") == "120")
        #expect(response.body == Array("busy".utf8))
    }

    @Test("a body over curl's 1 MiB Expect threshold is sent without Expect: 100-continue")
    func noExpectContinue() async throws {
        let test = try TestHTTPServer(maxBodyBytes: 2 << 20)
        defer { test.stop() }
        let body = [UInt8](repeating: 0x7A, count: (1 << 20) + 10)
        var configuration = CurlSession.Configuration()
        configuration.maxResponseBytes = 2 << 20
        let response = try await CurlSession(configuration: configuration)
            .perform(CurlRequest(method: "POST", url: test.base + "/big", body: body))
        #expect(response.status == 200)
        #expect(response.body == body)
        let request = try #require(test.log.all.first)
        #expect(!request.headers.contains("Expect"))
        #expect(request.body == body)
    }

    @Test("HEAD returns the headers without waiting for a body")
    func head() throws {
        let test = try TestHTTPServer()
        defer { test.stop() }
        let response = try CurlSession().perform(CurlRequest(method: "HEAD", url: test.base + "/thing"),
                                                 isCancelled: notCancelled)
        #expect(response.status == 200)
        #expect(response.body.isEmpty)
        #expect(response.header("Content-Length") == "12")
        #expect(test.log.all.map(\.method) == ["HEAD"])
    }
}
