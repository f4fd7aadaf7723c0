import AccountCore
import AccountEmulator
import HTTPLimits
import Testing
import TestSupport

@Suite("Transports: failures")
struct TransportFailureTests {
    @Test("the total timeout ends an exchange with a handler that sleeps: .timeout", arguments: TransportKind.underTest)
    func totalTimeout(_ kind: TransportKind) async throws {
        let test = try TestHTTPServer()
        defer { test.stop() }
        let failure = await kind.make(totalTimeout: 0.3).failure(of: TransportRequest(
            method: "GET", url: test.base + "/slow?ms=5000", headers: [(name: "Authorization", value: "Bearer t0k3n")]))
        #expect(failure?.kind == .timeout)
        // The detail is the transport's own: no header value.
        #expect(failure.map { !$0.detail.contains("t0k3n") } == true)
    }

    @Test("a closed port: .noConnection", arguments: TransportKind.underTest)
    func connectionRefused(_ kind: TransportKind) async throws {
        let test = try TestHTTPServer()
        let port = test.server.port
        test.stop()
        let failure = await kind.make().failure(of: TransportRequest(method: "GET", url: "http://127.0.0.1:\(port)/"))
        #expect(failure?.kind == .noConnection)
    }

    @Test("a 2 MiB body: .responseTooLarge; 1 MiB − 1 and exactly 1 MiB pass; the transport works afterwards",
          arguments: TransportKind.underTest)
    func responseTooLarge(_ kind: TransportKind) async throws {
        let test = try TestHTTPServer()
        defer { test.stop() }
        let transport = kind.make()
        for size in [(1 << 20) - 1, 1 << 20] {
            let response = try await transport.send(TransportRequest(method: "GET", url: test.base + "/bytes?n=\(size)"))
            #expect(response.body.count == size)
        }
        let failure = await transport.failure(of: TransportRequest(method: "GET", url: test.base + "/bytes?n=\(2 << 20)"))
        #expect(failure?.kind == .responseTooLarge)
        let after = try await transport.send(TransportRequest(method: "GET", url: test.base + "/bytes?n=3"))
        #expect(after.body == Array("aaa".utf8))
    }

    @Test("header fields over the one cap of every transport (HTTPResponseLimits: count, bytes): .responseTooLarge",
          arguments: TransportKind.underTest)
    func headerCap(_ kind: TransportKind) async throws {
        let test = try TestHTTPServer()
        defer { test.stop() }
        let transport = kind.make()
        // Within the caps (the server adds a few fields of its own).
        let many = try await transport.send(TransportRequest(method: "GET", url: test.base + "/fields?n=400"))
        #expect(many.headers.filter { $0.name.lowercased().hasPrefix("x-field-") }.count == 400)
        let large = try await transport.send(TransportRequest(method: "GET", url: test.base + "/large-fields?n=2"))
        #expect(large.headers.filter { $0.name.lowercased().hasPrefix("x-large-") }.count == 2)
        // Over them.
        let tooMany = await transport.failure(of: TransportRequest(
            method: "GET", url: test.base + "/fields?n=\(HTTPResponseLimits.maximumHeaderCount + 1)"))
        #expect(tooMany?.kind == .responseTooLarge, "\(String(describing: tooMany))")
        // 4 fields of 64 KiB: over the cap by their names and separators
        // alone, and under libcurl's own total (300 KiB), which URLSession's
        // FoundationNetworking would otherwise hit first, as an unknown error.
        let tooLarge = await transport.failure(of: TransportRequest(
            method: "GET", url: test.base + "/large-fields?n=\(HTTPResponseLimits.maximumHeaderBytes / (64 * 1024))"))
        #expect(tooLarge?.kind == .responseTooLarge, "\(String(describing: tooLarge))")
        let after = try await transport.send(TransportRequest(method: "GET", url: test.base + "/bytes?n=3"))
        #expect(after.body == Array("aaa".utf8))
    }

    /// What a failed TLS handshake is reported as: `.tls`, except by
    /// URLSession on Linux, whose FoundationNetworking reports it as an
    /// unknown error (`URLError.unknown`), so `.other`.
    static func tlsKind(_ kind: TransportKind) -> TransportFailure.Kind {
        #if canImport(FoundationNetworking)
        kind == .urlSession ? .other : .tls
        #else
        .tls
        #endif
    }

    @Test("https:// to the plain-HTTP port fails: verification is never skipped", arguments: TransportKind.underTest)
    func tls(_ kind: TransportKind) async throws {
        let test = try TestHTTPServer()
        defer { test.stop() }
        let failure = await kind.make().failure(of: TransportRequest(method: "GET", url: "https://127.0.0.1:\(test.server.port)/"))
        #expect(failure?.kind == Self.tlsKind(kind))
        #expect(failure?.detail.contains("SSL") == true || failure?.detail.contains("TLS") == true, "\(String(describing: failure))")
    }

    @Test("CR, LF or NUL in a header, a method that is not a token, a URL that is not http(s): .invalidRequest, nothing sent",
          arguments: TransportKind.underTest, [
              TransportRequest(method: "GET", url: "/x", headers: [(name: "X-A", value: "a\r\nX-Injected: 1")]),
              TransportRequest(method: "GET", url: "/x", headers: [(name: "X-A", value: "a\nb")]),
              TransportRequest(method: "GET", url: "/x", headers: [(name: "X-A", value: "a\rb")]),
              TransportRequest(method: "GET", url: "/x", headers: [(name: "X-A", value: "a\u{0}b")]),
              TransportRequest(method: "GET", url: "/x", headers: [(name: "X-A\r\nX-B", value: "b")]),
              TransportRequest(method: "GET", url: "/x", headers: [(name: "X-A:", value: "b")]),
              TransportRequest(method: "GET", url: "/x", headers: [(name: "", value: "b")]),
              TransportRequest(method: "GET /y HTTP/1.1\r\n", url: "/x"),
              TransportRequest(method: "", url: "/x"),
              TransportRequest(method: "HEAD", url: "/x", body: []),
              TransportRequest(method: "GET", url: "/x\r\nHost: evil"),
              TransportRequest(method: "GET", url: "/x\u{0}.evil"),
          ])
    func invalidRequest(_ kind: TransportKind, template: TransportRequest) async throws {
        let test = try TestHTTPServer()
        defer { test.stop() }
        var request = template
        request.url = test.base + template.url
        let failure = await kind.make().failure(of: request)
        #expect(failure?.kind == .invalidRequest)
        #expect(failure.map { !$0.detail.contains("Injected") && !$0.detail.contains("evil") } == true)
        #expect(test.log.all.isEmpty)
    }

    @Test("a GET with a body: curl sends it; URLSession cannot, and refuses it before anything is sent",
          arguments: TransportKind.underTest)
    func getWithBody(_ kind: TransportKind) async throws {
        let test = try TestHTTPServer()
        defer { test.stop() }
        let request = TransportRequest(method: "GET", url: test.base + "/echo",
                                       headers: [(name: "Content-Type", value: "text/plain")], body: Array("b".utf8))
        switch kind {
        case .curl:
            #expect(try await kind.make().send(request).body == Array("b".utf8))
            #expect(test.log.all.map(\.body) == [Array("b".utf8)])
        case .urlSession:
            #expect(await kind.make().failure(of: request)?.kind == .invalidRequest)
            #expect(test.log.all.isEmpty)
        }
    }

    @Test("URLs refused before anything is sent: not http(s), or malformed",
          arguments: TransportKind.underTest, ["ftp://127.0.0.1/file", "file:///etc/passwd", "127.0.0.1/no-scheme", "http://[::1/", "http://"])
    func invalidURL(_ kind: TransportKind, url: String) async throws {
        let failure = await kind.make().failure(of: TransportRequest(method: "GET", url: url))
        #expect(failure?.kind == .invalidRequest)
    }
}
