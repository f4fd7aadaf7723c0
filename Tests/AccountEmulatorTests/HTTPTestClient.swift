@testable import AccountEmulator
import FoundationEssentials
import Testing
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
        var v4 = in_addr()
        var v6 = in6_addr()
        let family = inet_pton(AF_INET, host, &v4) == 1 ? AF_INET : AF_INET6
        guard family == AF_INET || inet_pton(AF_INET6, host, &v6) == 1 else { throw HTTPTestFailure(call: "inet_pton") }
        descriptor = socket(family, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw HTTPTestFailure(call: "socket") }
        var result: Int32
        if family == AF_INET {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = port.bigEndian
            address.sin_addr = v4
            result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        } else {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = port.bigEndian
            address.sin6_addr = v6
            result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
        }
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
    static func curl(_ arguments: [String]) throws -> HTTPProcessResult {
        try run("/usr/bin/curl", ["--silent", "--show-error", "--max-time", "20"] + arguments)
    }

    /// Runs `path` with `arguments`, and returns its output once it exited.
    static func run(_ path: String, _ arguments: [String]) throws -> HTTPProcessResult {
        // Socket pairs instead of pipes: created close-on-exec, so a process
        // another test spawns at the same moment cannot inherit them.
        var outPair: [Int32] = [-1, -1]
        var errPair: [Int32] = [-1, -1]
        let type = Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue)
        guard socketpair(AF_UNIX, type, 0, &outPair) == 0 else { throw HTTPTestFailure(call: "socketpair") }
        guard socketpair(AF_UNIX, type, 0, &errPair) == 0 else {
            close(outPair[0]); close(outPair[1])
            throw HTTPTestFailure(call: "socketpair")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, outPair[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPair[1], 2)
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, path, &actions, nil, argv, environ)
        close(outPair[1])
        close(errPair[1])
        defer { close(outPair[0]); close(errPair[0]) }
        guard spawned == 0 else { throw HTTPTestFailure(call: "posix_spawn", code: spawned) }

        var outputs: [[UInt8]] = [[], []]
        var pollers = [pollfd(fd: outPair[0], events: Int16(POLLIN), revents: 0),
                       pollfd(fd: errPair[0], events: Int16(POLLIN), revents: 0)]
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while pollers.contains(where: { $0.fd >= 0 }) {
            guard poll(&pollers, 2, -1) >= 0 || errno == EINTR else { break }
            for index in 0..<2 where pollers[index].fd >= 0 && pollers[index].revents != 0 {
                let count = chunk.withUnsafeMutableBytes { read(pollers[index].fd, $0.baseAddress, $0.count) }
                if count > 0 {
                    outputs[index].append(contentsOf: chunk[0..<count])
                } else {
                    // A negative descriptor is skipped by poll.
                    pollers[index].fd = -1
                }
            }
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        // WEXITSTATUS, which Swift does not import as a macro.
        let exitCode = status & 0x7F == 0 ? (status >> 8) & 0xFF : -1
        return HTTPProcessResult(exitCode: exitCode, stdout: String(decoding: outputs[0], as: UTF8.self),
                             stderr: String(decoding: outputs[1], as: UTF8.self))
    }
}
