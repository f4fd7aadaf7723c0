import AccountCore
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import HTTPLimits
import POSIXThread

/// One request on its way: what the delegate's callbacks collect for it,
/// and the one answer its caller gets, from whichever comes first: the
/// task's end, the caller's cancellation, the total timeout, or a rule of
/// ours (a body too large).
///
/// No redirect is followed: the request carries the token, and a 3xx must
/// not take it to another address; the 3xx is the answer. FoundationNetworking
/// traps when a cancel reaches a task between a redirect and its answer
/// ("Received callback for HTTP redirection, but we're not waiting for
/// it"). So the task is never cancelled while URLSession may still be
/// acting on a redirect we answered (the cancel waits for the task's next
/// callback; the caller has its answer at once all the same), and a
/// redirect asked about after a cancel gets no answer.
final class URLSessionExchange: Sendable {
    /// What the caller waits on.
    typealias Continuation = CheckedContinuation<Result<TransportResponse, TransportFailure>, Never>

    /// How to answer URLSession's question whether to follow a redirect.
    enum RedirectAnswer {
        /// Do not: the 3xx is the task's final response.
        case refuse
        /// Do not answer at all: the task was cancelled, and an answer now
        /// would trap FoundationNetworking.
        case abandon
    }

    /// What the callbacks, the caller and the timer share.
    private struct State {
        /// The caller, once it waits.
        var continuation: Continuation?
        /// The answer, once decided; later ones are dropped.
        var outcome: Result<TransportResponse, TransportFailure>?
        /// The status and header fields of the current response.
        var response: HTTPURLResponse?
        /// The body of the current response so far.
        var body: [UInt8] = []
        /// Whether a redirect was answered and no callback came since:
        /// URLSession may still be acting on the answer.
        var redirectAnswered = false
        /// Whether the task is to be cancelled at its next callback.
        var cancelDeferred = false
        /// Whether `task.cancel()` was called.
        var taskCancelled = false

        /// A callback of the task came: a redirect answered before has
        /// been acted on. True when a deferred cancel is due now.
        mutating func callbackCame() -> Bool {
            redirectAnswered = false
            guard cancelDeferred, !taskCancelled else { return false }
            taskCancelled = true
            return true
        }
    }

    /// The task that performs the request.
    let task: URLSessionTask
    /// The most body bytes accepted.
    let maxResponseBytes: Int
    /// The shared state.
    private let state = LockedValue(State())

    /// An exchange performed by `task`, accepting bodies up to
    /// `maxResponseBytes`.
    init(task: URLSessionTask, maxResponseBytes: Int) {
        self.task = task
        self.maxResponseBytes = maxResponseBytes
    }

    /// Hands over the waiting caller; false when the answer is already
    /// decided (cancelled before it started), which is then given at once
    /// and the task must not start.
    func start(_ continuation: Continuation) -> Bool {
        let decided = state.withLock { state -> Result<TransportResponse, TransportFailure>? in
            if state.outcome == nil { state.continuation = continuation }
            return state.outcome
        }
        guard let decided else { return true }
        continuation.resume(returning: decided)
        return false
    }

    /// Decides the answer unless it is decided already, and gives it to the
    /// caller; with `cancelsTask`, the task is cancelled too (now, or at its
    /// next callback when a redirect's answer may be under way).
    func finish(_ outcome: Result<TransportResponse, TransportFailure>, cancelsTask: Bool = true) {
        let (decides, waiting, cancelNow) = state.withLock { state -> (Bool, Continuation?, Bool) in
            guard state.outcome == nil else { return (false, nil, false) }
            state.outcome = outcome
            defer { state.continuation = nil }
            guard cancelsTask else { return (true, state.continuation, false) }
            if state.redirectAnswered {
                state.cancelDeferred = true
                return (true, state.continuation, false)
            }
            state.taskCancelled = true
            return (true, state.continuation, true)
        }
        guard decides else { return }
        waiting?.resume(returning: outcome)
        if cancelNow { task.cancel() }
    }

    /// A response's status and fields arrived: a new response starts (as
    /// after a redirect). Fails the exchange when it announces a body over
    /// `maxResponseBytes`.
    func received(_ response: HTTPURLResponse) {
        let cancelNow = state.withLock { state in
            state.response = response
            state.body = []
            return state.callbackCame()
        }
        if cancelNow { task.cancel() }
        if let tooMany = Self.headerExcess(response.headerFields) { finish(.failure(tooMany)) }
        if response.expectedContentLength > Int64(maxResponseBytes) { finish(.failure(.tooLarge(maxResponseBytes))) }
    }

    /// Body bytes arrived; past `maxResponseBytes` the exchange fails.
    func received(_ data: Data) {
        let (fits, cancelNow) = state.withLock { state -> (Bool, Bool) in
            let cancelNow = state.callbackCame()
            guard state.outcome == nil else { return (true, cancelNow) }
            guard data.count <= maxResponseBytes - state.body.count else { return (false, cancelNow) }
            state.body.append(contentsOf: data)
            return (true, cancelNow)
        }
        if cancelNow { task.cancel() }
        if !fits { finish(.failure(.tooLarge(maxResponseBytes))) }
    }

    /// The answer to the redirect `response`: never followed, whatever the
    /// method (the 3xx is the task's response); no answer at all once the
    /// task was cancelled. Until the task's next callback, a cancel waits.
    func redirect(_ response: HTTPURLResponse) -> RedirectAnswer {
        let (answer, cancelNow) = state.withLock { state -> (RedirectAnswer, Bool) in
            let cancelNow = state.callbackCame()
            // Cancelled: URLSession stopped waiting for the answer.
            if cancelNow || state.taskCancelled { return (.abandon, cancelNow) }
            // The 3xx is the answer, body and all (what came of it so far is kept).
            state.response = response
            state.redirectAnswered = true
            return (.refuse, false)
        }
        if cancelNow { task.cancel() }
        return answer
    }

    /// The task ended, with `error` or with the response collected.
    func completed(with error: (any Error)?) {
        let (response, body) = state.withLock { state in
            _ = state.callbackCame()
            return (state.response, state.body)
        }
        if let error {
            finish(.failure(TransportFailure(urlSessionError: error)), cancelsTask: false)
        } else if let response {
            finish(.success(TransportResponse(status: response.statusCode, headers: response.headerFields, body: body)),
                   cancelsTask: false)
        } else {
            finish(.failure(TransportFailure(.other, detail: "the task ended without a response")), cancelsTask: false)
        }
    }

    /// The failure for header fields over the limits every transport
    /// keeps (`HTTPResponseLimits`), or nil when they are within them.
    /// URLSession has read them already; the core does not take them.
    static func headerExcess(_ fields: [(name: String, value: String)]) -> TransportFailure? {
        guard fields.count <= HTTPResponseLimits.maximumHeaderCount else {
            return TransportFailure(.responseTooLarge, detail: "more than \(HTTPResponseLimits.maximumHeaderCount) header fields")
        }
        let bytes = fields.reduce(0) {
            $0 + HTTPResponseLimits.wireBytes(nameBytes: $1.name.utf8.count, valueBytes: $1.value.utf8.count)
        }
        guard bytes <= HTTPResponseLimits.maximumHeaderBytes else {
            return TransportFailure(.responseTooLarge,
                                    detail: "header fields of more than \(HTTPResponseLimits.maximumHeaderBytes) bytes")
        }
        return nil
    }
}

extension HTTPURLResponse {
    /// The header fields, sorted by name: URLSession keeps them in a
    /// dictionary, which forgets their order and joins repeated fields.
    var headerFields: [(name: String, value: String)] {
        allHeaderFields.compactMap { name, value -> (name: String, value: String)? in
            guard let name = name as? String, let value = value as? String else { return nil }
            return (name: name, value: value)
        }
        .sorted { $0.name.lowercased() < $1.name.lowercased() }
    }
}
