import AccountCore
import Dispatch
import POSIXThread

/// The core's HTTP through the host app's own stack (OkHttp, Cronet,
/// URLSession, ...), as Mozilla's viaduct does it: the core describes each
/// request, the app performs it and answers, and libcurl is never used.
///
/// The core keeps the rules a transport must keep whatever the app does: it
/// gives up after `timeoutMilliseconds` (a `.timeout` failure) when no
/// answer came, as it does for a cancelled call, and tells the app
/// (`HostEndpoint.cancel`); an answer after that is ignored. `close()` gives
/// up on every request under way and returns once nothing calls into the
/// app any more.
package final class HostTransport<Endpoint: HostEndpoint>: HTTPTransport {
    /// The app's side.
    package let endpoint: Endpoint
    /// How long the core waits for each answer.
    package let timeoutMilliseconds: Int

    private struct State {
        var closed = false
        var exchanges: [ObjectIdentifier: HostExchange<Endpoint.Payload>] = [:]
    }

    private let state = LockedValue(State())
    /// The exchanges under way: each enters when it starts and leaves once
    /// it is settled and every callback about it has returned.
    private let underWay = DispatchGroup()

    /// A transport handing requests to `endpoint`, waiting at most
    /// `timeoutMilliseconds` for each answer.
    package init(endpoint: Endpoint, timeoutMilliseconds: Int) {
        self.endpoint = endpoint
        self.timeoutMilliseconds = timeoutMilliseconds
    }

    package func send(_ request: TransportRequest) async throws(TransportFailure) -> TransportResponse {
        let endpoint = endpoint
        let exchange = HostExchange(request: request, timeoutMilliseconds: timeoutMilliseconds,
                                    payload: endpoint.payload(for: request, timeoutMilliseconds: timeoutMilliseconds))
        guard register(exchange) else { throw TransportFailure(.cancelled, detail: "cancelled: the core was closed") }
        defer { unregister(exchange) }
        let milliseconds = timeoutMilliseconds
        let timer = Task {
            guard (try? await Task.sleep(for: .milliseconds(milliseconds))) != nil else { return }
            exchange.giveUp(TransportFailure(.timeout, detail: "timeout: no answer from the app's transport within \(milliseconds) ms"),
                            cancel: endpoint.cancel)
        }
        defer { timer.cancel() }
        let outcome = await withTaskCancellationHandler {
            exchange.start(send: endpoint.send, cancel: endpoint.cancel)
            return await exchange.outcome()
        } onCancel: {
            exchange.giveUp(TransportFailure(.cancelled, detail: "cancelled: the call was cancelled"), cancel: endpoint.cancel)
        }
        return try outcome.get()
    }

    /// Gives up on every request under way (each call gets `.cancelled`,
    /// and the app is told), refuses new ones, and returns once every
    /// callback into the app has returned: none comes after. An answer the
    /// app gives later is ignored.
    package func close() {
        let exchanges = state.withLock { state in
            state.closed = true
            return Array(state.exchanges.values)
        }
        let endpoint = endpoint
        for exchange in exchanges {
            exchange.giveUp(TransportFailure(.cancelled, detail: "cancelled: the core was closed"), cancel: endpoint.cancel)
        }
        underWay.wait()
    }

    private func register(_ exchange: HostExchange<Endpoint.Payload>) -> Bool {
        state.withLock { state in
            guard !state.closed else { return false }
            state.exchanges[ObjectIdentifier(exchange)] = exchange
            underWay.enter()
            return true
        }
    }

    private func unregister(_ exchange: HostExchange<Endpoint.Payload>) {
        state.withLock { state in _ = state.exchanges.removeValue(forKey: ObjectIdentifier(exchange)) }
        underWay.leave()
    }
}
