import POSIXThread

/// A misbehaviour injected into the next `remaining` requests whose method
/// and path match, so tests can show what the client does with it.
struct Fault: Sendable, Hashable {
    /// What goes wrong.
    enum Mode: String, Sendable, CaseIterable {
        /// 500 in the back end's error shape.
        case serverError
        /// 502 with an HTML body, as a proxy sends it.
        case badGateway
        /// 429 with `Retry-After`.
        case rateLimited
        /// 503 with `Retry-After`.
        case unavailable
        /// The connection closes before any answer; nothing is applied.
        case closeBeforeAnswer
        /// The mutation is applied, then the connection closes without an answer.
        case applyThenClose
        /// The answer comes after `delayMilliseconds`.
        case delay
        /// Allmine's success body comes bare, without the envelope.
        case allmineWithoutEnvelope
        /// Ovok's `scheduled` comes as `{}`.
        case ovokScheduledEmptyObject
        /// `status` in the back end's error shape, with nothing applied.
        case status
        /// A 200 whose body is not JSON (the mutation is applied).
        case notJSON
        /// A 200 whose string fields (in Allmine's `data`, or at the top
        /// level) all hold the number 42: a wrong type in a required field
        /// (the mutation is applied).
        case wrongFieldType
        /// A 302 to the same path with `?redirected=1`, nothing applied: a
        /// client that followed it would get the real answer from there.
        case redirect
    }

    var method: String
    var path: String
    var mode: Mode
    var remaining: Int
    /// Seconds for `Retry-After` (rateLimited, unavailable).
    var retryAfter: Int
    /// For `delay`.
    var delayMilliseconds: Int
    /// For `status`.
    var status: Int
}

/// The faults waiting to happen.
final class FaultBook: Sendable {
    private let faults = LockedValue<[Fault]>([])

    func add(_ fault: Fault) {
        faults.withLock { $0.append(fault) }
    }

    func removeAll() {
        faults.withLock { $0.removeAll() }
    }

    var pending: [Fault] { faults.withLock { $0 } }

    /// Takes one use of the first fault matching `method` and `path`.
    func take(method: String, path: String) -> Fault? {
        faults.withLock { faults in
            guard let index = faults.firstIndex(where: { $0.method == method && $0.path == path && $0.remaining > 0 }) else {
                return nil
            }
            faults[index].remaining -= 1
            let fault = faults[index]
            if fault.remaining == 0 { faults.remove(at: index) }
            return fault
        }
    }
}
