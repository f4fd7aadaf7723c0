import AccountEmulator
import CurlHTTP
import Testing
import TestSupport

@Suite("CurlSession failures")
struct CurlFailureTests {
    @Test("the total timeout ends a transfer to a handler that sleeps: .timedOut")
    func totalTimeout() throws {
        let test = try TestHTTPServer()
        defer { test.stop() }
        var configuration = CurlSession.Configuration()
        configuration.totalTimeout = 0.3
        let session = CurlSession(configuration: configuration)
        let error = curlError {
            try session.perform(CurlRequest(method: "GET", url: test.base + "/slow?ms=1500"), isCancelled: notCancelled)
        }
        #expect(error?.kind == .timedOut)
        #expect(error?.code == 28)
    }

    @Test("a closed port: .couldNotConnect")
    func connectionRefused() async throws {
        let test = try TestHTTPServer()
        let port = test.server.port
        test.stop()
        let error = await curlError {
            try await CurlSession().perform(CurlRequest(method: "GET", url: "http://127.0.0.1:\(port)/"))
        }
        #expect(error?.kind == .couldNotConnect)
        #expect(error?.code == 7)
        // curl_easy_strerror, then the error buffer's detail.
        #expect(error?.message.hasPrefix("Couldn't connect to server: Failed to connect to 127.0.0.1 port \(port)") == true)
    }

    @Test("a 2 MiB body: .responseTooLarge; 1 MiB − 1 and exactly 1 MiB pass")
    func responseTooLarge() throws {
        let test = try TestHTTPServer()
        defer { test.stop() }
        let session = CurlSession()
        for size in [(1 << 20) - 1, 1 << 20] {
            let response = try session.perform(CurlRequest(method: "GET", url: test.base + "/bytes?n=\(size)"),
                                               isCancelled: notCancelled)
            #expect(response.body.count == size)
        }
        let error = curlError {
            try session.perform(CurlRequest(method: "GET", url: test.base + "/bytes?n=\(2 << 20)"), isCancelled: notCancelled)
        }
        #expect(error?.kind == .responseTooLarge)
        #expect(error?.code == 23)
        // The session still works afterwards.
        let after = try session.perform(CurlRequest(method: "GET", url: test.base + "/bytes?n=3"), isCancelled: notCancelled)
        #expect(after.body == Array("aaa".utf8))
    }

    @Test("maxResponseBytes is the session's: 100 bytes pass, 101 fail")
    func smallLimit() async throws {
        let test = try TestHTTPServer()
        defer { test.stop() }
        var configuration = CurlSession.Configuration()
        configuration.maxResponseBytes = 100
        let session = CurlSession(configuration: configuration)
        #expect(try await session.perform(CurlRequest(method: "GET", url: test.base + "/bytes?n=100")).body.count == 100)
        let error = await curlError { try await session.perform(CurlRequest(method: "GET", url: test.base + "/bytes?n=101")) }
        #expect(error?.kind == .responseTooLarge)
    }

    @Test("https:// to the plain-HTTP port fails with .tls: verification is never skipped")
    func tls() async throws {
        let test = try TestHTTPServer()
        defer { test.stop() }
        let error = await curlError {
            try await CurlSession().perform(CurlRequest(method: "GET", url: "https://127.0.0.1:\(test.server.port)/"))
        }
        #expect(error?.kind == .tls)
    }

    @Test("CR, LF or NUL in a header, a method that is not a token, a URL that is not http(s): .invalidRequest, nothing sent",
          arguments: [
              CurlRequest(method: "GET", url: "/x", headers: [(name: "X-A", value: "a\r\nX-Injected: 1")]),
              CurlRequest(method: "GET", url: "/x", headers: [(name: "X-A", value: "a\nb")]),
              CurlRequest(method: "GET", url: "/x", headers: [(name: "X-A", value: "a\rb")]),
              CurlRequest(method: "GET", url: "/x", headers: [(name: "X-A", value: "a\u{0}b")]),
              CurlRequest(method: "GET", url: "/x", headers: [(name: "X-A\r\nX-B", value: "b")]),
              CurlRequest(method: "GET", url: "/x", headers: [(name: "X-A:", value: "b")]),
              CurlRequest(method: "GET", url: "/x", headers: [(name: "", value: "b")]),
              CurlRequest(method: "GET /y HTTP/1.1\r\n", url: "/x"),
              CurlRequest(method: "", url: "/x"),
              CurlRequest(method: "HEAD", url: "/x", body: []),
              CurlRequest(method: "GET", url: "/x\r\nHost: evil"),
              CurlRequest(method: "GET", url: "/x\u{0}.evil"),
          ])
    func invalidRequest(template: CurlRequest) async throws {
        let test = try TestHTTPServer()
        defer { test.stop() }
        var request = template
        request.url = test.base + template.url
        let error = await curlError { try await CurlSession().perform(request) }
        #expect(error?.kind == .invalidRequest)
        #expect(error?.code == -1)
        #expect(error.map { !$0.message.contains("Injected") && !$0.message.contains("evil") } == true)
        #expect(test.log.all.isEmpty)
    }

    @Test("URLs curl refuses: not http(s), or malformed", arguments: [
        "ftp://127.0.0.1/file", "file:///etc/passwd", "127.0.0.1/no-scheme", "http://[::1/", "http://",
    ])
    func invalidURL(url: String) throws {
        let error = curlError { try CurlSession().perform(CurlRequest(method: "GET", url: url), isCancelled: notCancelled) }
        #expect(error?.kind == .invalidRequest)
    }
}
