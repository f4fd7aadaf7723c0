@testable import AccountEmulator
import FoundationEssentials
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A failed system call in a test helper, with its errno.
struct HTTPTestFailure: Error, CustomStringConvertible {
    let call: String
    var code: Int32 = errno

    var description: String { "\(call): \(String(cString: strerror(code))) (errno \(code))" }
}

/// A response as a test client read it off the wire.
struct HTTPWireResponse {
    /// The status code.
    var status: Int
    /// The header fields as sent.
    var headers: HTTPHeaders
    /// The body.
    var body: [UInt8]

    /// The body as UTF-8 text.
    var text: String { String(decoding: body, as: UTF8.self) }
}

/// A TCP client on a raw socket, so tests control every byte sent and see
/// every byte received: no HTTP library decides for them.
final class HTTPRawConnection {
    private let descriptor: Int32
    /// Bytes received and not yet returned.
    private var received: [UInt8] = []

    /// Connects to `host` (an IPv4 or IPv6 literal) at `port`.
    init(port: UInt16, host: String = "127.0.0.1") throws {
        guard let address = HTTPListenAddress(host: host) else { throw HTTPTestFailure(call: "inet_pton", code: EINVAL) }
        descriptor = socket(address.family, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw HTTPTestFailure(call: "socket") }
        let result = address.withSocketAddress(port: port) { connect(descriptor, $0, $1) }
        // No close here: the object is whole, so deinit closes the socket.
        guard result == 0 else { throw HTTPTestFailure(call: "connect") }
    }

    deinit {
        close(descriptor)
    }

    /// Sends `text` as UTF-8.
    func send(_ text: String) throws {
        try send(Array(text.utf8))
    }

    /// Sends `bytes`, all of them.
    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes { raw in
                Glibc.send(descriptor, raw.baseAddress.map { $0 + offset }, raw.count - offset, Int32(MSG_NOSIGNAL))
            }
            guard count > 0 else { throw HTTPTestFailure(call: "send") }
            offset += count
        }
    }

    /// Reads one final response (skipping any 100 Continue), waiting at most
    /// `timeout` seconds; nil when the connection closed or nothing whole came.
    func readResponse(timeout: Double = 5, isHeadRequest: Bool = false) -> HTTPWireResponse? {
        let deadline = ContinuousClock.now + .seconds(timeout)
        while true {
            if let (response, consumed) = Self.parseResponse(received, isHeadRequest: isHeadRequest) {
                received.removeFirst(consumed)
                if response.status == 100 { continue }
                return response
            }
            guard readMore(until: deadline) > 0 else { return nil }
        }
    }

    /// Whether the server closes the connection within `timeout` seconds;
    /// bytes that come before the close are kept for `readResponse`.
    func waitForClose(timeout: Double = 5) -> Bool {
        let deadline = ContinuousClock.now + .seconds(timeout)
        while true {
            switch readMore(until: deadline) {
            case 0: return true
            case -2: return false
            default: continue
            }
        }
    }

    /// Bytes received and not yet taken by `readResponse`.
    var unreadBytes: [UInt8] { received }

    /// Reads what arrives before `deadline`: the byte count, 0 at end of
    /// file or reset, -2 when the deadline passed.
    private func readMore(until deadline: ContinuousClock.Instant) -> Int {
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        let remaining = ContinuousClock.now.duration(to: deadline)
        let milliseconds = max(0, Int32(remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000))
        let ready = poll(&poller, 1, milliseconds)
        if ready == 0 { return -2 }
        if ready < 0 { return errno == EINTR ? readMore(until: deadline) : 0 }
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        if count <= 0 { return 0 }
        received.append(contentsOf: chunk[0..<count])
        return count
    }

    /// A whole response at the start of `bytes`, and its length.
    static func parseResponse(_ bytes: [UInt8], isHeadRequest: Bool) -> (HTTPWireResponse, Int)? {
        let terminator: [UInt8] = [13, 10, 13, 10]
        guard bytes.count >= 4,
              let headEnd = (0...(bytes.count - 4)).first(where: { bytes[$0..<($0 + 4)].elementsEqual(terminator) })
        else { return nil }
        let lines = String(decoding: bytes[..<headEnd], as: UTF8.self).split(separator: "\r\n", omittingEmptySubsequences: false)
        guard let statusLine = lines.first else { return nil }
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, let status = Int(parts[1]) else { return nil }
        var headers = HTTPHeaders()
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.add(String(line[..<colon]), String(line[line.index(after: colon)...]).trimmingHTTPWhitespace())
        }
        let bodyStart = headEnd + 4
        let length = (isHeadRequest || status == 100 || status == 204 || status == 304)
            ? 0 : Int(headers["Content-Length"] ?? "0") ?? 0
        guard bytes.count - bodyStart >= length else { return nil }
        return (HTTPWireResponse(status: status, headers: headers, body: Array(bytes[bodyStart..<(bodyStart + length)])),
                bodyStart + length)
    }
}

/// What a subprocess printed and how it ended.
struct HTTPProcessResult {
    var exitCode: Int32
    var stdout: String
    var stderr: String
}

/// Subprocesses for the HTTP tests: a client that is not ours.
enum HTTPTestProcess {
    /// Runs `/usr/bin/curl` with `arguments` (plus a 20 s cap) and collects its output.
    static func curl(_ arguments: [String]) async throws -> HTTPProcessResult {
        let result = try await execute("/usr/bin/curl", ["--silent", "--show-error", "--max-time", "20"] + arguments)
        return HTTPProcessResult(exitCode: result.status, stdout: result.output, stderr: result.errorOutput)
    }
}
