import AccountCore
import CAccountCore
import HTTPLimits
import HostTransport
import Libc
import POSIXThread

/// The app's `ac_transport`, as the core's `HostEndpoint`: each request is
/// copied into C memory the app reads until it answers, and handed to the
/// app's `send` with its handle; a give-up calls the app's `cancel`.
///
/// The handle is a number the library looks up (`HandleRegistry`), never a
/// pointer it trusts: `send` puts the exchange in the registry, the app's
/// first answer (`ac_http_respond`, `ac_http_fail`) takes it out, and any
/// other use of the handle (a second answer, one after `ac_close`, a value
/// never issued) finds nothing and is refused with `AC_ERR_ARGUMENT`. The
/// registry holds the exchange, and so the request's C memory, until the
/// app answered or the core closed (`abandonUnanswered`): a late answer
/// never reaches freed memory, and nothing the app forgot to answer
/// outlives the core.
struct CTransport: HostEndpoint {
    /// The app's functions and context, copied at open. The context is the
    /// app's, and the header makes it live until `ac_close` returns.
    private struct Functions: @unchecked Sendable {
        let send: ac_transport_send_fn
        let cancel: ac_transport_cancel_fn
        let context: UnsafeMutableRawPointer?
    }

    /// Whose requests are whose in the registry: one per open core.
    private final class Owner: Sendable {}

    /// Every request handed to an app and not answered yet, of every core.
    static let requests = HandleRegistry<HostExchange<CRequest>>(tag: 0x5E)

    private let functions: Functions
    private let owner = Owner()

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
        guard let handle = Self.requests.issue(exchange, owner: ObjectIdentifier(owner)) else {
            exchange.answer(.failure(TransportFailure(.other, detail: "other: too many requests under way in the app's transport")))
            return
        }
        exchange.payload.handle.withLock { $0 = handle }
        functions.send(functions.context, OpaquePointer(bitPattern: handle), exchange.payload.info)
    }

    func cancel(_ exchange: HostExchange<CRequest>) {
        // Called only after send returned, so the handle is set. While the
        // app has not answered, the registry still holds the exchange: an
        // answer inside cancel, or later, is taken once.
        let handle = exchange.payload.handle.withLock { $0 }
        functions.cancel(functions.context, OpaquePointer(bitPattern: handle))
    }

    /// Drops every request of this core that the app has not answered, once
    /// the transport is closed (no callback into the app runs any more): its
    /// handle names nothing from now on, and its C memory is freed here.
    func abandonUnanswered() {
        let abandoned = Self.requests.removeAll(owner: ObjectIdentifier(owner))
        // Freed here, outside the registry's lock.
        withExtendedLifetime(abandoned) {}
    }

    /// The exchange behind `handle`, taken out of the registry: the first
    /// answer gets it, any other use nil.
    static func exchange(answering handle: OpaquePointer?) -> HostExchange<CRequest>? {
        requests.take(UInt(bitPattern: handle))
    }
}

/// A request as C reads it: `ac_http_request_info` and every string and
/// byte it points to, in memory of its own, freed with the exchange.
final class CRequest: @unchecked Sendable {
    // Unchecked: written once in init, only read after, freed in deinit.
    let info: UnsafeMutablePointer<ac_http_request_info>
    /// The handle the app got for it, set by `send` (0 until then).
    let handle = LockedValue<UInt>(0)
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
/// call, and checked; every length and count before anything is read.
enum CAnswer {
    /// The response `ac_http_respond` was given, or the failure a malformed
    /// one stands for (`malformed` true), or one over the limits every
    /// transport keeps (`HTTPResponseLimits`: `responseTooLarge`).
    ///
    /// `count` and `length` are C's `size_t` as `Int`: a length over
    /// `PTRDIFF_MAX`, which no C object has (an app's `n - 1` with `n == 0`
    /// is `SIZE_MAX`), is negative here, and malformed.
    static func response(status: Int32, headers: UnsafePointer<ac_http_header>?, count: Int,
                         body: UnsafePointer<UInt8>?, length: Int)
        -> (outcome: Result<TransportResponse, TransportFailure>, malformed: Bool) {
        func malformed(_ what: String) -> (Result<TransportResponse, TransportFailure>, Bool) {
            (.failure(TransportFailure(.other, detail: "other: the app's transport answered \(what)")), true)
        }
        func tooLarge(_ what: String) -> (Result<TransportResponse, TransportFailure>, Bool) {
            (.failure(TransportFailure(.responseTooLarge, detail: "responseTooLarge: \(what)")), false)
        }
        guard count >= 0 else { return malformed("a header count of \(UInt(bitPattern: count))") }
        guard length >= 0 else { return malformed("a body length of \(UInt(bitPattern: length))") }
        // A 1xx is an interim response: the app's stack must wait for the
        // final one, as curl and URLSession do.
        guard (200...599).contains(status) else {
            return malformed((100...199).contains(status) ? "status \(status), which is not a final response" : "status \(status)")
        }
        guard count == 0 || headers != nil, body != nil || length == 0 else { return malformed("NULL with a length") }
        guard count <= HTTPResponseLimits.maximumHeaderCount else {
            return tooLarge("\(count) header fields, more than \(HTTPResponseLimits.maximumHeaderCount)")
        }
        guard length <= HTTPResponseLimits.maximumBodyBytes else {
            return tooLarge("the response body is \(length) bytes, more than 1 MiB")
        }
        // Each name and value is read only as far as the header bytes left allow.
        var budget = HTTPResponseLimits.maximumHeaderBytes
        var fields: [(name: String, value: String)] = []
        fields.reserveCapacity(count)
        for index in 0..<count {
            let field = headers.map { $0[index] }
            guard let name = field?.name, let value = field?.value else { return malformed("a NULL header name or value") }
            let overhead = HTTPResponseLimits.wireBytes(nameBytes: 0, valueBytes: 0)
            guard budget >= overhead else { return tooLarge(headerBytesText) }
            let nameLength = strnlen(name, budget - overhead + 1)
            let valueLength = nameLength <= budget - overhead ? strnlen(value, budget - overhead - nameLength + 1) : 0
            let used = HTTPResponseLimits.wireBytes(nameBytes: nameLength, valueBytes: valueLength)
            guard used <= budget else { return tooLarge(headerBytesText) }
            budget -= used
            fields.append((text(name, length: nameLength), text(value, length: valueLength)))
        }
        let bytes = body.map { Array(UnsafeBufferPointer(start: $0, count: length)) } ?? []
        return (.success(TransportResponse(status: Int(status), headers: fields, body: bytes)), false)
    }

    private static var headerBytesText: String {
        "header fields of more than \(HTTPResponseLimits.maximumHeaderBytes) bytes"
    }

    /// The `length` bytes at `pointer` as text, any invalid UTF-8 replaced.
    private static func text(_ pointer: UnsafePointer<CChar>, length: Int) -> String {
        pointer.withMemoryRebound(to: UInt8.self, capacity: length) {
            String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
        }
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
}
