import AccountCore
import AccountEmulator
import Testing
import TestSupport

@Suite("Transports: redirects")
struct TransportRedirectTests {
    @Test("a POST, PATCH or DELETE answered 302 gets the 302 itself, with its body; it is not followed",
          arguments: TransportKind.underTest, ["POST", "PATCH", "DELETE"])
    func mutatingNotFollowed(_ kind: TransportKind, method: String) async throws {
        let test = try TestHTTPServer()
        defer { test.stop() }
        let response = try await kind.make().send(TransportRequest(
            method: method, url: test.base + "/redirect", headers: [(name: "Content-Type", value: "application/json")],
            body: Array("{}".utf8)))
        #expect(response.status == 302)
        #expect(response.header("Location") == "/target")
        #expect(response.body == Array("moved".utf8))
        #expect(test.log.all.map(\.path) == ["/redirect"])
    }

    @Test("a GET answered 302 is followed; only the final response's headers are returned", arguments: TransportKind.underTest)
    func getFollowed(_ kind: TransportKind) async throws {
        let test = try TestHTTPServer()
        defer { test.stop() }
        let response = try await kind.make().send(TransportRequest(method: "GET", url: test.base + "/redirect"))
        #expect(response.status == 200)
        #expect(response.body == Array("target".utf8))
        #expect(response.header("X-Final") == "yes")
        #expect(response.header("X-Hop") == nil)
        #expect(response.header("Location") == nil)
        #expect(test.log.all.map(\.path) == ["/redirect", "/target"])
    }

    @Test("a GET follows at most 3 redirects, then fails", arguments: TransportKind.underTest)
    func redirectLimit(_ kind: TransportKind) async throws {
        let test = try TestHTTPServer()
        defer { test.stop() }
        let failure = await kind.make().failure(of: TransportRequest(method: "GET", url: test.base + "/loop"))
        #expect(failure?.kind == .other)
        #expect(test.log.all.count == 4)
    }

    @Test("a GET is not redirected to a scheme other than http(s)", arguments: TransportKind.underTest)
    func redirectProtocols(_ kind: TransportKind) async throws {
        let test = try TestHTTPServer()
        defer { test.stop() }
        let failure = await kind.make().failure(of: TransportRequest(method: "GET", url: test.base + "/to-ftp"))
        #expect(failure?.kind == .invalidRequest)
        #expect(test.log.all.map(\.path) == ["/to-ftp"])
    }

    @Test("a redirect to another origin is followed without the Authorization and Cookie headers",
          arguments: TransportKind.underTest)
    func noCredentialsElsewhere(_ kind: TransportKind) async throws {
        let test = try TestHTTPServer()
        defer { test.stop() }
        let response = try await kind.make().send(TransportRequest(
            method: "GET", url: test.base + "/elsewhere",
            headers: [(name: "Authorization", value: "Bearer t0k3n"), (name: "Cookie", value: "c=1"),
                      (name: "X-Other", value: "kept")]))
        #expect(response.status == 200)
        let requests = test.log.all
        #expect(requests.map(\.path) == ["/elsewhere", "/target"])
        #expect(requests.map { $0.headers["Host"]?.split(separator: ":").first.map(String.init) } == ["127.0.0.1", "localhost"])
        #expect(requests.map { $0.headers["Authorization"] } == ["Bearer t0k3n", nil])
        #expect(requests.map { $0.headers["Cookie"] } == ["c=1", nil])
        #expect(requests.map { $0.headers["X-Other"] } == ["kept", "kept"])
    }
}
