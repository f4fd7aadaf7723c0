import AccountCore

/// The host app's side of a `HostTransport`: what hands a request to the
/// app's own HTTP stack and tells it when the core no longer wants the
/// answer. The C interface's implementation calls the app's `ac_transport`.
///
/// Both functions are called on the core's threads, never while the
/// transport's lock is held, and must return promptly: the exchange itself
/// runs elsewhere, and its answer comes through `HostExchange.answer(_:)`.
package protocol HostEndpoint: Sendable {
    /// What the host side keeps with each exchange until it is gone (the C
    /// interface: its C copy of the request, which the app reads until it
    /// answers).
    associatedtype Payload: Sendable

    /// The host side's copy of `request`, made before it is sent.
    func payload(for request: TransportRequest, timeoutMilliseconds: Int) -> Payload

    /// Hands `exchange` to the host, which answers it once, now or later,
    /// from any thread.
    func send(_ exchange: HostExchange<Payload>)

    /// Tells the host that the core gave up on `exchange` (its timeout, a
    /// cancelled call, the core closing): called at most once, only after
    /// `send` returned, and only while the host had not answered.
    func cancel(_ exchange: HostExchange<Payload>)
}
