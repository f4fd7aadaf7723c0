import AccountEmulator
import CurlHTTP
import POSIXThread
import Synchronization
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Requests a test server saw, in order.
final class CurlRequestLog: Sendable {
    /// The requests so far.
    private let requests = LockedValue<[HTTPRequest]>([])

    /// Records `request`.
    func append(_ request: HTTPRequest) { requests.withLock { $0.append(request) } }

    /// Every request so far, in order.
    var all: [HTTPRequest] { requests.withLock { $0 } }
}

/// Lets a slow handler finish early, so that no test waits out a sleep
/// once it has its answer; and tells the test that a slow request arrived.
final class CurlGate: Sendable {
    /// Whether `open()` was called.
    private let opened = Atomic<Bool>(false)
    /// Whether a slow handler started waiting.
    private let entered = Atomic<Bool>(false)

    /// Whether a slow handler has started waiting.
    var hasEntered: Bool { entered.load(ordering: .acquiring) }

    /// Ends every wait now and later.
    func open() { opened.store(true, ordering: .releasing) }

    /// Waits until `open()` or until `milliseconds` passed.
    func wait(milliseconds: Int) {
        entered.store(true, ordering: .releasing)
        var waited = 0
        while waited < milliseconds, !opened.load(ordering: .acquiring) {
            usleep(10_000)
            waited += 10
        }
    }

    /// Waits (up to 5 s) for a slow handler to start waiting.
    func waitUntilEntered() {
        for _ in 0..<500 where !hasEntered { usleep(10_000) }
    }
}

/// A loopback server for one test, its log and its gate.
struct CurlTestServer {
    /// The server, on a free loopback port.
    let server: HTTPServer
    /// What it received.
    let log: CurlRequestLog
    /// What its slow route waits for.
    let gate: CurlGate

    /// `http://127.0.0.1:<port>`.
    var base: String { "http://127.0.0.1:\(server.port)" }

    /// Starts a server answering with `route`, recording every request.
    ///
    /// Routes:
    /// - `/slow?ms=N`: waits for the gate or N ms, then answers "slow done";
    /// - `/bytes?n=N`: N bytes of body;
    /// - `/retry`: 503 with `Retry-After: 120`;
    /// - `/redirect`: 302 to `/target`, with `X-Hop: first`;
    /// - `/target`: "target", with `X-Final: yes`;
    /// - `/loop`: 302 to itself;
    /// - `/to-ftp`: 302 to an ftp:// URL;
    /// - anything else: echoes the body (or "hello <path>"), with the method,
    ///   connection ID and `X-Echo` request header in response headers.
    init(maxBodyBytes: Int = 64 * 1024) throws {
        var configuration = HTTPServer.Configuration()
        configuration.maxBodyBytes = maxBodyBytes
        // Longer than any test runs: a test starved of the concurrency pool
        // must not lose its kept-alive connection (see Harness.idleTimeout).
        configuration.idleTimeout = Harness.idleTimeout
        let log = CurlRequestLog()
        let gate = CurlGate()
        server = try HTTPServer(configuration: configuration) { request in
            log.append(request)
            return .response(Self.route(request, gate: gate))
        }
        self.log = log
        self.gate = gate
    }

    /// Opens the gate and stops the server.
    func stop() {
        gate.open()
        server.stop()
    }

    /// The response to `request` (see `init`).
    private static func route(_ request: HTTPRequest, gate: CurlGate) -> HTTPResponse {
        var headers: HTTPHeaders = ["X-Method": request.method, "X-Connection-ID": String(request.connectionID)]
        let number = request.query.flatMap { query in query.split(separator: "=").last.flatMap { Int($0) } }
        switch request.path {
        case "/slow":
            gate.wait(milliseconds: number ?? 1500)
            return HTTPResponse(status: 200, headers: headers, body: Array("slow done".utf8))
        case "/bytes":
            return HTTPResponse(status: 200, headers: headers, body: [UInt8](repeating: 0x61, count: number ?? 0))
        case "/retry":
            headers.add("Retry-After", "120")
            return HTTPResponse(status: 503, headers: headers, body: Array("busy".utf8))
        case "/redirect":
            headers.add("Location", "/target")
            headers.add("X-Hop", "first")
            return HTTPResponse(status: 302, headers: headers, body: Array("moved".utf8))
        case "/target":
            headers.add("X-Final", "yes")
            return HTTPResponse(status: 200, headers: headers, body: Array("target".utf8))
        case "/loop":
            headers.add("Location", "/loop")
            return HTTPResponse(status: 302, headers: headers)
        case "/to-ftp":
            headers.add("Location", "ftp://127.0.0.1/file")
            return HTTPResponse(status: 302, headers: headers)
        default:
            if let echo = request.headers["X-Echo"] { headers.add("X-Echoed", echo) }
            let body = request.body.isEmpty ? Array("hello \(request.path)".utf8) : request.body
            return HTTPResponse(status: 200, headers: headers, body: body)
        }
    }
}

/// The `CurlError` that `body` threw, or nil when it returned.
func curlError<Value>(_ body: () throws -> Value) -> CurlError? {
    do {
        _ = try body()
        return nil
    } catch let error as CurlError {
        return error
    } catch {
        Issue.record("not a CurlError: \(error)")
        return nil
    }
}

/// The `CurlError` that the async `body` threw, or nil when it returned.
func curlError<Value>(_ body: () async throws -> Value) async -> CurlError? {
    do {
        _ = try await body()
        return nil
    } catch let error as CurlError {
        return error
    } catch {
        Issue.record("not a CurlError: \(error)")
        return nil
    }
}

/// A blocking caller that never cancels.
let notCancelled: @Sendable () -> Bool = { false }
