import AccountCore
import POSIXThread

/// One request handed to the host: what to send, how long the core waits,
/// the host side's copy of it, and the one outcome that settles it.
///
/// The first of these settles it: the host's answer, or the core giving up
/// (its timeout, a cancelled call, the transport closing); whatever comes
/// after is ignored. A give-up is told to the host only for a request it has
/// and has not answered, never while its `send` still runs (then as soon as
/// it returns), and always before the waiting call resumes: a closing
/// transport waits for those calls, so once they are over no callback into
/// the host runs any more.
package final class HostExchange<Payload: Sendable>: Sendable {
    /// What to send.
    package let request: TransportRequest
    /// How long the core waits for the answer before it gives up.
    package let timeoutMilliseconds: Int
    /// The host side's copy of the request.
    package let payload: Payload

    private let state = LockedValue(State())

    /// The outcome a call waits for.
    typealias Outcome = Result<TransportResponse, TransportFailure>

    private struct State {
        /// Where the host's `send` is: not called yet, under way, returned.
        enum Phase { case waiting, sending, sent }
        var phase = Phase.waiting
        /// Whether the outcome is decided.
        var settled = false
        /// The outcome, when it was decided before the call waited for it.
        var outcome: Outcome?
        /// The call waiting for the outcome.
        var waiter: CheckedContinuation<Outcome, Never>?
        /// Whether the host answered (a later answer is its mistake, and ignored).
        var answered = false
        /// The core gave up while `send` ran: tell the host once it returns.
        var cancelDue = false
        /// Whether the host was told of the give-up.
        var toldHost = false
    }

    init(request: TransportRequest, timeoutMilliseconds: Int, payload: Payload) {
        self.request = request
        self.timeoutMilliseconds = timeoutMilliseconds
        self.payload = payload
    }

    /// Settles the exchange with the host's answer. Returns false when the
    /// core no longer wanted it (it gave up first) or the host had answered
    /// already: the answer is then ignored.
    @discardableResult
    package func answer(_ outcome: Result<TransportResponse, TransportFailure>) -> Bool {
        let (taken, waiter) = state.withLock { state -> (Bool, CheckedContinuation<Outcome, Never>?) in
            guard !state.answered else { return (false, nil) }
            state.answered = true
            guard !state.settled else { return (false, nil) }
            state.settled = true
            let waiter = state.waiter
            state.waiter = nil
            if waiter == nil { state.outcome = outcome }
            return (true, waiter)
        }
        waiter?.resume(returning: outcome)
        return taken
    }

    /// Hands the exchange to the host through `send`, unless the core gave
    /// up already; then tells the host of a give-up that came meanwhile.
    func start(send: (HostExchange) -> Void, cancel: (HostExchange) -> Void) {
        let go = state.withLock { state -> Bool in
            guard !state.settled else { return false }
            state.phase = .sending
            return true
        }
        guard go else { return }
        send(self)
        let tell = state.withLock { state -> Bool in
            state.phase = .sent
            guard state.cancelDue, !state.answered, !state.toldHost else { return false }
            state.toldHost = true
            return true
        }
        if tell { cancel(self) }
    }

    /// The outcome, once settled.
    func outcome() async -> Outcome {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> Outcome? in
                if state.settled, let outcome = state.outcome { return outcome }
                state.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    /// Settles the exchange with `failure` unless it is settled already,
    /// telling the host through `cancel` first when it has the request and
    /// has not answered it.
    func giveUp(_ failure: TransportFailure, cancel: (HostExchange) -> Void) {
        let (waiter, tell) = state.withLock { state -> (CheckedContinuation<Outcome, Never>?, Bool) in
            guard !state.settled else { return (nil, false) }
            state.settled = true
            let waiter = state.waiter
            state.waiter = nil
            if waiter == nil { state.outcome = .failure(failure) }
            var tell = false
            if !state.answered, !state.toldHost {
                switch state.phase {
                case .waiting: break
                case .sending: state.cancelDue = true
                case .sent:
                    state.toldHost = true
                    tell = true
                }
            }
            return (waiter, tell)
        }
        if tell { cancel(self) }
        waiter?.resume(returning: .failure(failure))
    }
}
