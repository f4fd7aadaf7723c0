import AccountCore
import CAccountCore
import HostTransport
import Libc

/// The app's `ac_transport`, as the core's `HostEndpoint`: each request is
/// copied into C memory the app reads until it answers, and handed to the
/// app's `send` with its handle; a give-up calls the app's `cancel`.
///
/// The handle is the exchange itself: `send` gives the app one reference to
/// it, which its answer (`ac_http_respond`, `ac_http_fail`) takes back. So the
/// handle and the request it describes stay valid until the app answered,
/// whatever the core did meanwhile, and a late answer finds them intact.
struct CTransport: HostEndpoint {
    /// The app's functions and context, copied at open. The context is the
    /// app's, and the header makes it live until `ac_close` returns.
    private struct Functions: @unchecked Sendable {
        let send: ac_transport_send_fn
        let cancel: ac_transport_cancel_fn
        let context: UnsafeMutableRawPointer?
    }

    private let functions: Functions

    /// The app's transport, or nil when it is not one this library can use
    /// (a version it does not know, a missing function).
    init?(_ transport: ac_transport) {
        guard transport.version >= 1, transport.version <= UInt32(AC_TRANSPORT_VERSION),
              let send = transport.send, let cancel = transport.cancel else { return nil }
        functions = Functions(send: send, cancel: cancel, context: transport.context)
    }

    func payload(for request: TransportRequest, timeoutMilliseconds: Int) -> CRequest {
        CRequest(request, timeoutMilliseconds: timeoutMilliseconds)
    }

    func send(_ exchange: HostExchange<CRequest>) {
        let handle = Unmanaged.passRetained(exchange).toOpaque()
        functions.send(functions.context, OpaquePointer(handle), exchange.payload.info)
    }

    func cancel(_ exchange: HostExchange<CRequest>) {
        // The caller holds the exchange: the handle stays valid for this
        // call even if the app answers it on another thread meanwhile.
        functions.cancel(functions.context, OpaquePointer(Unmanaged.passUnretained(exchange).toOpaque()))
    }

    /// The exchange behind `handle`, taking back the reference `send` gave the app.
    static func exchange(answering handle: OpaquePointer) -> HostExchange<CRequest> {
        Unmanaged<HostExchange<CRequest>>.fromOpaque(UnsafeRawPointer(handle)).takeRetainedValue()
    }
}

/// A request as C reads it: `ac_http_request_info` and every string and
/// byte it points to, in memory of its own, freed with the exchange.
final class CRequest: @unchecked Sendable {
    // Unchecked: written once in init, only read after, freed in deinit.
    let info: UnsafeMutablePointer<ac_http_request_info>
    private let strings: [UnsafeMutablePointer<CChar>]
    private let headers: UnsafeMutablePointer<ac_http_header>
    private let body: UnsafeMutablePointer<UInt8>?

    init(_ request: TransportRequest, timeoutMilliseconds: Int) {
        var strings: [UnsafeMutablePointer<CChar>] = []
        func copy(_ text: String) -> UnsafeMutablePointer<CChar> {
            let bytes = Array(text.utf8)
            let memory = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count + 1)
            for (index, byte) in bytes.enumerated() { memory[index] = CChar(bitPattern: byte) }
            memory[bytes.count] = 0
            strings.append(memory)
            return memory
        }
        let method = copy(request.method), url = copy(request.url)
        headers = .allocate(capacity: max(1, request.headers.count))
        for (index, header) in request.headers.enumerated() {
            (headers + index).initialize(to: ac_http_header(name: copy(header.name), value: copy(header.value)))
        }
        if let bytes = request.body {
            let memory = UnsafeMutablePointer<UInt8>.allocate(capacity: max(1, bytes.count))
            memory.initialize(from: bytes, count: bytes.count)
            body = memory
        } else {
            body = nil
        }
        self.strings = strings
        info = .allocate(capacity: 1)
        info.initialize(to: ac_http_request_info(
            method: method, url: url, headers: headers, header_count: request.headers.count,
            body: body, body_length: request.body?.count ?? 0,
            timeout_ms: UInt32(clamping: timeoutMilliseconds)))
    }

    deinit {
        for string in strings { string.deallocate() }
        headers.deallocate()
        body?.deallocate()
        info.deallocate()
    }
}

/// What an app's answer means to the core: read from its buffers during the
/// call, and checked.
enum CAnswer {
    /// The largest body the core takes, as `CurlTransport` does.
    static let maximumBody = 1 << 20

    /// The response `ac_http_respond` was given, or the failure a malformed
    /// one stands for (`malformed` true).
    static func response(status: Int32, headers: UnsafePointer<ac_http_header>?, count: Int,
                         body: UnsafePointer<UInt8>?, length: Int)
        -> (outcome: Result<TransportResponse, TransportFailure>, malformed: Bool) {
        func malformed(_ what: String) -> (Result<TransportResponse, TransportFailure>, Bool) {
            (.failure(TransportFailure(.other, detail: "other: the app's transport answered \(what)")), true)
        }
        guard (100...599).contains(status) else { return malformed("status \(status)") }
        guard count == 0 || headers != nil, body != nil || length == 0 else { return malformed("NULL with a length") }
        guard length <= maximumBody else {
            return (.failure(TransportFailure(.responseTooLarge,
                                              detail: "responseTooLarge: the response body is \(length) bytes, more than 1 MiB")), false)
        }
        var fields: [(name: String, value: String)] = []
        fields.reserveCapacity(count)
        for index in 0..<count {
            let field = headers.map { $0[index] }
            guard let name = field?.name, let value = field?.value else { return malformed("a NULL header name or value") }
            fields.append((String(decoding: bounded(name), as: UTF8.self), String(decoding: bounded(value), as: UTF8.self)))
        }
        let bytes = body.map { Array(UnsafeBufferPointer(start: $0, count: length)) } ?? []
        return (.success(TransportResponse(status: Int(status), headers: fields, body: bytes)), false)
    }

    /// The failure `ac_http_fail` was given (`unknown` true for a kind this
    /// library does not know, taken as other).
    static func failure(_ failure: ac_http_failure, detail: UnsafePointer<CChar>?) -> (TransportFailure, unknown: Bool) {
        let kinds: [Int: TransportFailure.Kind] = [
            AC_HTTP_NO_CONNECTION: .noConnection, AC_HTTP_TIMEOUT: .timeout, AC_HTTP_TLS: .tls,
            AC_HTTP_CANCELLED: .cancelled, AC_HTTP_INTERRUPTED: .interrupted, AC_HTTP_OTHER: .other,
        ]
        let kind = kinds[Int(failure)] ?? .other
        var text = kind.rawValue + ": "
        if let detail {
            // Short and safe to show: at most 512 bytes, read as UTF-8 with
            // any invalid byte replaced.
            text += String(decoding: UnsafeBufferPointer(start: detail, count: strnlen(detail, 512))
                .map { UInt8(bitPattern: $0) }, as: UTF8.self)
        } else {
            text += "the app's transport failed"
        }
        return (TransportFailure(kind, detail: text), kinds[Int(failure)] == nil)
    }

    /// The bytes of `text`, NUL-terminated, read up to 64 KiB.
    private static func bounded(_ text: UnsafePointer<CChar>) -> [UInt8] {
        UnsafeBufferPointer(start: text, count: strnlen(text, 1 << 16)).map { UInt8(bitPattern: $0) }
    }
}
