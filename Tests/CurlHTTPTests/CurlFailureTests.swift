import AccountEmulator
import CurlHTTP
import Testing
import TestSupport

/// CurlSession's own failures: curl's codes and texts, its blocking
/// perform, its limit. What every transport must do (redirects, refusals,
/// TLS, cancellation, round trips) is `HTTPTransportTests`', run on
/// `CurlTransport` and `URLSessionTransport` alike.
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
}
