import AccountEmulator
import CurlHTTP
import Testing
import TestSupport

@Suite("CurlSession redirects")
struct CurlRedirectTests {
    @Test("a POST answered 302 gets the 302, not followed", arguments: ["POST", "PATCH", "DELETE"])
    func mutatingNotFollowed(method: String) throws {
        let test = try TestHTTPServer()
        defer { test.stop() }
        let response = try CurlSession().perform(
            CurlRequest(method: method, url: test.base + "/redirect", body: Array("{}".utf8)), isCancelled: notCancelled)
        #expect(response.status == 302)
        #expect(response.header("Location") == "/target")
        #expect(response.body == Array("moved".utf8))
        #expect(test.log.all.map(\.path) == ["/redirect"])
    }

    @Test("a GET answered 302 is followed; only the final response's headers are returned")
    func getFollowed() async throws {
        let test = try TestHTTPServer()
        defer { test.stop() }
        let response = try await CurlSession().perform(CurlRequest(method: "GET", url: test.base + "/redirect"))
        #expect(response.status == 200)
        #expect(response.body == Array("target".utf8))
        #expect(response.header("X-Final") == "yes")
        #expect(response.header("X-Hop") == nil)
        #expect(response.header("Location") == nil)
        #expect(test.log.all.map(\.path) == ["/redirect", "/target"])
    }

    @Test("a GET follows at most 3 redirects")
    func redirectLimit() async throws {
        let test = try TestHTTPServer()
        defer { test.stop() }
        let error = await curlError { try await CurlSession().perform(CurlRequest(method: "GET", url: test.base + "/loop")) }
        #expect(error?.kind == .other)
        #expect(error?.code == 47)
        #expect(test.log.all.count == 4)
    }

    @Test("a GET is not redirected to a protocol other than http(s)")
    func redirectProtocols() async throws {
        let test = try TestHTTPServer()
        defer { test.stop() }
        let error = await curlError { try await CurlSession().perform(CurlRequest(method: "GET", url: test.base + "/to-ftp")) }
        #expect(error?.kind == .invalidRequest)
        #expect(error?.code == 1)
    }
}
