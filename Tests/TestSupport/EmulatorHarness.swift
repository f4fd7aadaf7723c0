import AccountCore
import AccountEmulator
import CurlTransport
import FoundationEssentials
import Testing

/// 2026-04-03T12:00:00Z, the seeds' requestedAt.
package let start = Instant(secondsSince1970: 1_775_217_600)

/// An emulator on an ephemeral loopback port with its control API on, and a
/// curl client: the emulator is always driven by a client that is not ours.
/// With `listens: false` it opens no socket: clients reach it through
/// `emulator.transport`, and so does the control API.
package final class Harness: Sendable {
    package let emulator: Emulator
    package let clock = ManualClock(start)

    /// How long a test's emulator keeps an idle connection unless a test
    /// asks otherwise: longer than any test runs, so that no test's
    /// connection count depends on how fast a loaded machine runs it.
    ///
    /// It once hid a starvation: tests waited for child processes on
    /// threads of the concurrency pool, a burst of requests found no thread
    /// for 41 s, the emulator's default 30 s closed its idle connection and
    /// the client rightly opened another. Waits for child processes now run
    /// on threads of their own (`onThreadOfItsOwn`), and the keep-alive
    /// tests run on the emulator's default (`defaultIdleTimeout`).
    package static let idleTimeout: Double = 600

    /// The emulator's own idle timeout, as a real server would have one.
    package static let defaultIdleTimeout: Double = Emulator.Configuration().idleTimeout

    package init(statePath: String? = nil, listens: Bool = true, idleTimeout: Double = Harness.idleTimeout) throws {
        emulator = try Emulator(configuration: .init(statePath: statePath, enableControlAPI: true, clock: clock,
                                                     listens: listens, idleTimeout: idleTimeout))
    }

    /// How a client of this emulator sends its requests: libcurl over
    /// loopback, or in memory when the emulator does not listen.
    package func transport(configuration: ClientConfiguration? = nil) -> any HTTPTransport {
        guard emulator.port == 0 else {
            return configuration.map(CurlTransport.init(configuration:)) ?? CurlTransport()
        }
        return emulator.transport
    }

    deinit { emulator.stop() }

    package func token(_ backend: EmulatedBackend) throws -> String { try emulator.issueToken(for: backend) }

    /// One request through `curl`.
    package func curl(_ method: String, _ path: String, token: String? = nil, headers: [String: String] = [:],
              body: String? = nil, extra: [String] = []) async throws -> Reply {
        var arguments = ["-sS", "-i", "-X", method, emulator.baseURL + path, "-H", "Expect:"]
        if let token { arguments += ["-H", "Authorization: Bearer \(token)"] }
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { arguments += ["-H", "\(name): \(value)"] }
        if body != nil { arguments += ["-H", "Content-Type: application/json", "--data-binary", "@-"] }
        let result = try await execute("curl", arguments + extra, input: Array((body ?? "").utf8))
        return Reply(curlExit: result.status, raw: result.standardOutput)
    }

    /// A control API call; fails the test unless it succeeds.
    @discardableResult
    package func control(_ method: String, _ path: String, _ body: JSONValue? = nil,
                 sourceLocation: SourceLocation = #_sourceLocation) async throws -> JSONValue {
        guard emulator.port != 0 else {
            let reply = try await emulator.transport.send(TransportRequest(
                method: method, url: emulator.baseURL + "/__emulator/" + path,
                headers: [("Content-Type", "application/json")], body: body?.encoded))
            #expect((200..<300).contains(reply.status), "\(method) \(path): \(String(decoding: reply.body, as: UTF8.self))",
                    sourceLocation: sourceLocation)
            return JSONValue(parsing: reply.body) ?? .null
        }
        // A write is JSON even without a body (deletion-job): the control API refuses any other type.
        let headers = body == nil && method != "GET" ? ["Content-Type": "application/json"] : [:]
        let reply = try await curl(method, "/__emulator/" + path, headers: headers,
                                   body: body.map { String(decoding: $0.encoded, as: UTF8.self) })
        #expect((200..<300).contains(reply.status), "\(method) \(path): \(reply.text)", sourceLocation: sourceLocation)
        return reply.json ?? .null
    }

    package func advance(days: Double) async throws {
        try await control("POST", "clock", ["advanceSeconds": .number(days * 86_400)])
    }

    package func inject(_ mode: String, _ method: String, _ path: String, count: Int = 1, retryAfter: Int? = nil,
                delayMs: Int? = nil, status: Int? = nil) async throws {
        var fault: [String: JSONValue] = ["mode": .string(mode), "method": .string(method), "path": .string(path),
                                          "count": .integer(Int64(count))]
        if let retryAfter { fault["retryAfter"] = .integer(Int64(retryAfter)) }
        if let delayMs { fault["delayMs"] = .integer(Int64(delayMs)) }
        if let status { fault["status"] = .integer(Int64(status)) }
        try await control("POST", "faults", .object(fault))
    }

    /// The mutations the emulator applied.
    package func mutations() async throws -> [JSONValue] { try await control("GET", "mutations")["mutations"]?.arrayValue ?? [] }

    /// The requests the back ends received.
    package func requests() async throws -> [JSONValue] { try await control("GET", "requests")["requests"]?.arrayValue ?? [] }

    /// The requests the back ends received, asked in memory whatever the
    /// harness listens on: for a test that watches the log closely while
    /// another process works (a curl process per look is slow under load).
    package func requestsInMemory() async throws -> [JSONValue] {
        let reply = try await emulator.transport.send(TransportRequest(method: "GET",
                                                                       url: EmulatorTransport.baseURL + "/__emulator/requests"))
        return JSONValue(parsing: reply.body)?["requests"]?.arrayValue ?? []
    }
}

/// What curl received.
package struct Reply {
    package let curlExit: Int32
    package let status: Int
    package let headers: [(String, String)]
    package let body: [UInt8]

    package init(curlExit: Int32, raw: [UInt8]) {
        self.curlExit = curlExit
        let separator = Array("\r\n\r\n".utf8)
        let split = (0...max(0, raw.count - separator.count)).first { raw[$0..<min(raw.count, $0 + 4)].elementsEqual(separator) }
        let head = String(decoding: raw[..<(split ?? raw.count)], as: UTF8.self)
        body = split.map { Array(raw[($0 + 4)...]) } ?? []
        let lines = head.split(separator: "\r\n").map(String.init)
        status = lines.first.flatMap { $0.split(separator: " ").dropFirst().first }.flatMap { Int($0) } ?? 0
        headers = lines.dropFirst().compactMap { line in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), String(line[line.index(after: colon)...]).trimmingSpaces)
        }
    }

    package func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    package var json: JSONValue? { JSONValue(parsing: body) }
    package var text: String { String(decoding: body, as: UTF8.self) }
    /// Allmine's `data`.
    package var data: JSONValue? { json?["data"] }
}

extension String {
    package var trimmingSpaces: String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}

/// The contract's Allmine error envelope for `status` with `text`.
package func expectEnvelopeError(_ reply: Reply, _ status: Int, _ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(reply.status == status, "\(reply.text)", sourceLocation: sourceLocation)
    #expect(reply.json?["isSuccess"] == false, sourceLocation: sourceLocation)
    #expect(reply.json?["statusCode"] == .integer(Int64(status)), sourceLocation: sourceLocation)
    #expect(reply.json?["data"] == .null, sourceLocation: sourceLocation)
    #expect(reply.json?["errors"] == [.string(text)], sourceLocation: sourceLocation)
    #expect(reply.json?["timestamp"]?.stringValue.flatMap(ISO8601.parse) != nil, sourceLocation: sourceLocation)
}


extension EmulatedBackend {
    /// The emulator's demo user of this back end, as the core names it.
    package var demoAccount: AccountID {
        AccountID(backend: rawValue, userID: Emulator.demoUserID(of: self) ?? "")
    }
}

/// How a test's client reaches the emulator: libcurl over loopback, or in
/// memory with no socket at all (`Emulator.transport`).
package enum Transport: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case loopback, inMemory

    /// Whether the emulator listens on a socket.
    package var listens: Bool { self == .loopback }

    package var testDescription: String { rawValue }
}
