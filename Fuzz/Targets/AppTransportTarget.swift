import AccountCoreC
import CAccountCore
import Dispatch
import POSIXThread
#if canImport(Glibc)
import Glibc
#endif

// The app transport's answer paths (`ac_http_respond`, `ac_http_fail`, the
// core's cancel, `ac_close`) in any order, from several threads, with any
// status, header count and length: the input is a script. Its first byte
// sets up the run (how many calls wait for answers, a short or long
// timeout, whether cancel answers); the rest are operations, split between
// two answering threads. What must hold, besides no crash and no sanitizer
// report: every answer is AC_OK or AC_ERR_ARGUMENT; a handle answered once
// (AC_OK) is refused after; a value never issued is refused; after
// ac_close every answer and call is refused.

/// What the app's side of one run knows: the handles it was given, those
/// it saw taken, and whether the core is closed. Its lock is held around
/// each answer, so that what it records matches the library's order.
private final class FuzzHost: @unchecked Sendable {
    // Unchecked: every field is under `lock`, or set once before threads start.
    struct State {
        var issued: [UInt] = []
        /// Handles whose answer the library took (AC_OK): any later answer is refused.
        var taken: Set<UInt> = []
        /// Handles taken before their send was recorded here: a bit flipped
        /// in a known handle can name the next one in its slot, issued by
        /// the library while its send waits for `lock`. Each must turn out
        /// to have been sent by the end of the run; one never sent is a
        /// value never issued, which the library must have refused.
        var takenBeforeSent: Set<UInt> = []
        /// An ac_close returned (whichever closed the core: one racing it
        /// returns only once that close is done).
        var closed = false
        var cancels = 0
    }

    let lock = LockedValue(State())
    let sent = DispatchSemaphore(value: 0)
    var answerInCancel = false

    /// Answers `handle` with `answer` under the lock and checks the status
    /// the library gave against what it promises.
    func answer(_ handle: UInt, _ answer: (OpaquePointer?) -> ac_status) {
        lock.withLock { state in
            let status = answer(OpaquePointer(bitPattern: handle))
            precondition(status == 0 || status == 2, "an answer is AC_OK or AC_ERR_ARGUMENT, got \(status)")
            if state.closed || state.taken.contains(handle) {
                precondition(status == 2, "an answer after ac_close or a second one is refused")
            }
            guard status == 0 else { return }
            state.taken.insert(handle)
            if !state.issued.contains(handle) { state.takenBeforeSent.insert(handle) }
        }
    }
}

/// The fixed buffers an answer points into: more header fields and body
/// bytes than any limit, so a count the library reads is always backed,
/// and one it must not read (over the limits) is never reached.
private enum FuzzBuffers {
    nonisolated(unsafe) static let value: UnsafeMutablePointer<CChar> = {
        let memory = UnsafeMutablePointer<CChar>.allocate(capacity: 70_000)
        memory.initialize(repeating: 0x76, count: 69_999)
        memory[69_999] = 0
        return memory
    }()
    nonisolated(unsafe) static let name: UnsafeMutablePointer<CChar> = {
        let memory = UnsafeMutablePointer<CChar>.allocate(capacity: 8)
        for (index, byte) in "X-Fuzz".utf8.enumerated() { memory[index] = CChar(bitPattern: byte) }
        memory[6] = 0
        return memory
    }()
    static let headerCapacity = 600
    nonisolated(unsafe) static let headers: UnsafeMutablePointer<ac_http_header> = {
        let memory = UnsafeMutablePointer<ac_http_header>.allocate(capacity: headerCapacity)
        // Most values short (the name itself), every 97th 70 KB long.
        for index in 0..<headerCapacity {
            (memory + index).initialize(to: ac_http_header(name: name, value: index % 97 == 96 ? value : name))
        }
        return memory
    }()
    static let bodyCapacity = (1 << 20) + 1
    nonisolated(unsafe) static let body: UnsafeMutablePointer<UInt8> = {
        let memory = UnsafeMutablePointer<UInt8>.allocate(capacity: bodyCapacity)
        memory.initialize(repeating: 0x7B, count: bodyCapacity)
        return memory
    }()
    /// Header counts: within the cap, at it, over it (never read), and C's absurd ones.
    static let counts: [Int] = [0, 1, 2, 96, 97, 499, 500, 501, 600, 4_000, -1, Int.min, Int.max]
    /// Body lengths, likewise.
    static let lengths: [Int] = [0, 2, 1_000, 1 << 20, (1 << 20) + 1, 1 << 40, -1, Int.min, Int.max]
}

private let fuzzSend: ac_transport_send_fn = { context, request, info in
    guard let context else { preconditionFailure("the transport's context is passed to send") }
    let host = Unmanaged<FuzzHost>.fromOpaque(context).takeUnretainedValue()
    guard let info else { preconditionFailure("send gets the request's info") }
    precondition(info.pointee.method != nil && info.pointee.url != nil, "a request has a method and a URL")
    precondition(info.pointee.header_count == 0 || info.pointee.headers != nil, "header_count fields are there")
    host.lock.withLock { state in
        precondition(!state.closed, "no send after ac_close returned")
        state.issued.append(UInt(bitPattern: request))
        state.takenBeforeSent.remove(UInt(bitPattern: request))
    }
    host.sent.signal()
}

private let fuzzCancel: ac_transport_cancel_fn = { context, request in
    guard let context else { preconditionFailure("the transport's context is passed to cancel") }
    let host = Unmanaged<FuzzHost>.fromOpaque(context).takeUnretainedValue()
    let handle = UInt(bitPattern: request)
    host.lock.withLock { state in
        precondition(!state.closed, "no cancel after ac_close returned")
        precondition(state.issued.contains(handle), "cancel names a request that was sent")
        state.cancels += 1
    }
    if host.answerInCancel {
        host.answer(handle) { ac_http_fail($0, 4, "cancelled in cancel") }
    }
}

private let fuzzEvent: ac_event_handler = { _, json in
    precondition(json != nil, "an event has its JSON")
}

/// A store of its own for the runs of this process.
private let appTransportStore: String = {
    let directory = "/tmp/accountcore-fuzz-app-\(getpid())"
    mkdir(directory, 0o700)
    return directory + "/store.sqlite"
}()

/// The answer paths of the app's transport, driven by `data` (see above).
@_cdecl("fuzz_app_transport")
public func fuzzAppTransport(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let setup = bytes.first ?? 0
    let host = FuzzHost()
    host.answerInCancel = setup & 1 != 0
    let callers = 1 + Int(setup >> 1 & 3) % 3
    let timeout = setup & 8 != 0 ? "0.1" : "5"
    let context = Unmanaged.passRetained(host)
    defer { context.release() }

    var transport = ac_transport(version: UInt32(AC_TRANSPORT_VERSION), context: context.toOpaque(),
                                 send: fuzzSend, cancel: fuzzCancel)
    let config = #"{"backend":"allmine","baseURL":"https://app.invalid","databasePath":"\#(appTransportStore)","timeoutSeconds":\#(timeout)}"#
    var opened: OpaquePointer?
    var error: UnsafeMutablePointer<CChar>?
    precondition(ac_open_with_transport(config, &transport, &opened, &error) == 0, "ac_open_with_transport")
    ac_string_free(error)
    guard let core = opened else { preconditionFailure("a core") }
    _ = ac_set_token(core, "token-of-the-app-transport-fuzzer-1")
    let coreValue = UInt(bitPattern: core)

    // The calls that wait for the app's answers.
    let calls = (0..<callers).map { _ in
        DetachedThreadJoin {
            for _ in 0..<2 {
                var json: UnsafeMutablePointer<CChar>?
                let status = ac_call(OpaquePointer(bitPattern: coreValue), "profile", nil, &json)
                precondition(json != nil, "out_json is always set")
                precondition(status >= 0 && status <= 13, "a status of the header")
                ac_string_free(json)
            }
        }
    }

    // The answering threads: each runs every other operation.
    let script = Array(bytes.dropFirst())
    let answerers = (0..<2).map { half in
        DetachedThreadJoin {
            runScript(script, half: half, host: host, core: coreValue)
        }
    }
    for answerer in answerers { answerer.join() }
    closeCore(host: host, core: coreValue)
    for call in calls { call.join() }
    // Every request was sent before ac_close returned: a handle taken and
    // never sent was one the library never issued.
    let (issued, takenNeverSent) = host.lock.withLock { ($0.issued, $0.takenBeforeSent) }
    precondition(takenNeverSent.isEmpty, "an answer to a value never issued is refused")
    // After close, every handle ever issued is refused.
    for handle in issued.prefix(8) {
        host.answer(handle) { ac_http_fail($0, 1, "after close") }
    }
    return 0
}

/// Closes the core, and marks it closed once ac_close returned: after
/// any ac_close returned, nothing calls the app and every answer is refused,
/// also when another ac_close racing it did the closing.
private func closeCore(host: FuzzHost, core: UInt) {
    ac_close(OpaquePointer(bitPattern: core))
    host.lock.withLock { $0.closed = true }
}

/// The operations of `script` at indexes `half`, `half + 2`, ...: each op
/// is a byte and the bytes after it that it reads.
private func runScript(_ script: [UInt8], half: Int, host: FuzzHost, core: UInt) {
    var position = 0
    var index = 0
    func next() -> UInt8 {
        defer { position += 1 }
        return position < script.count ? script[position] : 0
    }
    while position < script.count {
        let op = next()
        let operands = (next(), next(), next())
        defer { index += 1 }
        guard index % 2 == half else { continue }
        let issued = host.lock.withLock { $0.issued }
        let handle = issued.isEmpty ? 0 : issued[Int(operands.0) % issued.count]
        switch op % 8 {
        case 0:
            let status = Int32(Int16(bitPattern: UInt16(operands.1) << 8 | UInt16(operands.2)))
            let count = FuzzBuffers.counts[Int(op >> 3) % FuzzBuffers.counts.count]
            let length = FuzzBuffers.lengths[Int(op >> 3) % FuzzBuffers.lengths.count]
            let headers = op & 0x80 != 0 ? nil : UnsafePointer(FuzzBuffers.headers)
            host.answer(handle) {
                ac_http_respond($0, status, headers, count, UnsafePointer(FuzzBuffers.body), length)
            }
        case 1:
            host.answer(handle) { ac_http_fail($0, Int32(Int8(bitPattern: operands.1)), operands.2 & 1 == 0 ? nil : "fuzz") }
        case 2:
            // A value never issued (unless it happens to equal one).
            let garbage = UInt(operands.0) << 56 | UInt(operands.1) << 24 | UInt(operands.2) | UInt(op >> 3)
            host.answer(garbage) { ac_http_respond($0, 200, nil, 0, nil, 0) }
        case 3:
            // A handle with one bit flipped.
            host.answer(handle ^ (1 << UInt(operands.1 % UInt8(UInt.bitWidth)))) { ac_http_fail($0, 6, nil) }
        case 4:
            if operands.1 % 4 == 0 { closeCore(host: host, core: core) }
        case 5:
            var json: UnsafeMutablePointer<CChar>?
            let closed = host.lock.withLock { $0.closed }
            let status = ac_call(OpaquePointer(bitPattern: core), "outbox", nil, &json)
            precondition(!closed || status == 2, "a call after ac_close is refused")
            ac_string_free(json)
        case 6:
            let closed = host.lock.withLock { $0.closed }
            let status = ac_set_event_handler(OpaquePointer(bitPattern: core), operands.1 & 1 == 0 ? fuzzEvent : nil, nil)
            precondition(!closed || status == 2, "a call after ac_close is refused")
            _ = ac_set_online(OpaquePointer(bitPattern: core), Int32(operands.2 & 1))
        default:
            // Wait a moment for a request to be sent.
            _ = host.sent.wait(timeout: .now() + .milliseconds(Int(operands.1 % 50)))
        }
    }
}

/// A thread of its own running `body`, joined with `join()`.
private final class DetachedThreadJoin: @unchecked Sendable {
    // Unchecked: `done` is signalled once by the thread, waited on by one caller.
    private let done = DispatchSemaphore(value: 0)

    init(_ body: @escaping @Sendable () -> Void) {
        let done = self.done
        let started = DetachedThread.detach {
            body()
            done.signal()
        }
        precondition(started, "a thread for the fuzz run")
    }

    func join() {
        done.wait()
    }
}
