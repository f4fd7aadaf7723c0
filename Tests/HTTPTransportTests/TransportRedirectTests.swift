import AccountCore
import AccountEmulator
import Testing
import TestSupport

/// No transport follows a redirect (issue 27): a request carries the
/// bearer token, and a 3xx must not take it to another address. The 3xx is
/// the answer; the client reports it as an unexpected response naming its
/// `Location` (`AccountClientTests`, "redirects").
@Suite("Transports: redirects are never followed")
struct TransportRedirectTests {
    @Test("a 302 is not followed, whatever the method: the 302 itself comes back, with its Location, fields and body",
          arguments: TransportKind.underTest, ["GET", "HEAD", "POST", "PATCH", "DELETE"])
    func notFollowed(_ kind: TransportKind, method: String) async throws {
        let test = try TestHTTPServer()
        defer { test.stop() }
        let hasBody = ["POST", "PATCH", "DELETE"].contains(method)
        let response = try await kind.make().send(TransportRequest(
            method: method, url: test.base + "/redirect",
            headers: hasBody ? [(name: "Content-Type", value: "application/json")] : [],
            body: hasBody ? Array("{}".utf8) : nil))
        #expect(response.status == 302)
        #expect(response.header("Location") == "/target")
        #expect(response.header("X-Hop") == "first")
        #expect(response.header("X-Final") == nil)
        #expect(response.body == (method == "HEAD" ? [] : Array("moved".utf8)))
        #expect(test.log.all.map(\.path) == ["/redirect"])
    }

    @Test("every redirect status is the answer itself: 301, 302, 303, 307, 308",
          arguments: TransportKind.underTest, [301, 302, 303, 307, 308])
    func everyStatus(_ kind: TransportKind, status: Int) async throws {
        let test = try TestHTTPServer()
        defer { test.stop() }
        let response = try await kind.make().send(TransportRequest(method: "GET", url: test.base + "/moved?status=\(status)"))
        #expect(response.status == status)
        #expect(response.header("Location") == "/target")
        #expect(test.log.all.map(\.path) == ["/moved"])
    }

    @Test("a redirect to another origin, or to another scheme, takes nothing there: one request, to the first address",
          arguments: TransportKind.underTest, ["/elsewhere", "/to-ftp"])
    func tokenGoesNowhereElse(_ kind: TransportKind, path: String) async throws {
        let test = try TestHTTPServer()
        defer { test.stop() }
        let response = try await kind.make().send(TransportRequest(
            method: "GET", url: test.base + path,
            headers: [(name: "Authorization", value: "Bearer t0k3n"), (name: "Cookie", value: "c=1")]))
        #expect(response.status == 302)
        #expect(response.header("Location")?.hasPrefix(path == "/to-ftp" ? "ftp://" : "http://localhost:") == true)
        let requests = test.log.all
        #expect(requests.map(\.path) == [path])
        #expect(requests.map { $0.headers["Host"]?.split(separator: ":").first.map(String.init) } == ["127.0.0.1"])
        #expect(requests.map { $0.headers["Authorization"] } == ["Bearer t0k3n"])
    }
}
