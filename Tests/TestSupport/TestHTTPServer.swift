import AccountEmulator
import Dispatch
import POSIXThread
import Synchronization

/// A loopback server for one transport test, with routes that misbehave
/// on purpose (slow, large, redirecting), what it received and a gate for
/// its slow route; as swift-corelibs-foundation tests its URLSession
/// (`Tests/Foundation/HTTPServer.swift`).
package struct TestHTTPServer: Sendable {
    /// The server, on a free loopback port.
    package let server: HTTPServer
    /// What it received.
    package let log: Log
    /// What its slow route waits for.
    package let gate: Gate

    /// `http://127.0.0.1:<port>`.
    package var base: String { "http://127.0.0.1:\(server.port)" }

    /// Starts a server answering with `route`, recording every request.
    ///
    /// Routes:
    /// - `/slow?ms=N`: waits for the gate or N ms, then answers "slow done";
    /// - `/bytes?n=N`: N bytes of body;
    /// - `/retry`: 503 with `Retry-After: 120`;
    /// - `/redirect`: 302 to `/target`, with `X-Hop: first` and a body, "moved";
    /// - `/moved?status=N`: N (a 3xx) to `/target`;
    /// - `/target`: "target", with `X-Final: yes`;
    /// - `/to-ftp`: 302 to an ftp:// URL;
    /// - `/elsewhere`: 302 to `/target` on `localhost`, another origin;
    /// - `/cookie`: sets a cookie;
    /// - `/cached`: "cached", cacheable for an hour, with an `ETag`;
    /// - anything else: echoes the body (or "hello <path>"), with the method,
    ///   connection ID and `X-Echo` request header in response headers.
    package init(maxBodyBytes: Int = 64 * 1024) throws {
        var configuration = HTTPServer.Configuration()
        configuration.maxBodyBytes = maxBodyBytes
        // Longer than any test runs: a test starved of the concurrency pool
        // must not lose its kept-alive connection (see Harness.idleTimeout).
        configuration.idleTimeout = Harness.idleTimeout
        let log = Log()
        let gate = Gate()
        server = try HTTPServer(configuration: configuration) { request in
            log.append(request)
            return .response(Self.route(request, gate: gate))
        }
        self.log = log
        self.gate = gate
    }

    /// Opens the gate and stops the server.
    package func stop() {
        gate.open()
        server.stop()
    }

    /// The response to `request` (see `init`).
    private static func route(_ request: HTTPRequest, gate: Gate) -> HTTPResponse {
        var headers: HTTPHeaders = ["X-Method": request.method, "X-Connection-ID": String(request.connectionID)]
        let number = request.query.flatMap { query in query.split(separator: "=").last.flatMap { Int($0) } }
        switch request.path {
        case "/slow":
            gate.wait(milliseconds: number ?? 1500)
            return HTTPResponse(status: 200, headers: headers, body: Array("slow done".utf8))
        case "/bytes":
            return HTTPResponse(status: 200, headers: headers, body: [UInt8](repeating: 0x61, count: number ?? 0))
        case "/fields":
            // n header fields of distinct names (URLSession joins repeated ones).
            for index in 0..<(number ?? 0) { headers.add("X-Field-\(index)", "v") }
            return HTTPResponse(status: 200, headers: headers, body: Array("fields".utf8))
        case "/large-fields":
            // n header fields of 64 KiB each.
            let value = String(repeating: "v", count: 64 * 1024)
            for index in 0..<(number ?? 0) { headers.add("X-Large-\(index)", value) }
            return HTTPResponse(status: 200, headers: headers, body: Array("large fields".utf8))
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
        case "/moved":
            headers.add("Location", "/target")
            return HTTPResponse(status: number ?? 301, headers: headers)
        case "/to-ftp":
            headers.add("Location", "ftp://127.0.0.1/file")
            return HTTPResponse(status: 302, headers: headers)
        case "/elsewhere":
            let port = request.headers["Host"]?.split(separator: ":").last ?? ""
            headers.add("Location", "http://localhost:\(port)/target")
            return HTTPResponse(status: 302, headers: headers)
        case "/cookie":
            headers.add("Set-Cookie", "session=s3cr3t; Path=/")
            return HTTPResponse(status: 200, headers: headers, body: Array("cookie set".utf8))
        case "/cached":
            headers.add("Cache-Control", "public, max-age=3600")
            headers.add("ETag", "\"v1\"")
            return HTTPResponse(status: 200, headers: headers, body: Array("cached".utf8))
        default:
            if let echo = request.headers["X-Echo"] { headers.add("X-Echoed", echo) }
            let body = request.body.isEmpty ? Array("hello \(request.path)".utf8) : request.body
            return HTTPResponse(status: 200, headers: headers, body: body)
        }
    }
}

extension TestHTTPServer {
    /// Requests the server saw, in order.
    package final class Log: Sendable {
        /// The requests so far.
        private let requests = LockedValue<[HTTPRequest]>([])

        /// Records `request`.
        func append(_ request: HTTPRequest) { requests.withLock { $0.append(request) } }

        /// Every request so far, in order.
        package var all: [HTTPRequest] { requests.withLock { $0 } }
    }

    /// Lets a slow handler finish early, so that no test waits out its
    /// delay once it has its answer; and tells the test that a slow request
    /// arrived. Both are waits on a signal, not polls.
    package final class Gate: Sendable {
        /// Left once by `open()`: every wait on it then ends.
        private let opened = DispatchGroup()
        /// Left once by the first slow handler.
        private let entered = DispatchGroup()
        /// Whether `open()` was called.
        private let isOpen = Atomic<Bool>(false)
        /// Whether a slow handler started waiting.
        private let hasEnteredFlag = Atomic<Bool>(false)

        init() {
            opened.enter()
            entered.enter()
        }

        deinit {
            // A group released while entered is never freed: leave what is left.
            if !isOpen.load(ordering: .acquiring) { opened.leave() }
            if !hasEnteredFlag.load(ordering: .acquiring) { entered.leave() }
        }

        /// Whether a slow handler has started waiting.
        package var hasEntered: Bool { hasEnteredFlag.load(ordering: .acquiring) }

        /// Ends every wait now and later.
        package func open() {
            if !isOpen.exchange(true, ordering: .acquiringAndReleasing) { opened.leave() }
        }

        /// Waits until `open()` or until `milliseconds` passed.
        func wait(milliseconds: Int) {
            if !hasEnteredFlag.exchange(true, ordering: .acquiringAndReleasing) { entered.leave() }
            _ = opened.wait(timeout: .now() + .milliseconds(milliseconds))
        }

        /// Waits for a slow handler to start waiting, on a thread of its own
        /// (`onThreadOfItsOwn`): the request it waits for may need the
        /// cooperative pool to leave. False when none came within 120 s: a
        /// guard against a hang only, since the task that sends the request
        /// waits for a thread of the pool, which the synchronous tests of a
        /// whole run were seen to hold for more than 10 s.
        package func waitUntilEntered() async throws -> Bool {
            let entered = entered
            return try await onThreadOfItsOwn { entered.wait(timeout: .now() + .seconds(120)) == .success }
        }
    }
}
